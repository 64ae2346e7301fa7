/**
 * Reads one AuthorizationPolicy (security.istio.io v1 or v1beta1: the same schema) and checks it
 * the way Istio does before accepting it: the CRD schema (types, the action enum) and istiod's
 * ValidateAuthorizationPolicy (pkg/config/validation). A policy Istio would refuse is reported as
 * a PolicyIssue and left out, since it never reaches a proxy. Remarks that do not exclude the
 * policy (fields the API server drops, targetRef policies that only waypoints enforce, principals
 * that can never match) are returned as notes.
 *
 * Reference: https://istio.io/latest/docs/reference/config/security/authorization-policy/
 */
import type { Labels, Policy } from "../../model";
import type { PolicyIssue } from "../issues";
import { parseIpRange } from "./authz-ip";
import { AUTHZ_ACTIONS, type Attribute, type AuthzAction, type ParsedField, type ParsedPolicy, type ParsedRule } from "./authz-model";

export interface AuthzParseResult {
  /** null when Istio would refuse the policy, or when it targets waypoints (targetRef). */
  policy: ParsedPolicy | null;
  issues: PolicyIssue[];
  notes: PolicyIssue[];
}

export const TARGET_REF_NOTE = "targetRef(s) policies apply to waypoints; not modelled";

interface Context {
  id: string;
  issues: PolicyIssue[];
  notes: PolicyIssue[];
}

type Row = Record<string, unknown>;

const isRecord = (value: unknown): value is Row => typeof value === "object" && value !== null && !Array.isArray(value);
const isAbsent = (value: unknown) => value === undefined || value === null;

function issue(ctx: Context, field: string, message: string) {
  ctx.issues.push({ policy: ctx.id, field, message });
}

function note(ctx: Context, field: string, message: string) {
  ctx.notes.push({ policy: ctx.id, field, message });
}

function describe(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "a list";
  if (typeof value === "object") return "a mapping";
  return `${typeof value} ${JSON.stringify(value)}`;
}

/**
 * Fields outside the schema: the API server prunes them (or refuses the object under strict
 * field validation), so they never reach Istio. Evaluated without them, and said so.
 */
function noteUnknownFields(ctx: Context, row: Row, path: string, known: readonly string[]) {
  for (const key of Object.keys(row)) {
    if (!known.includes(key)) {
      note(ctx, `${path}.${key}`, `unknown field "${key}" is not part of the AuthorizationPolicy API: the API server drops it, so it is not evaluated`);
    }
  }
}

/** A list of strings; absent or null reads as empty. null: invalid (reported). */
function readStrings(ctx: Context, raw: unknown, path: string, options: { nonEmpty: boolean }): string[] | null {
  if (isAbsent(raw)) return [];
  if (!Array.isArray(raw)) {
    issue(ctx, path, `must be a list of strings, found ${describe(raw)}`);
    return null;
  }
  let ok = true;
  raw.forEach((item, index) => {
    if (typeof item !== "string") {
      issue(ctx, `${path}[${index}]`, `must be a string, found ${describe(item)}`);
      ok = false;
    } else if (options.nonEmpty && item === "") {
      // CheckEmptyValues: "empty value not allowed".
      issue(ctx, `${path}[${index}]`, "empty value not allowed");
      ok = false;
    }
  });
  // A copy: decisions built from these values are frozen, the caller's policy object must not be.
  return ok ? [...(raw as string[])] : null;
}

const PRINCIPAL_SHAPE = /^[^/]+\/ns\/[^/]+\/sa\/[^/]+$/;
const DIGITS = /^\d+$/;

/** Checks the values of one attribute the way Istio's validation does; false if refused. */
function checkValues(ctx: Context, attribute: Attribute, values: string[], path: string): boolean {
  let ok = true;
  values.forEach((value, index) => {
    const at = `${path}[${index}]`;
    switch (attribute) {
      case "source.ip":
      case "remote.ip":
      case "destination.ip":
        // ValidateIPs: a single address or a CIDR, IPv4 or IPv6.
        if (!parseIpRange(value)) {
          issue(ctx, at, `bad IP address or CIDR range "${value}"`);
          ok = false;
        }
        break;
      case "destination.port":
        // ValidatePorts: a decimal number up to 65535, written as a string.
        if (!DIGITS.test(value) || Number(value) > 65535) {
          issue(ctx, at, `bad port "${value}": ports are strings holding a number from 0 to 65535`);
          ok = false;
        }
        break;
      case "request.path": {
        const problem = pathTemplateProblem(value);
        if (problem) {
          issue(ctx, at, `invalid or unsupported path "${value}": ${problem}`);
          ok = false;
        }
        break;
      }
      case "source.principal":
        // Istio accepts any string here, so these are notes: the policy stays in force.
        if (value.startsWith("spiffe://")) {
          note(ctx, at, `principal "${value}" is written with spiffe://, which Istio adds itself: it matches no peer`);
        } else if (!value.includes("*") && !PRINCIPAL_SHAPE.test(value)) {
          note(ctx, at, `principal "${value}" is not of the form <trust domain>/ns/<namespace>/sa/<service account>: it matches no workload identity`);
        }
        break;
      default:
        break;
    }
  });
  return ok;
}

/**
 * Istio's CheckValidPathTemplate: `{*}` (one segment) and `{**}` (any segments) are the only
 * braces allowed, each as a whole segment, and nothing may follow `{**}`.
 */
function pathTemplateProblem(path: string): string | null {
  let sawMatchAny = false;
  for (const segment of path.replace(/^\/+|\/+$/g, "").split("/")) {
    if (segment === "{*}" || segment === "{**}") {
      if (sawMatchAny) return "{**} is not the last operator";
      sawMatchAny = segment === "{**}";
      continue;
    }
    if (/[{}]/.test(segment)) return "contains '{' or '}' beyond a supported path template";
  }
  return null;
}

/** Reads a (positive, negative) field pair of a source or operation. */
function readFieldPair(ctx: Context, row: Row, path: string, [positive, negative, attribute]: FieldSpec): ParsedField | null | "invalid" {
  const values = readStrings(ctx, row[positive], `${path}.${positive}`, { nonEmpty: true });
  const notValues = readStrings(ctx, row[negative], `${path}.${negative}`, { nonEmpty: true });
  if (!values || !notValues) return "invalid";
  const ok = checkValues(ctx, attribute, values, `${path}.${positive}`) && checkValues(ctx, attribute, notValues, `${path}.${negative}`);
  if (!ok) return "invalid";
  if (values.length === 0 && notValues.length === 0) return null;
  return { attribute, names: [positive, negative], values, notValues };
}

type FieldSpec = readonly [positive: string, negative: string, attribute: Attribute];

/** Source fields and the attribute each one "is the same as" (per the reference). */
const SOURCE_FIELDS: readonly FieldSpec[] = [
  ["principals", "notPrincipals", "source.principal"],
  ["requestPrincipals", "notRequestPrincipals", "request.auth.principal"],
  ["namespaces", "notNamespaces", "source.namespace"],
  ["serviceAccounts", "notServiceAccounts", "source.serviceAccount"],
  ["ipBlocks", "notIpBlocks", "source.ip"],
  ["remoteIpBlocks", "notRemoteIpBlocks", "remote.ip"],
];

const OPERATION_FIELDS: readonly FieldSpec[] = [
  ["hosts", "notHosts", "request.host"],
  ["ports", "notPorts", "destination.port"],
  ["methods", "notMethods", "request.method"],
  ["paths", "notPaths", "request.path"],
];

/**
 * Reads `from` or `to`: a list of `{source: ...}` / `{operation: ...}`. Istio refuses a nil or
 * empty source/operation ("`from.source` must not be empty"). An absent or empty list is null:
 * the rule does not restrict that side.
 */
function readClauses(
  ctx: Context,
  raw: unknown,
  path: string,
  [side, wrapper, specs]: readonly [side: "from" | "to", wrapper: "source" | "operation", specs: readonly FieldSpec[]],
): ParsedField[][] | null | "invalid" {
  if (isAbsent(raw)) return null;
  if (!Array.isArray(raw)) {
    issue(ctx, path, `must be a list, found ${describe(raw)}`);
    return "invalid";
  }
  if (raw.length === 0) return null;
  let ok = true;
  const clauses: ParsedField[][] = [];
  raw.forEach((entry, index) => {
    const at = `${path}[${index}]`;
    if (!isRecord(entry) || !isRecord(entry[wrapper])) {
      issue(ctx, `${at}.${wrapper}`, `\`${side}.${wrapper}\` must not be nil`);
      ok = false;
      return;
    }
    noteUnknownFields(ctx, entry, at, [wrapper]);
    const row = entry[wrapper] as Row;
    noteUnknownFields(ctx, row, `${at}.${wrapper}`, specs.flatMap(([positive, negative]) => [positive, negative]));
    const fields: ParsedField[] = [];
    let entryOk = true;
    for (const spec of specs) {
      const field = readFieldPair(ctx, row, `${at}.${wrapper}`, spec);
      if (field === "invalid") entryOk = false;
      else if (field) fields.push(field);
    }
    if (!entryOk) ok = false;
    else if (fields.length === 0) {
      issue(ctx, `${at}.${wrapper}`, `\`${side}.${wrapper}\` must not be empty: set at least one field`);
      ok = false;
    }
    clauses.push(fields);
  });
  return ok ? clauses : "invalid";
}

/** `request.headers[name]` and `request.auth.claims[name]` need a non-empty `[...]` (validateMapKey). */
function validMapKey(key: string): boolean {
  const open = key.indexOf("[");
  return key.endsWith("]") && open > 0 && open < key.length - 2;
}

/** The attribute of a `when` key, per https://istio.io/latest/docs/reference/config/security/conditions/. */
function conditionAttribute(key: string): Attribute | "bad map key" | null {
  if (key.startsWith("request.headers")) return validMapKey(key) ? "request.headers" : "bad map key";
  if (key.startsWith("request.auth.claims")) return validMapKey(key) ? "request.auth.claims" : "bad map key";
  if (key.startsWith("experimental.envoy.filters.")) return "experimental.envoy.filters";
  const plain: readonly Attribute[] = [
    "source.ip",
    "remote.ip",
    "source.namespace",
    "source.principal",
    "request.auth.principal",
    "request.auth.audiences",
    "request.auth.presenter",
    "destination.ip",
    "destination.port",
    "connection.sni",
  ];
  return plain.find((attribute) => attribute === key) ?? null;
}

function readConditions(ctx: Context, raw: unknown, path: string): ParsedField[] | "invalid" {
  if (isAbsent(raw)) return [];
  if (!Array.isArray(raw)) {
    issue(ctx, path, `must be a list, found ${describe(raw)}`);
    return "invalid";
  }
  let ok = true;
  const fields: ParsedField[] = [];
  raw.forEach((entry, index) => {
    const at = `${path}[${index}]`;
    if (!isRecord(entry)) {
      issue(ctx, at, "when field cannot be nil");
      ok = false;
      return;
    }
    noteUnknownFields(ctx, entry, at, ["key", "values", "notValues"]);
    const key = entry.key;
    if (typeof key !== "string" || key === "") {
      issue(ctx, `${at}.key`, "`key` must not be empty");
      ok = false;
      return;
    }
    const values = readStrings(ctx, entry.values, `${at}.values`, { nonEmpty: false });
    const notValues = readStrings(ctx, entry.notValues, `${at}.notValues`, { nonEmpty: false });
    if (!values || !notValues) {
      ok = false;
      return;
    }
    if (values.length === 0 && notValues.length === 0) {
      issue(ctx, at, `at least one of \`values\` or \`notValues\` must be set for key ${key}`);
      ok = false;
      return;
    }
    const attribute = conditionAttribute(key);
    if (attribute === null || attribute === "bad map key") {
      const message = attribute === null ? `unknown attribute: ${key}` : `bad key (${key}): should have format a[b]`;
      issue(ctx, `${at}.key`, message);
      ok = false;
      return;
    }
    if (!checkValues(ctx, attribute, values, `${at}.values`) || !checkValues(ctx, attribute, notValues, `${at}.notValues`)) {
      ok = false;
      return;
    }
    fields.push({ attribute, names: [`${key} in`, `${key} not in`], values, notValues });
  });
  return ok ? fields : "invalid";
}

function readRule(ctx: Context, raw: unknown, path: string): ParsedRule | null {
  if (!isRecord(raw)) {
    issue(ctx, path, `\`rule\` must not be nil: found ${describe(raw)}`);
    return null;
  }
  noteUnknownFields(ctx, raw, path, ["from", "to", "when"]);
  const from = readClauses(ctx, raw.from, `${path}.from`, ["from", "source", SOURCE_FIELDS]);
  const to = readClauses(ctx, raw.to, `${path}.to`, ["to", "operation", OPERATION_FIELDS]);
  const when = readConditions(ctx, raw.when, `${path}.when`);
  if (from === "invalid" || to === "invalid" || when === "invalid") return null;
  return { from, to, when };
}

/** WorkloadSelector: Istio's validateWorkloadSelector refuses an empty key and any `*`. */
function readSelector(ctx: Context, raw: unknown, path: string): Labels | null {
  if (isAbsent(raw)) return {};
  if (!isRecord(raw)) {
    issue(ctx, path, `must be a mapping with matchLabels, found ${describe(raw)}`);
    return null;
  }
  noteUnknownFields(ctx, raw, path, ["matchLabels"]);
  const matchLabels = raw.matchLabels;
  if (isAbsent(matchLabels)) return {};
  if (!isRecord(matchLabels)) {
    issue(ctx, `${path}.matchLabels`, `must be a mapping of label keys to values, found ${describe(matchLabels)}`);
    return null;
  }
  const labels: Labels = {};
  let ok = true;
  for (const [key, value] of Object.entries(matchLabels)) {
    const at = `${path}.matchLabels.${key}`;
    if (typeof value !== "string") {
      issue(ctx, at, `label values must be strings, found ${describe(value)}`);
      ok = false;
    } else if (key === "") {
      issue(ctx, `${path}.matchLabels`, "empty key is not supported in selector");
      ok = false;
    } else if (key.includes("*") || value.includes("*")) {
      issue(ctx, at, "wildcard is not supported in selector");
      ok = false;
    } else {
      labels[key] = value;
    }
  }
  return ok ? labels : null;
}

/**
 * CUSTOM checks of ValidateAuthorizationPolicy: rules are required ("CUSTOM action without
 * `rules` is meaningless"), and so is `provider.name`; `provider` is refused on other actions.
 */
function readProvider(ctx: Context, spec: Row, action: AuthzAction, hasRules: boolean): string | null | "invalid" {
  const raw = spec.provider;
  if (action !== "CUSTOM") {
    if (isAbsent(raw)) return null;
    issue(ctx, "spec.provider", `\`provider\` must not be with non CUSTOM action, found ${action}`);
    return "invalid";
  }
  let ok = true;
  if (!hasRules) {
    issue(ctx, "spec.rules", "CUSTOM action without `rules` is meaningless as it will never be triggered; add an empty rule `{}` to trigger it for every request");
    ok = false;
  }
  if (isRecord(raw)) noteUnknownFields(ctx, raw, "spec.provider", ["name"]);
  const name = isRecord(raw) ? raw.name : undefined;
  if (typeof name !== "string" || name === "") {
    issue(ctx, "spec.provider.name", "`provider.name` must not be empty for CUSTOM action");
    return "invalid";
  }
  return ok ? name : "invalid";
}

/**
 * Older Istio releases refused these fields in CUSTOM policies ("currently not supported with
 * CUSTOM action"). Kept here, so such a policy still makes the decision conditional (the safe
 * side); the note says why a cluster may have rejected it.
 */
function noteCustomLimits(ctx: Context, rules: ParsedRule[]) {
  const unsupported = (attribute: Attribute) => attribute === "source.principal" || attribute === "source.namespace" || attribute.startsWith("request.auth.");
  rules.forEach((rule, index) => {
    const fields = [...(rule.from ?? []).flat(), ...rule.when].filter((field) => unsupported(field.attribute));
    if (fields.length > 0) {
      const names = [...new Set(fields.map((field) => field.names[0].replace(/ in$/, "")))];
      note(ctx, `spec.rules[${index}]`, `${names.join(", ")}: not supported with CUSTOM action by some Istio releases (the policy is then refused)`);
    }
  });
}

/** Reads and validates one AuthorizationPolicy. */
export function parseAuthorizationPolicy(policy: Policy): AuthzParseResult {
  const ctx: Context = { id: policy.id, issues: [], notes: [] };
  const rawSpec = policy.object.spec;
  // No spec at all reads as `spec: {}`: an ALLOW policy with no rules (allow-nothing).
  if (!isAbsent(rawSpec) && !isRecord(rawSpec)) {
    issue(ctx, "spec", `must be a mapping, found ${describe(rawSpec)}`);
    return { policy: null, issues: ctx.issues, notes: ctx.notes };
  }
  const spec: Row = isRecord(rawSpec) ? rawSpec : {};
  noteUnknownFields(ctx, spec, "spec", ["selector", "targetRef", "targetRefs", "rules", "action", "provider"]);

  const rawAction = spec.action ?? "ALLOW";
  const action = AUTHZ_ACTIONS.find((known) => known === rawAction);
  if (!action) issue(ctx, "spec.action", `unknown action ${JSON.stringify(rawAction)}: Istio accepts ALLOW (the default), DENY, AUDIT or CUSTOM`);

  const selector = readSelector(ctx, spec.selector, "spec.selector");
  const hasTargetRef = !isAbsent(spec.targetRef);
  const hasTargetRefs = !isAbsent(spec.targetRefs) && !(Array.isArray(spec.targetRefs) && spec.targetRefs.length === 0);
  if (hasTargetRef && hasTargetRefs) issue(ctx, "spec.targetRefs", "only one of targetRef or targetRefs can be set");
  if (!isAbsent(spec.selector) && (hasTargetRef || hasTargetRefs)) {
    issue(ctx, hasTargetRef ? "spec.targetRef" : "spec.targetRefs", "only one of targetRefs or workloadSelector can be set");
  }

  let rules: ParsedRule[] = [];
  let rulesOk = true;
  if (!isAbsent(spec.rules)) {
    if (!Array.isArray(spec.rules)) {
      issue(ctx, "spec.rules", `must be a list, found ${describe(spec.rules)}`);
      rulesOk = false;
    } else {
      const read = spec.rules.map((rule, index) => readRule(ctx, rule, `spec.rules[${index}]`));
      rulesOk = read.every((rule) => rule !== null);
      rules = read.filter((rule): rule is ParsedRule => rule !== null);
    }
  }

  const provider = action ? readProvider(ctx, spec, action, !rulesOk || rules.length > 0) : null;
  if (ctx.issues.length > 0 || !action || selector === null || provider === "invalid") {
    return { policy: null, issues: ctx.issues, notes: ctx.notes };
  }
  if (action === "CUSTOM") noteCustomLimits(ctx, rules);
  if (hasTargetRef || hasTargetRefs) {
    // Sidecars ignore targetRef policies: they bind to a Gateway, Service or ServiceEntry and are
    // enforced by gateways and waypoints (ambient), which this engine does not model.
    note(ctx, hasTargetRef ? "spec.targetRef" : "spec.targetRefs", TARGET_REF_NOTE);
    return { policy: null, issues: ctx.issues, notes: ctx.notes };
  }
  return {
    policy: { id: policy.id, namespace: policy.namespace, action, provider, selector, rules },
    issues: ctx.issues,
    notes: ctx.notes,
  };
}
