/**
 * From the rules that match a connection to the decision, in Istio's order
 * (https://istio.io/latest/docs/concepts/security/#implicit-enablement and the
 * AuthorizationPolicy reference): "the CUSTOM action is evaluated first, then the DENY action,
 * and finally the ALLOW action":
 *   1. CUSTOM policies that match: the external authorizer may deny;
 *   2. DENY policies that match: deny;
 *   3. no ALLOW policy for the workload: allow;
 *   4. an ALLOW policy matches: allow;
 *   5. otherwise deny.
 * AUDIT policies only decide what is logged and never reach this file.
 *
 * A rule that matches only some HTTP requests, or only if something unknowable holds (see
 * authz-match.ts), is weighed as follows:
 * - a DENY rule that certainly matches denies; one that matches some methods/paths/hosts only
 *   denies those requests (listed in `http.denied`) and the connection stays allowed, unless it
 *   provably refuses every request the ALLOW side admits; one with unknowable conditions makes
 *   the decision conditional ("conditional deny": never reported as a certain deny);
 * - the ALLOW side admits the union of its matching alternatives (`http.alternatives`); if each
 *   of them carries unknowable conditions the decision is conditional;
 * - a matching CUSTOM rule makes the decision conditional: its provider decides.
 */
import { isUnconditional, type Conj, type HttpTerms } from "./authz-model";
import { patternKind, patternSubsumes, stringMatcher } from "./authz-strings";
import type { AuthzDecision, HttpAlternative, HttpConstraint } from "./authz-types";

export const NO_ALLOW_POLICY = "no ALLOW policy";
export const NONE_MATCHES = "ALLOW policies exist but none matches";

/** A rule that matches the connection, at least partly (`conjs` is never empty). */
export interface MatchedRule {
  label: string;
  conjs: Conj[];
}

/** Everything decide needs about one connection. */
export interface Evaluation {
  custom: (MatchedRule & { provider: string })[];
  deny: MatchedRule[];
  allow: MatchedRule[];
  /** Whether any ALLOW policy applies to the workload (even one none of whose rules match). */
  hasAllowPolicy: boolean;
  http: boolean;
}

interface Alternative {
  rule: string;
  conj: Conj;
}

const UNCONDITIONAL: Conj = { http: {}, conditions: [] };

const sortedUnique = (values: string[]) => [...new Set(values)].sort();

const DIMENSIONS = [
  ["methods", "notMethods", false],
  ["paths", "notPaths", false],
  // Istio matches hosts case-insensitively (Operation.hosts: "The match is case-insensitive").
  ["hosts", "notHosts", true],
] as const;

export function describeConj(conj: Conj): string {
  const parts: string[] = [];
  for (const [positive, negative] of DIMENSIONS) {
    if (conj.http[positive]) parts.push(`${positive} ${JSON.stringify(conj.http[positive])}`);
    if (conj.http[negative]) parts.push(`${negative} ${JSON.stringify(conj.http[negative])}`);
  }
  return [...parts, ...conj.conditions].join(" and ");
}

/**
 * Whether every request `admit` describes is also matched by `deny` (both HTTP restrictions).
 * Sound, not complete: false when unsure, so a connection is only reported denied when it is.
 */
export function coversHttp(deny: HttpTerms, admit: HttpTerms): boolean {
  return DIMENSIONS.every(([positive, negative, ignoreCase]) => {
    const denyValues = deny[positive];
    const denyNot = deny[negative];
    if (!denyValues && !denyNot) return true;
    const admitValues = admit[positive];
    if (!admitValues) return false;
    if (denyNot?.some((value) => value.includes("{"))) return false;
    const excluded = denyNot?.map((value) => stringMatcher(value, { ignoreCase })) ?? [];
    return admitValues.every((value) => {
      const inValues = !denyValues || denyValues.some((pattern) => patternSubsumes(pattern, value, { ignoreCase }));
      // A notValues exclusion is only provably missed by a literal value.
      const outsideNot = excluded.length === 0 || (patternKind(value) === "exact" && !value.includes("{") && !excluded.some((m) => m(value)));
      return inValues && outsideNot;
    });
  });
}

/** What the ALLOW side admits (steps 3 to 5); [] when nothing. */
function admittedAlternatives(evaluation: Evaluation): Alternative[] {
  if (!evaluation.hasAllowPolicy) return [{ rule: NO_ALLOW_POLICY, conj: UNCONDITIONAL }];
  const certain = evaluation.allow.filter((rule) => rule.conjs.some(isUnconditional));
  if (certain.length > 0) return certain.map((rule) => ({ rule: rule.label, conj: UNCONDITIONAL }));
  return evaluation.allow.flatMap((rule) => rule.conjs.map((conj) => ({ rule: rule.label, conj })));
}

function toHttpAlternative({ rule, conj }: Alternative): HttpAlternative {
  return { rule, ...conj.http, ...(conj.conditions.length > 0 ? { conditions: conj.conditions } : {}) };
}

function httpConstraint(admitted: Alternative[], denied: Alternative[]): HttpConstraint | undefined {
  if (denied.length === 0 && admitted.every((alternative) => isUnconditional(alternative.conj))) return undefined;
  const alternatives = admitted.map(toHttpAlternative);
  const union = (key: "methods" | "paths" | "hosts"): string[] | "*" =>
    alternatives.every((alternative) => alternative[key]) ? sortedUnique(alternatives.flatMap((alternative) => alternative[key] ?? [])) : "*";
  const hosts = union("hosts");
  return {
    methods: union("methods"),
    paths: union("paths"),
    ...(hosts === "*" ? {} : { hosts }),
    alternatives,
    ...(denied.length > 0 ? { denied: denied.map(toHttpAlternative) } : {}),
  };
}

/** The decision for one connection from the rules that match it. */
export function decide(evaluation: Evaluation): AuthzDecision {
  const certainDeny = evaluation.deny.filter((rule) => rule.conjs.some(isUnconditional));
  if (certainDeny.length > 0) return { effect: "deny", deniedBy: sortedUnique(certainDeny.map((rule) => rule.label)) };

  const admitted = admittedAlternatives(evaluation);
  if (admitted.length === 0) return { effect: "deny", deniedBy: [NONE_MATCHES] };

  // DENY rules that match some requests only. Those without unknowable conditions refuse their
  // requests for certain: if they cover everything the ALLOW side admits, nothing passes.
  const denied = evaluation.deny.flatMap((rule) => rule.conjs.map((conj) => ({ rule: rule.label, conj })));
  const certainlyDenied = denied.filter((alternative) => alternative.conj.conditions.length === 0);
  const coveredBy = admitted.map((alternative) => certainlyDenied.find((deny) => coversHttp(deny.conj.http, alternative.conj.http)));
  if (coveredBy.every((deny) => deny !== undefined)) {
    return { effect: "deny", deniedBy: sortedUnique(coveredBy.map((deny) => deny!.rule)) };
  }
  const open = admitted.filter((_, index) => coveredBy[index] === undefined);

  const reasons: string[] = [];
  for (const rule of evaluation.custom) {
    for (const conj of rule.conjs) {
      const scope = isUnconditional(conj) ? "" : ` requests when ${describeConj(conj)}`;
      reasons.push(`CUSTOM provider ${rule.provider} decides${scope} (${rule.label})`);
    }
  }
  for (const { rule, conj } of denied) {
    if (conj.conditions.length > 0) reasons.push(`${rule} (DENY) denies requests when ${describeConj(conj)}`);
  }
  if (open.every((alternative) => alternative.conj.conditions.length > 0)) {
    for (const { rule, conj } of open) reasons.push(`${rule} (ALLOW) admits requests only when ${describeConj(conj)}`);
  }

  const allowedBy = sortedUnique(open.map((alternative) => alternative.rule));
  const http = evaluation.http ? httpConstraint(admitted, denied) : undefined;
  const withHttp = http ? { http } : {};
  if (reasons.length > 0) return { effect: "conditional", reason: [...new Set(reasons)].join("; "), allowedBy, ...withHttp };
  return { effect: "allow", allowedBy, ...withHttp };
}
