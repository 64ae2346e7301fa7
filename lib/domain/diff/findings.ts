/**
 * Findings introduced, resolved and unchanged. Finding ids are stable keys across snapshots: each
 * is the kind and the names of what it is about (`findingId` in lib/domain/findings/context.ts:
 * workload, namespace, policy and rule ids, external hosts), never a position or a count. A
 * finding whose severity moved is unchanged, with `severityBefore`.
 */
import { compare } from "../manifests/sort";
import { SEVERITY_RANK, type Finding } from "../model";
import { bounded, type FindingItem, type SnapshotDiff } from "./model";

export function diffFindings(base: readonly Finding[], head: readonly Finding[], limit: number): SnapshotDiff["findings"] {
  const before = new Map(base.map((f) => [f.id, f]));
  const after = new Set(head.map((f) => f.id));
  const introduced: FindingItem[] = [];
  const unchanged: FindingItem[] = [];
  for (const f of head) {
    const was = before.get(f.id);
    if (!was) introduced.push(item(f));
    else unchanged.push({ ...item(f), ...(was.severity !== f.severity ? { severityBefore: was.severity } : {}) });
  }
  const resolved = base.filter((f) => !after.has(f.id)).map(item);
  return {
    introduced: bounded(introduced.sort(worstFirst), limit),
    resolved: bounded(resolved.sort(worstFirst), limit),
    unchanged: bounded(unchanged.sort(worstFirst), limit),
  };
}

const item = (f: Finding): FindingItem => ({ id: f.id, kind: f.kind, severity: f.severity, title: f.title, subjects: f.subjects });

const worstFirst = (a: FindingItem, b: FindingItem) => SEVERITY_RANK[a.severity] - SEVERITY_RANK[b.severity] || compare(a.id, b.id);
