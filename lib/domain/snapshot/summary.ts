import type { SnapshotCounts } from "../model";

/** What lists and headers show about a snapshot, without its (possibly large) document. */
export interface SnapshotSummary {
  id: string;
  name: string;
  cluster: string;
  capturedAt: string;
  createdAt: string;
  source: string;
  contentHash: string;
  counts: SnapshotCounts & { warnings: number };
}

export interface SnapshotPage {
  items: SnapshotSummary[];
  /** Pass back as `cursor` for the next (older) page; null on the last page. */
  nextCursor: string | null;
}
