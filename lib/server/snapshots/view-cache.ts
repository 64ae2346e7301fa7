import "server-only";
/**
 * The snapshot page's rows, computed once per snapshot and kept (snapshots never change): a small
 * in-memory LRU, with the view endpoint's body serialized and gzipped once beside it. Every
 * request still reads the summary row, so a deleted snapshot is gone at once, on every server
 * process; only the document load, the view computation and the serialization are saved.
 */
import { snapshotView, type SnapshotView } from "@/lib/domain/snapshot/view";
import { processCache } from "../process-cache";
import { prepareJson, type PreparedJson } from "../prepared-json";
import { getSnapshot, getSnapshotSummary, type SnapshotSummary } from "./store";

export type SnapshotViewWithSummary = SnapshotView & { summary: SnapshotSummary };

interface Entry {
  view: SnapshotViewWithSummary;
  body?: PreparedJson;
}

const cache = processCache<Entry>("views", 20);

async function entry(id: string): Promise<Entry> {
  const summary = await getSnapshotSummary(id);
  const key = `${id}:${summary.contentHash}`;
  let known = cache.get(key);
  if (!known) cache.set(key, (known = { view: { ...snapshotView((await getSnapshot(id)).snapshot), summary } }));
  return known;
}

/** The view of a snapshot and its summary (404 AppError when it does not exist). */
export async function cachedSnapshotView(id: string): Promise<SnapshotViewWithSummary> {
  return (await entry(id)).view;
}

/** The same, as the view endpoint's body: JSON and its gzip. */
export async function preparedSnapshotView(id: string): Promise<PreparedJson> {
  const known = await entry(id);
  return (known.body ??= prepareJson(known.view));
}
