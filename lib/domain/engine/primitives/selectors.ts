/**
 * Kubernetes label selectors (`podSelector`, `namespaceSelector`), validated and matched exactly
 * as the API server does: k8s.io/apimachinery/pkg/apis/meta/v1 LabelSelector, its validation
 * (apimachinery/pkg/apis/meta/v1/validation ValidateLabelSelector) and its meaning once
 * converted to a labels.Selector (LabelSelectorAsSelector).
 *
 * https://kubernetes.io/docs/concepts/overview/working-with-objects/labels/#label-selectors
 */
import type { Labels } from "../../model";

export { LabelIndex } from "./label-index";

export const SELECTOR_OPERATORS = ["In", "NotIn", "Exists", "DoesNotExist"] as const;
export type SelectorOperator = (typeof SELECTOR_OPERATORS)[number];

/**
 * One condition a label set must meet. A `matchLabels` entry `key: value` is the requirement
 * `key In (value)`, as LabelSelectorAsSelector makes it. `values` is sorted and without
 * duplicates; it is empty for Exists and DoesNotExist.
 */
export interface Requirement {
  readonly key: string;
  readonly operator: SelectorOperator;
  readonly values: readonly string[];
}

/** A valid selector, ready to match label sets. */
export interface CompiledSelector {
  /** True for `{}` (no requirements): it selects every object in scope. */
  readonly matchesEverything: boolean;
  /** All requirements (matchLabels then matchExpressions); a label set matches when it meets every one. */
  readonly requirements: readonly Requirement[];
  matches(labels: Labels): boolean;
  /**
   * The selector as `kubectl get -l` writes it, requirements sorted by key, e.g.
   * "app=web, tier in (a,b), !canary"; "" for `{}`. Equal texts mean equal selectors, so the
   * text can key a cache.
   */
  readonly text: string;
}

export type SelectorResult = { ok: true; selector: CompiledSelector } | { ok: false; field: string; error: string };

const OPERATOR_HINT = "must be In, NotIn, Exists or DoesNotExist";
const QUOTE_HINT = 'quote values such as "true" or "8080"';

/**
 * Validates and compiles a selector that is present in the object (a missing one means
 * different things in different places, so the caller decides). `field` is the path of the
 * selector, e.g. "spec.podSelector"; an error names the exact sub-field, e.g.
 * "spec.podSelector.matchExpressions[1].operator". The first problem found is reported.
 *
 * Besides the API server's rules, unknown fields are refused (kubectl's default strict field
 * validation does the same): a typo such as `matchLabel:` would otherwise leave `{}`, which
 * selects everything.
 */
export function compileSelector(raw: unknown, field: string): SelectorResult {
  try {
    return { ok: true, selector: compile(raw, field) };
  } catch (error) {
    if (error instanceof Invalid) return { ok: false, field: error.field, error: error.message };
    throw error;
  }
}

/** Thrown inside this module only, to stop at the first problem. */
class Invalid extends Error {
  constructor(
    readonly field: string,
    message: string,
  ) {
    super(message);
  }
}

interface Part {
  requirement: Requirement;
  text: string;
}

function compile(raw: unknown, field: string): CompiledSelector {
  if (!isMapping(raw)) {
    throw new Invalid(field, `expected a mapping (a label selector with matchLabels and/or matchExpressions), found ${describe(raw)}`);
  }
  rejectUnknownFields(raw, field, ["matchLabels", "matchExpressions"], "a label selector has only matchLabels and matchExpressions");
  const parts = [...readMatchLabels(raw.matchLabels, child(field, "matchLabels"))];
  parts.push(...readMatchExpressions(raw.matchExpressions, child(field, "matchExpressions")));
  return build(parts);
}

/** `null` counts as absent, as it does for the API server (`matchLabels:` with nothing after it). */
function readMatchLabels(raw: unknown, field: string): Part[] {
  if (raw === undefined || raw === null) return [];
  if (!isMapping(raw)) throw new Invalid(field, `expected a mapping of label keys to values, found ${describe(raw)}`);
  return Object.entries(raw).map(([key, rawValue]) => {
    const at = child(field, key);
    checkKey(key, at);
    const value = readLabelValue(rawValue, at);
    return { requirement: { key, operator: "In", values: [value] }, text: `${key}=${value}` };
  });
}

function readMatchExpressions(raw: unknown, field: string): Part[] {
  if (raw === undefined || raw === null) return [];
  if (!Array.isArray(raw)) throw new Invalid(field, `expected a list, found ${describe(raw)}`);
  return raw.map((item, i) => readExpression(item, `${field}[${i}]`));
}

/** One LabelSelectorRequirement, checked as ValidateLabelSelectorRequirement does. */
function readExpression(raw: unknown, field: string): Part {
  if (!isMapping(raw)) throw new Invalid(field, `expected a mapping with key, operator and values, found ${describe(raw)}`);
  rejectUnknownFields(raw, field, ["key", "operator", "values"], "a match expression has only key, operator and values");

  const keyField = child(field, "key");
  if (raw.key === undefined || raw.key === null) throw new Invalid(keyField, 'missing (expected a label key such as "app")');
  if (typeof raw.key !== "string") throw new Invalid(keyField, `expected a string, found ${describe(raw.key)}`);
  const key = raw.key;
  checkKey(key, keyField);

  // Operator names are case-sensitive: the API server refuses "in" and "exists".
  const operatorField = child(field, "operator");
  const operator = raw.operator;
  if (operator === undefined || operator === null) throw new Invalid(operatorField, `missing (${OPERATOR_HINT})`);
  if (!isOperator(operator)) {
    const found = typeof operator === "string" ? JSON.stringify(operator) : describe(operator);
    throw new Invalid(operatorField, `unknown operator ${found} (${OPERATOR_HINT})`);
  }

  const valuesField = child(field, "values");
  if (raw.values !== undefined && raw.values !== null && !Array.isArray(raw.values)) {
    throw new Invalid(valuesField, `expected a list of strings, found ${describe(raw.values)}`);
  }
  const rawValues: unknown[] = Array.isArray(raw.values) ? raw.values : [];
  const listed = operator === "In" || operator === "NotIn";
  if (listed && rawValues.length === 0) {
    throw new Invalid(valuesField, `must list at least one value when operator is ${operator}`);
  }
  if (!listed && rawValues.length > 0) {
    throw new Invalid(valuesField, `must not be set when operator is ${operator}`);
  }
  const values = [...new Set(rawValues.map((v, j) => readLabelValue(v, `${valuesField}[${j}]`)))].sort();

  const list = `(${values.join(",")})`;
  const text = { In: `${key} in ${list}`, NotIn: `${key} notin ${list}`, Exists: key, DoesNotExist: `!${key}` }[operator];
  return { requirement: { key, operator, values }, text };
}

function build(parts: Part[]): CompiledSelector {
  const requirements = Object.freeze(parts.map((p) => Object.freeze({ ...p.requirement, values: Object.freeze(p.requirement.values) })));
  // Sorted by key as labels.Selector.String() does, then by text so that requirements on the
  // same key come out in one order whatever order they were written in; repeats say nothing new.
  const text = [...new Set([...parts].sort(byKeyThenText).map((p) => p.text))].join(", ");
  const tests = requirements.map(testFor);
  return Object.freeze({
    matchesEverything: requirements.length === 0,
    requirements,
    text,
    matches: (labels: Labels) => tests.every((test) => test(labels)),
  });
}

/**
 * The meaning of each operator (labels.Requirement.Matches). NotIn matches a label set without
 * the key: `tier notin (cache)` selects pods that have no `tier` label at all. Own properties
 * only, so a key such as "constructor" is never found on Object.prototype.
 */
function testFor({ key, operator, values }: Requirement): (labels: Labels) => boolean {
  const valueSet = new Set(values);
  switch (operator) {
    case "In":
      return (labels) => Object.hasOwn(labels, key) && valueSet.has(labels[key]!);
    case "NotIn":
      return (labels) => !Object.hasOwn(labels, key) || !valueSet.has(labels[key]!);
    case "Exists":
      return (labels) => Object.hasOwn(labels, key);
    case "DoesNotExist":
      return (labels) => !Object.hasOwn(labels, key);
  }
}

/**
 * A label value (IsValidLabelValue). YAML `app:` with nothing after it is null, which the API
 * server stores as "" (Go's JSON decoding leaves a null string empty); numbers and booleans are
 * refused.
 */
function readLabelValue(raw: unknown, field: string): string {
  if (raw === null) return "";
  if (typeof raw !== "string") throw new Invalid(field, `expected a string, found ${describe(raw)} (${QUOTE_HINT})`);
  const problem = labelValueProblem(raw);
  if (problem) throw new Invalid(field, `invalid label value ${JSON.stringify(raw)}: ${problem}`);
  return raw;
}

function checkKey(key: string, field: string): void {
  const problem = labelKeyProblem(key);
  if (problem) throw new Invalid(field, `invalid label key ${JSON.stringify(key)}: ${problem}`);
}

const NAME = /^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$/;
const VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;
const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const NAME_CHARS = "consist of alphanumeric characters, '-', '_' or '.', and start and end with an alphanumeric character";

/**
 * Why `key` is not a label key, or undefined when it is one (IsQualifiedName): an optional
 * prefix that is a DNS subdomain (lowercase, at most 253 characters) and "/", then a name of
 * 1-63 characters.
 */
export function labelKeyProblem(key: string): string | undefined {
  const parts = key.split("/");
  if (parts.length > 2) return 'must have at most one "/" (an optional DNS subdomain prefix, then a name)';
  const name = parts.length === 2 ? parts[1]! : key;
  if (parts.length === 2) {
    const prefix = parts[0]!;
    if (prefix === "") return 'the prefix before "/" must not be empty';
    if (prefix.length > 253 || !DNS_SUBDOMAIN.test(prefix)) {
      return "the prefix must be a lowercase DNS subdomain of at most 253 characters, e.g. example.com";
    }
  }
  if (name === "") return parts.length === 2 ? 'the name after "/" must not be empty' : "must not be empty";
  if (name.length > 63) return "the name must be at most 63 characters";
  if (!NAME.test(name)) return `the name must ${NAME_CHARS}`;
  return undefined;
}

/** Why `value` is not a label value, or undefined when it is one (IsValidLabelValue; "" is valid). */
export function labelValueProblem(value: string): string | undefined {
  if (value.length > 63) return "must be at most 63 characters";
  if (!VALUE.test(value)) return `must be empty or ${NAME_CHARS}`;
  return undefined;
}

function isOperator(value: unknown): value is SelectorOperator {
  return (SELECTOR_OPERATORS as readonly unknown[]).includes(value);
}

function rejectUnknownFields(raw: Record<string, unknown>, field: string, known: readonly string[], hint: string): void {
  for (const name of Object.keys(raw)) {
    if (!known.includes(name)) throw new Invalid(child(field, name), `unknown field ${JSON.stringify(name)} (${hint})`);
  }
}

const isMapping = (value: unknown): value is Record<string, unknown> =>
  typeof value === "object" && value !== null && !Array.isArray(value);

/** `spec.podSelector.matchLabels`, or `...matchLabels["app.kubernetes.io/name"]` for keys that are not identifiers. */
function child(field: string, name: string): string {
  if (!/^[A-Za-z_$][\w$-]*$/.test(name)) return `${field}[${JSON.stringify(name)}]`;
  return field === "" ? name : `${field}.${name}`;
}

/** What a YAML author would call the value, without echoing it. */
function describe(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "a list";
  if (typeof value === "object") return "a mapping";
  if (typeof value === "string") return "a string";
  if (typeof value === "number" || typeof value === "boolean") return `${typeof value} ${String(value)}`;
  return typeof value;
}

/** Code-unit order, as Go compares strings (label keys are ASCII). */
function byKeyThenText(a: Part, b: Part): number {
  const [x, y] = a.requirement.key === b.requirement.key ? [a.text, b.text] : [a.requirement.key, b.requirement.key];
  return x < y ? -1 : x > y ? 1 : 0;
}
