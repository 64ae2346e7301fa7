/**
 * The diff in words: the headline counts per section (the CLI and the page show the same), and
 * the plain-text report `meshlens diff` prints.
 */
import type { Bounded, FieldChange, SnapshotDiff } from "./model";

export interface DiffSectionCounts {
  title: string;
  parts: { label: string; total: number }[];
}

/** One line per section: "Allowed paths: 3 gained, 1 lost, 1 changed". */
export function diffCounts(diff: SnapshotDiff): DiffSectionCounts[] {
  const { workloads, policies, paths, edges, findings } = diff;
  return [
    { title: "Workloads", parts: [part("added", workloads.added), part("removed", workloads.removed), part("changed", workloads.changed)] },
    { title: "Policies", parts: [part("added", policies.added), part("removed", policies.removed), part("changed", policies.changed)] },
    { title: "Allowed paths", parts: [part("gained", paths.gained), part("lost", paths.lost), part("changed", paths.changed)] },
    {
      title: "Observed traffic",
      parts: [part("appeared", edges.appeared), part("disappeared", edges.disappeared), part("changed encryption", edges.encryptionChanged)],
    },
    { title: "Findings", parts: [part("introduced", findings.introduced), part("resolved", findings.resolved), part("unchanged", findings.unchanged)] },
  ];
}

const part = (label: string, list: Bounded<unknown>) => ({ label, total: list.total });

/** A path as `meshlens connectivity` prints one: `SRC => DST : CONN`. */
export const pathText = (p: { source: string; destination: string; connections: string }) => `${p.source} => ${p.destination} : ${p.connections}`;

/** "labels: (none) -> version=v2" */
export const fieldChangeText = (c: FieldChange) => `${c.field}: ${c.before} -> ${c.after}`;

/** The whole diff as text: the counts, then each non-empty list (with `+`, `-`, `~` marks). */
export function formatDiffText(diff: SnapshotDiff, heading: string): string {
  const out = [heading, ""];
  for (const s of diffCounts(diff)) out.push(`${s.title}: ${s.parts.map((p) => `${p.total} ${p.label}`).join(", ")}`);
  const list = <T>(title: string, items: Bounded<T>, line: (item: T) => string[]) => {
    if (items.total === 0) return;
    out.push("", `${title} (${items.total}${items.items.length < items.total ? `, first ${items.items.length} shown` : ""})`);
    for (const item of items.items) out.push(...line(item).map((l) => `  ${l}`));
  };
  const { workloads, policies, paths, edges, findings } = diff;
  list("Workloads added", workloads.added, (w) => [`+ ${w.id}`]);
  list("Workloads removed", workloads.removed, (w) => [`- ${w.id}`]);
  list("Workloads changed", workloads.changed, (w) => [`~ ${w.id}`, ...w.changes.map((c) => `    ${fieldChangeText(c)}`)]);
  list("Policies added", policies.added, (p) => [`+ ${p.id}`]);
  list("Policies removed", policies.removed, (p) => [`- ${p.id}`]);
  list("Policies changed", policies.changed, (p) => [`~ ${p.id} (+${p.added} -${p.removed})`, ...p.diff.split("\n").map((l) => `    ${l}`)]);
  list("Allowed paths gained", paths.gained, (p) => [`+ ${pathText(p)}${p.endpointChanged ? " (new workload)" : ""}`]);
  list("Allowed paths lost", paths.lost, (p) => [`- ${pathText(p)}${p.endpointChanged ? " (workload removed)" : ""}`]);
  list("Allowed paths changed", paths.changed, (p) => [`~ ${pathText(p)} (was ${p.before})`]);
  list("Observed traffic appeared", edges.appeared, (e) => [`+ ${e.source} -> ${e.destination} (${e.encryption})`]);
  list("Observed traffic disappeared", edges.disappeared, (e) => [`- ${e.source} -> ${e.destination} (${e.encryption})`]);
  list("Encryption changed", edges.encryptionChanged, (e) => [`~ ${e.source} -> ${e.destination}: ${e.before} -> ${e.after}`]);
  list("Findings introduced", findings.introduced, (f) => [`+ [${f.severity}] ${f.id}: ${f.title}`]);
  list("Findings resolved", findings.resolved, (f) => [`- [${f.severity}] ${f.id}: ${f.title}`]);
  // Unchanged findings are context, not change: counted above, listed by --json.
  return out.join("\n");
}
