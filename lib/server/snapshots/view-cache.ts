import "server-only";
/**
 * The snapshot page's rows, computed once per snapshot and kept (snapshots never change): a small
 * in-memory LRU. Every request still reads the summary row, so a deleted snapshot is gone at once,
 * on every server process; only the document load and the view computation are saved.
 */
import { snapshotView, type SnapshotView } from "@/lib/domain/snapshot/view";
import { processCache } from "../process-cache";
import { getSnapshot, getSnapshotSummary, type SnapshotSummary } from "./store";

const cache = processCache<SnapshotView>("views", 20);

/** The view of a snapshot and its summary (404 AppError when it does not exist). */
export async function cachedSnapshotView(id: string): Promise<SnapshotView & { summary: SnapshotSummary }> {
  const summary = await getSnapshotSummary(id);
  const key = `${id}:${summary.contentHash}`;
  let view = cache.get(key);
  if (!view) cache.set(key, (view = snapshotView((await getSnapshot(id)).snapshot)));
  return { ...view, summary };
}
