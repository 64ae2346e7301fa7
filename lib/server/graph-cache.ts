import "server-only";
/**
 * Graph layouts are computed once per snapshot and kept (snapshots never change): a small
 * in-memory LRU by snapshot id, holding the JSON and its gzip (the browser asks for the gzip: see
 * the route). A restart recomputes them, which takes milliseconds per
 * thousand workloads (lib/domain/graph/layout.ts).
 */
import { gzipSync } from "node:zlib";
import { buildGraph } from "@/lib/domain/graph/build";
import type { SnapshotGraph } from "@/lib/domain/graph/model";
import { processCache } from "@/lib/server/process-cache";
import { getSnapshot } from "@/lib/server/snapshots/store";

interface CachedGraph {
  json: string;
  gzip: Buffer;
}

const cache = processCache<CachedGraph>("graphs", 20);

/** The graph of a snapshot as JSON text, and gzipped, ready to send. */
export async function snapshotGraph(id: string): Promise<CachedGraph> {
  const known = cache.get(id);
  if (known !== undefined) return known;
  const { snapshot } = await getSnapshot(id);
  const json = JSON.stringify(buildGraph(snapshot) satisfies SnapshotGraph);
  const entry = { json, gzip: gzipSync(json, { level: 6 }) };
  cache.set(id, entry);
  return entry;
}

/** Forgets a snapshot's graph (when the snapshot is deleted). */
export const forgetSnapshotGraph = (id: string) => cache.delete(id);
