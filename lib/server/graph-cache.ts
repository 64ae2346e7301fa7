import "server-only";
/**
 * Graph layouts are computed once per snapshot and kept (snapshots never change): a small
 * in-memory LRU by snapshot id. A restart recomputes them, which takes milliseconds per thousand
 * workloads (lib/domain/graph/layout.ts).
 */
import { buildGraph } from "@/lib/domain/graph/build";
import type { SnapshotGraph } from "@/lib/domain/graph/model";
import { getSnapshot } from "@/lib/server/snapshots/store";

const KEEP = 20;
const cache = ((globalThis as { __meshlensGraphs?: Map<string, string> }).__meshlensGraphs ??= new Map());

/** The graph of a snapshot as JSON text, ready to send. */
export async function snapshotGraphJson(id: string): Promise<string> {
  const known = cache.get(id);
  if (known !== undefined) {
    cache.delete(id);
    cache.set(id, known); // most recently used last
    return known;
  }
  const { snapshot } = await getSnapshot(id);
  const json = JSON.stringify(buildGraph(snapshot) satisfies SnapshotGraph);
  cache.set(id, json);
  while (cache.size > KEEP) cache.delete(cache.keys().next().value!);
  return json;
}

/** Forgets a snapshot's graph (when the snapshot is deleted). */
export const forgetSnapshotGraph = (id: string) => cache.delete(id);
