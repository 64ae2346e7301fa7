import "server-only";
/**
 * Graph layouts are computed once per snapshot and kept (snapshots never change): a small
 * in-memory LRU by snapshot id, holding the JSON and its gzip, ready to send
 * (lib/server/prepared-json.ts). A restart recomputes them, which takes milliseconds per thousand
 * workloads (lib/domain/graph/layout.ts). Every request still reads the summary row, so a deleted
 * snapshot is gone at once on every server process, not only the one that deleted it.
 */
import { buildGraph } from "@/lib/domain/graph/build";
import type { SnapshotGraph } from "@/lib/domain/graph/model";
import { processCache } from "@/lib/server/process-cache";
import { getSnapshot, getSnapshotSummary } from "@/lib/server/snapshots/store";
import { prepareJson, type PreparedJson } from "./prepared-json";

const cache = processCache<PreparedJson>("graphs", 20);

/** The graph of a snapshot as JSON text, and gzipped, ready to send. */
export async function snapshotGraph(id: string): Promise<PreparedJson> {
  await getSnapshotSummary(id); // 404 once deleted, whatever this process holds
  const known = cache.get(id);
  if (known !== undefined) return known;
  const { snapshot } = await getSnapshot(id);
  const entry = prepareJson(buildGraph(snapshot) satisfies SnapshotGraph);
  cache.set(id, entry);
  return entry;
}

/** Forgets a snapshot's graph (when the snapshot is deleted). */
export const forgetSnapshotGraph = (id: string) => cache.delete(id);
