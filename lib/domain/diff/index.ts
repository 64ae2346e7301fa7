/**
 * What changed between two snapshots of one cluster (issue 7, "Diffs between snapshots"):
 * workloads, policies (with a readable diff), allowed paths (the engine), observed traffic and
 * findings. Pure: plain data in, plain data out; every list is bounded (see `SnapshotDiff.limit`).
 */
import { AppError } from "../errors";
import type { Snapshot } from "../model";
import { diffEdges } from "./edges";
import { diffFindings } from "./findings";
import { DEFAULT_DIFF_LIMIT, type SnapshotDiff } from "./model";
import { diffPaths } from "./paths";
import { diffPolicies } from "./policies";
import { diffWorkloads } from "./workloads";

export { DEFAULT_DIFF_LIMIT } from "./model";
export type * from "./model";

export interface DiffOptions {
  /** The most items kept per list (default {@link DEFAULT_DIFF_LIMIT}); totals count everything. */
  limit?: number;
}

/** What changed from `base` to `head`. Snapshots of different clusters cannot be compared. */
export function diffSnapshots(base: Snapshot, head: Snapshot, options: DiffOptions = {}): SnapshotDiff {
  if (base.cluster !== head.cluster) {
    throw new AppError(
      "unprocessable",
      `Cannot compare snapshots of different clusters: ${JSON.stringify(base.cluster)} and ${JSON.stringify(head.cluster)}. Pick two snapshots of the same cluster.`,
      { baseCluster: base.cluster, headCluster: head.cluster },
    );
  }
  const limit = options.limit ?? DEFAULT_DIFF_LIMIT;
  const side = (s: Snapshot) => ({ name: s.name, cluster: s.cluster, capturedAt: s.capturedAt });
  return {
    base: side(base),
    head: side(head),
    limit,
    workloads: diffWorkloads(base.workloads, head.workloads, limit),
    policies: diffPolicies(base.policies, head.policies, limit),
    paths: diffPaths(base, head, limit),
    edges: diffEdges(base, head, limit),
    findings: diffFindings(base.findings, head.findings, limit),
  };
}
