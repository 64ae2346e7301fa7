/** Workloads added, removed and changed between two snapshots, keyed by `namespace/name[Kind]`. */
import type { ContainerPort, Labels, Workload } from "../model";
import { compare } from "../manifests/sort";
import { bounded, type FieldChange, type SnapshotDiff, type WorkloadChange, type WorkloadItem } from "./model";

export function diffWorkloads(base: readonly Workload[], head: readonly Workload[], limit: number): SnapshotDiff["workloads"] {
  const before = new Map(base.map((w) => [w.id, w]));
  const after = new Map(head.map((w) => [w.id, w]));
  const added = head.filter((w) => !before.has(w.id)).map(item);
  const removed = base.filter((w) => !after.has(w.id)).map(item);
  const changed: WorkloadChange[] = [];
  for (const w of head) {
    const old = before.get(w.id);
    const changes = old ? workloadChanges(old, w) : [];
    if (changes.length > 0) changed.push({ ...item(w), changes });
  }
  const byId = (a: { id: string }, b: { id: string }) => compare(a.id, b.id);
  return {
    added: bounded(added.sort(byId), limit),
    removed: bounded(removed.sort(byId), limit),
    changed: bounded(changed.sort(byId), limit),
  };
}

const item = (w: Workload): WorkloadItem => ({ id: w.id, namespace: w.namespace, kind: w.kind, sidecar: w.sidecar.injected });

/** What differs between two versions of one workload, field by field (pod counts are not a change of what it is). */
export function workloadChanges(old: Workload, now: Workload): FieldChange[] {
  const changes: FieldChange[] = [];
  const labels = labelChange(old.labels, now.labels);
  if (labels) changes.push(labels);
  if (old.serviceAccount !== now.serviceAccount) changes.push({ field: "serviceAccount", before: old.serviceAccount, after: now.serviceAccount });
  if (old.sidecar.injected !== now.sidecar.injected) {
    changes.push({ field: "sidecar", before: sidecarText(old), after: sidecarText(now) });
  }
  const [oldPorts, newPorts] = [portsText(old.ports), portsText(now.ports)];
  if (oldPorts !== newPorts) changes.push({ field: "ports", before: oldPorts, after: newPorts });
  if (old.hostNetwork !== now.hostNetwork) changes.push({ field: "hostNetwork", before: String(old.hostNetwork), after: String(now.hostNetwork) });
  return changes;
}

/** Only the labels that differ, as `k=v` (or `(none)` on the side without them). */
function labelChange(old: Labels, now: Labels): FieldChange | null {
  const keys = [...new Set([...Object.keys(old), ...Object.keys(now)])].filter((k) => old[k] !== now[k]).sort(compare);
  if (keys.length === 0) return null;
  const text = (labels: Labels) => keys.filter((k) => k in labels).map((k) => `${k}=${labels[k]}`).join(", ") || "(none)";
  return { field: "labels", before: text(old), after: text(now) };
}

const sidecarText = (w: Workload) => `${w.sidecar.injected ? "injected" : "none"} (${w.sidecar.reason})`;

/** Ports as `container/name port/PROTOCOL`, sorted, so that order in the manifest does not count. */
function portsText(ports: readonly ContainerPort[]): string {
  const text = ports.map((p) => `${p.container}/${p.name ?? "-"} ${p.port}/${p.protocol}`).sort(compare);
  return text.join(", ") || "(none)";
}
