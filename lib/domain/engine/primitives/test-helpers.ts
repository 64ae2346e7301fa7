/** Shared fast-check arbitraries and the brute-force selector model for the primitives' tests. */
import fc from "fast-check";
import type { Labels } from "../../model";

/** Raw selectors and label sets over a small universe, so that matches and misses both happen. */
export const KEYS = ["app", "tier", "env", "example.com/team"];
export const VALUES = ["a", "b", "c", ""];
export const key = fc.constantFrom(...KEYS);
export const value = fc.constantFrom(...VALUES);
export const values = fc.array(value, { minLength: 1, maxLength: 3 });
export const expression = fc.oneof(
  fc.record({ key, operator: fc.constantFrom("In", "NotIn"), values }),
  fc.record({ key, operator: fc.constantFrom("Exists", "DoesNotExist") }),
);
export const rawSelector = fc.record(
  { matchLabels: fc.dictionary(key, value, { maxKeys: 2 }), matchExpressions: fc.array(expression, { maxLength: 3 }) },
  { requiredKeys: [] },
);
export const labelSet: fc.Arbitrary<Labels> = fc.dictionary(key, value, { maxKeys: 4 });

export type RawSelector = { matchLabels?: Record<string, string>; matchExpressions?: { key: string; operator: string; values?: string[] }[] };

/** The definition, word for word from the Kubernetes docs, as an independent model. */
export function modelMatches(selector: RawSelector, labels: Labels): boolean {
  const has = (k: string) => Object.keys(labels).includes(k);
  const labelsOk = Object.entries(selector.matchLabels ?? {}).every(([k, v]) => has(k) && labels[k] === v);
  const expressionsOk = (selector.matchExpressions ?? []).every(({ key: k, operator, values: vs = [] }) => {
    if (operator === "In") return has(k) && vs.includes(labels[k]!);
    if (operator === "NotIn") return !has(k) || !vs.includes(labels[k]!);
    if (operator === "Exists") return has(k);
    return !has(k);
  });
  return labelsOk && expressionsOk;
}
