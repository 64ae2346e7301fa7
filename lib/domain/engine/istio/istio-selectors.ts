/**
 * Istio's WorkloadSelector, the `selector` of a PeerAuthentication and the `workloadSelector` of a
 * DestinationRule (https://istio.io/latest/docs/reference/config/type/workload-selector/): only
 * `matchLabels`, matched as a plain subset of the pod labels. There are no matchExpressions, so
 * Kubernetes' label-selector matching does not apply.
 */
import type { Labels } from "../../model";
import { describeValue, fieldPath, Invalid, isAbsent, isObject } from "./mtls-verbatim";

export type MatchLabels = Readonly<Record<string, string>>;

/**
 * Reads a WorkloadSelector: null when absent, else its matchLabels (`{}` when it has none; the
 * caller decides what an empty selector means). Throws Invalid where Istio's validation refuses the
 * object (validateWorkloadSelector: an empty key or a `*` in a key or value; the CRD schema:
 * values must be strings).
 */
export function readWorkloadSelector(raw: unknown, field: string): MatchLabels | null {
  if (isAbsent(raw)) return null;
  if (!isObject(raw)) throw new Invalid(field, `must be a mapping with matchLabels, found ${describeValue(raw)}`);
  const matchLabels = raw.matchLabels;
  const at = `${field}.matchLabels`;
  if (isAbsent(matchLabels)) return {};
  if (!isObject(matchLabels)) throw new Invalid(at, `must be a mapping of label keys to values, found ${describeValue(matchLabels)}`);
  const labels: Record<string, string> = {};
  for (const [key, value] of Object.entries(matchLabels)) {
    if (typeof value !== "string") throw new Invalid(fieldPath(at, key), `label values must be strings, found ${describeValue(value)}`);
    if (key === "") throw new Invalid(at, "an empty label key is not supported in a selector");
    if (key.includes("*") || value.includes("*")) throw new Invalid(fieldPath(at, key), "wildcards are not supported in a selector");
    labels[key] = value;
  }
  return labels;
}

/** Whether every key=value of the selector is among the pod labels (an empty selector matches all). */
export function selectorMatches(matchLabels: MatchLabels, podLabels: Labels): boolean {
  return Object.entries(matchLabels).every(([key, value]) => Object.hasOwn(podLabels, key) && podLabels[key] === value);
}

/** Whether two selectors are the same set of labels (Istio merges DestinationRules with equal selectors). */
export function sameSelector(a: MatchLabels, b: MatchLabels): boolean {
  const keys = Object.keys(a);
  return keys.length === Object.keys(b).length && keys.every((key) => Object.hasOwn(b, key) && b[key] === a[key]);
}
