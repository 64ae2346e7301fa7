/**
 * Policies added, removed and changed, keyed by `namespace/name[Kind]`, each with a unified line
 * diff of its YAML (jsdiff). Objects are compared in a canonical form: keys sorted (PostgreSQL's
 * jsonb does not keep key order, so a stored object and a freshly read one differ in order
 * only), and without what the API server maintains rather than what anyone wrote: `status`,
 * `metadata.resourceVersion`, `generation`, `uid`, `creationTimestamp`, `managedFields`. A live
 * capture taken twice of an untouched policy is then unchanged.
 */
import { createTwoFilesPatch } from "diff";
import { stringify } from "yaml";
import { compare } from "../manifests/sort";
import type { Policy } from "../model";
import type { PolicyItem, SnapshotDiff } from "./model";

const SERVER_METADATA = new Set(["resourceVersion", "generation", "uid", "creationTimestamp", "managedFields"]);
/** The order kubectl prints a manifest's top-level fields in; everything else sorted. */
const LEADING_KEYS = ["apiVersion", "kind", "metadata", "spec"];

export function diffPolicies(base: readonly Policy[], head: readonly Policy[], limit: number): SnapshotDiff["policies"] {
  const before = new Map(base.map((p) => [p.id, p]));
  const after = new Map(head.map((p) => [p.id, p]));
  const added = [...head].sort(byId).filter((p) => !before.has(p.id));
  const removed = [...base].sort(byId).filter((p) => !after.has(p.id));
  // Compared as canonical JSON (cheap); YAML is only written for the items kept.
  const changed: [Policy, Policy][] = [];
  for (const p of [...head].sort(byId)) {
    const old = before.get(p.id);
    if (old && JSON.stringify(canonical(old.object, true)) !== JSON.stringify(canonical(p.object, true))) changed.push([old, p]);
  }
  return {
    added: { total: added.length, items: added.slice(0, limit).map((p) => policyItem(p, "", policyYaml(p))) },
    removed: { total: removed.length, items: removed.slice(0, limit).map((p) => policyItem(p, policyYaml(p), "")) },
    changed: { total: changed.length, items: changed.slice(0, limit).map(([old, p]) => policyItem(p, policyYaml(old), policyYaml(p))) },
  };
}

const byId = (a: Policy, b: Policy) => compare(a.id, b.id);

function policyItem(p: Policy, oldYaml: string, newYaml: string): PolicyItem {
  const patch = createTwoFilesPatch(p.id, p.id, oldYaml, newYaml, undefined, undefined, { context: 3 });
  // Drop jsdiff's "Index:" / "====" / "---" / "+++" header: the policy id says which object it is.
  const lines = patch.split("\n");
  const body = lines.slice(lines.findIndex((l) => l.startsWith("@@"))).join("\n").trimEnd();
  let added = 0;
  let removed = 0;
  for (const line of body.split("\n")) {
    if (line.startsWith("+")) added++;
    else if (line.startsWith("-")) removed++;
  }
  return { id: p.id, kind: p.kind, namespace: p.namespace, name: p.name, diff: body, added, removed };
}

/** The policy's object as YAML in canonical form (see the module comment). */
export function policyYaml(p: Policy): string {
  return stringify(canonical(p.object, true), { lineWidth: 0, aliasDuplicateObjects: false });
}

function canonical(value: unknown, top = false): unknown {
  if (Array.isArray(value)) return value.map((v) => canonical(v));
  if (value === null || typeof value !== "object") return value;
  const object = value as Record<string, unknown>;
  const keys = Object.keys(object)
    .filter((k) => !(top && k === "status"))
    .sort((a, b) => (top ? leading(a) - leading(b) : 0) || compare(a, b));
  const out: Record<string, unknown> = {};
  for (const k of keys) {
    if (top && k === "metadata" && isRecord(object[k])) {
      const metadata = Object.fromEntries(Object.entries(object[k]).filter(([key]) => !SERVER_METADATA.has(key)));
      out[k] = canonical(metadata);
    } else {
      out[k] = canonical(object[k]);
    }
  }
  return out;
}

const leading = (key: string) => {
  const i = LEADING_KEYS.indexOf(key);
  return i < 0 ? LEADING_KEYS.length : i;
};

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);
