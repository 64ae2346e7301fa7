import "server-only";
/**
 * Diffs between stored snapshots. Snapshots never change, so a diff is computed once per pair
 * (and limit) and kept in a small in-memory LRU; both snapshots are looked up on every call, so a
 * deleted one is a 404 and never served from the cache.
 */
import { z } from "zod";
import { diffSnapshots, DEFAULT_DIFF_LIMIT, type SnapshotDiff } from "@/lib/domain/diff";
import { processCache } from "../process-cache";
import { getSnapshot, getSnapshotSummary, type SnapshotSummary } from "./store";

/** What the API, the page and the CLI get: the two snapshots' summaries and the diff. */
export interface SnapshotDiffResult {
  from: SnapshotSummary;
  to: SnapshotSummary;
  diff: SnapshotDiff;
}

/** `?from=A&to=B[&limit=N]`, as the API and the page take them. */
export const DiffQuerySchema = z.object({
  from: z.string({ error: "give the base snapshot's id as from=" }).trim().min(1, "give the base snapshot's id as from=").max(100),
  to: z.string({ error: "give the other snapshot's id as to=" }).trim().min(1, "give the other snapshot's id as to=").max(100),
  limit: z.coerce.number().int().min(1).max(100_000).default(DEFAULT_DIFF_LIMIT),
});
export type DiffQuery = z.infer<typeof DiffQuerySchema>;

const cache = processCache<SnapshotDiff>("diffs", 10);

/** What changed from snapshot `from` to snapshot `to`: 404 for an unknown id, 422 across clusters. */
export async function snapshotDiff({ from, to, limit }: DiffQuery): Promise<SnapshotDiffResult> {
  const [fromSummary, toSummary] = await Promise.all([getSnapshotSummary(from), getSnapshotSummary(to)]);
  const key = JSON.stringify([from, to, limit]);
  let diff = cache.get(key);
  if (!diff) {
    const [base, head] = await Promise.all([getSnapshot(from), getSnapshot(to)]);
    cache.set(key, (diff = diffSnapshots(base.snapshot, head.snapshot, { limit })));
  }
  return { from: fromSummary, to: toSummary, diff };
}
