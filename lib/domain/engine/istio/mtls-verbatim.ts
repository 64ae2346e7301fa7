/**
 * Reading the Istio objects the snapshot keeps verbatim (`Policy.object`): plain-object checks,
 * field paths for PolicyIssues, and the "oldest first" order Istio uses to pick one of several
 * policies of the same scope.
 */
import type { Policy } from "../../model";
import type { PolicyIssue } from "../issues";

export type Json = Record<string, unknown>;

export const isObject = (value: unknown): value is Json => typeof value === "object" && value !== null && !Array.isArray(value);

/** Absent in YAML terms: a missing key or an explicit `null`. */
export const isAbsent = (value: unknown): value is undefined | null => value === undefined || value === null;

/** Something Istio's validation (CRD schema or webhook) refuses: the whole object is left out. */
export class Invalid extends Error {
  constructor(
    readonly field: string,
    message: string,
  ) {
    super(message);
  }
}

/** The PolicyIssue for a policy left out because Istio would refuse it. */
export function refusedIssue(policy: Policy, error: Invalid): PolicyIssue {
  return {
    policy: policy.id,
    field: error.field,
    message: `${error.message}; the policy is left out, as Istio's validation would refuse it`,
  };
}

/**
 * Reads every policy of one kind with `read`, which may add notes and throws Invalid for what
 * Istio would refuse: refused objects become issues and are left out.
 */
export function readEach<T>(
  policies: readonly Policy[],
  kind: Policy["kind"],
  read: (policy: Policy, notes: PolicyIssue[]) => T,
): { rules: T[]; issues: PolicyIssue[] } {
  const rules: T[] = [];
  const issues: PolicyIssue[] = [];
  for (const policy of policies) {
    if (policy.kind !== kind) continue;
    const notes: PolicyIssue[] = [];
    try {
      rules.push(read(policy, notes));
      issues.push(...notes);
    } catch (error) {
      if (!(error instanceof Invalid)) throw error;
      issues.push(refusedIssue(policy, error));
    }
  }
  return { rules, issues };
}

/** `base.key`, or `base["app.kubernetes.io/name"]` when the key is not a plain identifier. */
export function fieldPath(base: string, key: string): string {
  return /^[A-Za-z_$][\w$-]*$/.test(key) ? `${base}.${key}` : `${base}[${JSON.stringify(key)}]`;
}

/** A value for a message, without echoing large or nested input. */
export function describeValue(value: unknown): string {
  if (typeof value === "string") return value.length > 40 ? `${JSON.stringify(value.slice(0, 40))}...` : JSON.stringify(value);
  if (typeof value === "number" || typeof value === "boolean") return String(value);
  if (Array.isArray(value)) return "a list";
  return isObject(value) ? "a mapping" : String(value);
}

/** Where a policy stands in Istio's "oldest first" order. */
export interface CreationOrder {
  /** metadata.creationTimestamp in ms since the epoch; null when absent or unreadable. */
  created: number | null;
  namespace: string;
  name: string;
}

/** RFC 3339, as Kubernetes writes metav1.Time (e.g. `2024-05-01T12:00:00Z`). */
const RFC3339 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:Z|[+-]\d{2}:\d{2})$/i;

/** The policy's place in creation order; an unreadable creationTimestamp is reported and read as absent. */
export function creationOrder(policy: Policy): { order: CreationOrder; issue: PolicyIssue | null } {
  const metadata = policy.object.metadata;
  const raw = isObject(metadata) ? metadata.creationTimestamp : undefined;
  const base = { namespace: policy.namespace, name: policy.name };
  if (isAbsent(raw)) return { order: { ...base, created: null }, issue: null };
  const created = typeof raw === "string" && RFC3339.test(raw) ? Date.parse(raw) : Number.NaN;
  if (Number.isNaN(created)) {
    const issue = {
      policy: policy.id,
      field: "metadata.creationTimestamp",
      message: `${describeValue(raw)} is not an RFC 3339 time: the policy is ordered as if it had none (after every dated one)`,
    };
    return { order: { ...base, created: null }, issue };
  }
  return { order: { ...base, created }, issue: null };
}

/**
 * Istio's order for choosing one of several policies of the same scope: oldest creationTimestamp
 * first, then name, then namespace (istiod sorts configs this way, and ComposePeerAuthentication and
 * the DestinationRule merge both keep the first). A policy without a creationTimestamp is a
 * manifest not applied yet: the API server would stamp it when created, after every existing
 * object, so it sorts after the dated ones.
 */
export function compareCreation(a: CreationOrder, b: CreationOrder): number {
  if (a.created !== b.created) {
    if (a.created === null) return 1;
    if (b.created === null) return -1;
    return a.created - b.created;
  }
  if (a.name !== b.name) return a.name < b.name ? -1 : 1;
  if (a.namespace !== b.namespace) return a.namespace < b.namespace ? -1 : 1;
  return 0;
}

/** Issues in one deterministic order (policy, field, message), whatever the input order was. */
export function sortIssues(issues: PolicyIssue[]): PolicyIssue[] {
  const key = (i: PolicyIssue) => [i.policy, i.field, i.message] as const;
  return issues.sort((x, y) => {
    const [a, b] = [key(x), key(y)];
    for (let k = 0; k < a.length; k++) if (a[k] !== b[k]) return a[k]! < b[k]! ? -1 : 1;
    return 0;
  });
}
