/**
 * Matching one AuthorizationPolicy rule against one connection, precompiled once per rule.
 *
 * https://istio.io/latest/docs/reference/config/security/authorization-policy/#Rule: "A match
 * occurs when at least one source, one operation and all conditions matches the request. An
 * empty rule is always matched." Within a source or operation the fields are ANDed; within a
 * field the values are ORed and the `not` values exclude.
 *
 * A snapshot does not know everything Envoy sees, so a rule answers with the ways it may match
 * (a disjunction of conjunctions, see {@link Conj}): none (no match), one with nothing in it (a
 * certain match), or some carrying HTTP restrictions (methods, paths, hosts: the connection
 * matches for those requests only) and conditions that cannot be known statically (a JWT, a
 * header, a pod IP...).
 */
import { parseIpAddress, parseIpRange, rangeContains, type IpRange } from "./authz-ip";
import { HTTP_ONLY, isUnconditional, type Conj, type Facts, type HttpDimension, type HttpTerms, type ParsedField, type ParsedRule, type Term } from "./authz-model";
import { namespaceMatcher, patternKind, stringMatcher, type Matcher } from "./authz-strings";
import type { AuthzRequest } from "./authz-types";

export const DEFAULT_TRUST_DOMAIN = "cluster.local";

/**
 * How HTTP-only fields behave on a port where Envoy does not see HTTP: see
 * https://istio.io/latest/docs/concepts/security/#using-istio-authorization-on-plain-tcp-protocols,
 * https://istio.io/latest/docs/tasks/security/authorization/authz-tcp/ ("Istio ignores the
 * invalid ALLOW rule"; "Istio ignores the HTTP-only fields in an invalid DENY rule. This is
 * different from an invalid ALLOW rule, which causes Istio to ignore the entire rule") and
 * Istio's authz builder (pilot/pkg/security/authz/model, rule.checkError):
 * - "allow" (ALLOW policies): a rule with any HTTP-only field is skipped, so it matches nothing:
 *   "a smaller allow policy (i.e. less likely to allow a request)".
 * - "deny" (DENY, AUDIT, and CUSTOM, whose rules Istio builds the same wide way): only the
 *   HTTP-only values are dropped, and a source or operation left empty matches anything:
 *   "a wider deny or audit policy (i.e. more likely to deny or audit a request)".
 */
export type RuleMode = "allow" | "deny";

/** One rule, ready to be matched many times. */
export interface CompiledRule {
  /** `namespace/name[AuthorizationPolicy] rule N` */
  label: string;
  /** [] no match; [an unconditional Conj] certain match; else the partial ways it matches. */
  match(facts: Facts): Conj[];
}

type Verdict = boolean | Term;
type FieldEval = (facts: Facts) => Verdict;

const NO_MATCH: Conj[] = [];
const CERTAIN_MATCH: Conj[] = [{ http: {}, conditions: [] }];

/**
 * Istio treats the trust domain `cluster.local` in a principal as "a pointer to the local trust
 * domain" (pilot/pkg/security/trustdomain, ReplaceTrustDomainAliases): with another trust domain
 * configured, `cluster.local/ns/a/sa/b` means `<trust domain>/ns/a/sa/b`. Only principals of
 * exactly five `/`-separated parts are rewritten. Trust domain aliases are not modelled.
 */
export function localizeTrustDomain(principal: string, trustDomain: string): string {
  if (trustDomain === DEFAULT_TRUST_DOMAIN) return principal;
  const parts = principal.split("/");
  if (parts.length === 5 && parts[0] === DEFAULT_TRUST_DOMAIN) return [trustDomain, ...parts.slice(1)].join("/");
  return principal;
}

/** What a request tells about its source, computed once per `authorize` call. */
export function requestFacts(request: AuthzRequest, trustDomain: string): Facts {
  const { source } = request;
  let peer: Facts["peer"];
  if (!request.mtls) {
    peer = { kind: "none" };
  } else if (source.kind === "workload") {
    const { namespace, serviceAccount } = source.workload;
    peer = { kind: "known", principal: `${trustDomain}/ns/${namespace}/sa/${serviceAccount}`, namespace, serviceAccount: `${namespace}/${serviceAccount}` };
  } else {
    peer = { kind: "unknown", why: source.kind === "external" ? "the external peer's mTLS identity is unknown" : "the source, so its mTLS identity, is unknown" };
  }
  let sourceIp: Facts["sourceIp"];
  if (source.kind === "external" && source.ip !== undefined) {
    const address = parseIpAddress(source.ip);
    sourceIp = address ? { kind: "known", address } : { kind: "unknown", why: `source IP "${source.ip}" is not an IP address` };
  } else if (source.kind === "workload") {
    sourceIp = { kind: "unknown", why: "source pod IPs are not in the snapshot" };
  } else {
    sourceIp = { kind: "unknown", why: source.kind === "external" ? "the external source's IP is not given" : "the source is unknown" };
  }
  return { peer, sourceIp, port: request.port, http: request.http };
}

/** The mTLS identity of a workload as a peer, the way {@link requestFacts} derives it. */
export type PeerIdentity = Extract<Facts["peer"], { kind: "known" }>;

/**
 * Every test a rule makes of the peer identity (one per pattern of its principals, namespaces and
 * serviceAccounts fields, and of source.* conditions, positive and negative). Two sources that
 * pass exactly the same tests get exactly the same decisions: nothing else in a rule looks at who
 * the source is.
 */
export function peerTests(rule: ParsedRule, trustDomain: string): PeerTest[] {
  const tests: PeerTest[] = [];
  for (const field of [...(rule.from ?? []).flat(), ...rule.when]) {
    const patterns = [...field.values, ...field.notValues];
    if (field.attribute === "source.principal") {
      for (const p of patterns) {
        const pattern = localizeTrustDomain(p, trustDomain);
        const m = stringMatcher(pattern);
        tests.push({ test: (peer) => m(peer.principal), exact: patternKind(pattern) === "exact" ? peerKey("principal", pattern) : null });
      }
    } else if (field.attribute === "source.namespace") {
      for (const p of patterns) {
        const m = namespaceMatcher(p);
        tests.push({ test: (peer) => m(peer.namespace), exact: p.includes("*") ? null : peerKey("namespace", p) });
      }
    } else if (field.attribute === "source.serviceAccount") {
      for (const p of patterns) tests.push({ test: (peer) => peer.serviceAccount === p, exact: peerKey("serviceAccount", p) });
    }
  }
  return tests;
}

/**
 * One test of the peer identity. `exact`: when the test is an equality, the one identity it
 * passes, as {@link peerKey} writes it (so that a source's results can be looked up, not tested).
 */
export interface PeerTest {
  test: (peer: PeerIdentity) => boolean;
  exact: string | null;
}

export const peerKey = (attribute: "principal" | "namespace" | "serviceAccount", value: string) => `${attribute}\u0000${value}`;

/** How a field reads in a condition, e.g. `ipBlocks ["10.0.0.0/8"] and notIpBlocks ["10.1.0.0/16"]`. */
export function describeField(field: ParsedField): string {
  const parts: string[] = [];
  if (field.values.length > 0) parts.push(`${field.names[0]} ${JSON.stringify(field.values)}`);
  if (field.notValues.length > 0) parts.push(`${field.names[1]} ${JSON.stringify(field.notValues)}`);
  return parts.join(" and ");
}

const condition = (field: ParsedField, why: string): Term => ({ kind: "condition", text: `${describeField(field)} (${why})` });

/**
 * values ORed, notValues excluded. `value` null: the attribute is absent. Envoy's matchers on an
 * absent peer identity fail, and their negation (`not_id`) succeeds: so on plaintext a
 * `principals` / `namespaces` field never matches and a `notPrincipals` / `notNamespaces` field
 * always does: the "unexpected requests rejection or policy bypass when plain text traffic is
 * used with the permissive mutual TLS mode" of
 * https://istio.io/latest/docs/concepts/security/#dependency-on-mutual-tls.
 */
function matchValues(positive: Matcher[], negative: Matcher[], value: string | null): boolean {
  const positiveOk = positive.length === 0 || (value !== null && positive.some((m) => m(value)));
  const negativeOk = negative.length === 0 || value === null || !negative.some((m) => m(value));
  return positiveOk && negativeOk;
}

type PeerPart = "principal" | "namespace" | "serviceAccount";

/**
 * principals, namespaces, serviceAccounts and the source.principal / source.namespace
 * conditions: all read from the peer certificate, so "only available with mTLS".
 */
function peerField(field: ParsedField, part: PeerPart, toMatcher: (pattern: string) => Matcher): FieldEval {
  const positive = field.values.map(toMatcher);
  const negative = field.notValues.map(toMatcher);
  return (facts) => {
    const { peer } = facts;
    if (peer.kind === "unknown") return condition(field, peer.why);
    return matchValues(positive, negative, peer.kind === "known" ? peer[part] : null);
  };
}

/**
 * ipBlocks / remoteIpBlocks and the source.ip / remote.ip conditions. On a sidecar both are the
 * downstream peer's address for mesh traffic (remote.ip differs only behind trusted proxies that
 * set X-Forwarded-For or the PROXY protocol, not modelled).
 */
function ipField(field: ParsedField): FieldEval {
  const ranges = (values: string[]) => values.map((value) => parseIpRange(value)).filter((r): r is IpRange => r !== null);
  const positive = ranges(field.values);
  const negative = ranges(field.notValues);
  return (facts) => {
    const ip = facts.sourceIp;
    if (ip.kind === "unknown") return condition(field, ip.why);
    const inside = (list: IpRange[]) => list.some((range) => rangeContains(range, ip.address));
    return (positive.length === 0 || inside(positive)) && (negative.length === 0 || !inside(negative));
  };
}

function portField(field: ParsedField): FieldEval {
  const positive = new Set(field.values.map(Number));
  const negative = new Set(field.notValues.map(Number));
  return (facts) => (positive.size === 0 || positive.has(facts.port)) && !negative.has(facts.port);
}

/**
 * methods, paths, hosts: the connection matches for some requests only. Every HTTP request has
 * a method, a path and a host (:authority), so `*` (presence) in the values holds for all of them
 * and in the notValues for none.
 */
function httpField(field: ParsedField, dimension: HttpDimension): FieldEval {
  if (field.notValues.includes("*")) return () => false;
  const values = field.values.includes("*") ? [] : field.values;
  if (values.length === 0 && field.notValues.length === 0) return () => true;
  const term: Term = { kind: "http", dimension, values, notValues: field.notValues };
  return () => term;
}

const UNKNOWABLE: Partial<Record<ParsedField["attribute"], string>> = {
  "request.auth.principal": "depends on the request's JWT",
  "request.auth.audiences": "depends on the request's JWT",
  "request.auth.presenter": "depends on the request's JWT",
  "request.auth.claims": "depends on the request's JWT",
  "request.headers": "depends on the request's headers",
  "destination.ip": "pod IPs are not in the snapshot",
  "connection.sni": "the TLS server name is not known statically",
  "experimental.envoy.filters": "Envoy filter metadata is not known statically",
};

function compileField(field: ParsedField, trustDomain: string): FieldEval {
  switch (field.attribute) {
    case "source.principal":
      return peerField(field, "principal", (pattern) => stringMatcher(localizeTrustDomain(pattern, trustDomain)));
    case "source.namespace":
      return peerField(field, "namespace", namespaceMatcher);
    case "source.serviceAccount":
      return peerField(field, "serviceAccount", (pattern) => (value) => value === pattern);
    case "source.ip":
    case "remote.ip":
      return ipField(field);
    case "destination.port":
      return portField(field);
    case "request.method":
      return httpField(field, "methods");
    case "request.path":
      return httpField(field, "paths");
    case "request.host":
      return httpField(field, "hosts");
    default: {
      const term = condition(field, UNKNOWABLE[field.attribute] ?? "not known statically");
      return () => term;
    }
  }
}

/** AND of fields: null when one fails, else the terms the others leave. */
function conjoin(fields: FieldEval[], facts: Facts): Term[] | null {
  const terms: Term[] = [];
  for (const field of fields) {
    const verdict = field(facts);
    if (verdict === false) return null;
    if (verdict !== true) terms.push(verdict);
  }
  return terms;
}

/** OR of clauses (sources or operations): the ones that may match; one certain match suffices. */
function disjoin(clauses: FieldEval[][] | null, facts: Facts): Term[][] {
  if (clauses === null) return [[]];
  const matching: Term[][] = [];
  for (const clause of clauses) {
    const terms = conjoin(clause, facts);
    if (terms === null) continue;
    if (terms.length === 0) return [[]];
    matching.push(terms);
  }
  return matching;
}

const NOT_KEY: Record<HttpDimension, keyof HttpTerms> = { methods: "notMethods", paths: "notPaths", hosts: "notHosts" };

function toConj(terms: Term[]): Conj {
  const http: HttpTerms = {};
  const conditions: string[] = [];
  for (const term of terms) {
    if (term.kind === "condition") {
      conditions.push(term.text);
    } else if (http[term.dimension] || http[NOT_KEY[term.dimension]]) {
      // One operation per conjunction, so a dimension is never restricted twice; kept sound anyway.
      conditions.push(`${term.dimension} ${JSON.stringify(term.values)} not ${JSON.stringify(term.notValues)}`);
    } else {
      if (term.values.length > 0) http[term.dimension] = term.values;
      if (term.notValues.length > 0) http[NOT_KEY[term.dimension]] = term.notValues;
    }
  }
  return { http, conditions: conditions.length > 1 ? [...new Set(conditions)] : conditions };
}

/** Precompiles a rule's fields; `mode` says how HTTP-only fields read on non-HTTP ports. */
export function compileRule(rule: ParsedRule, options: { label: string; mode: RuleMode; trustDomain: string }): CompiledRule {
  const { label, mode, trustDomain } = options;
  const compileFields = (fields: ParsedField[]): FieldEval[] =>
    fields.map((field) => {
      const evaluate = compileField(field, trustDomain);
      // Off HTTP, a DENY-mode rule drops HTTP-only values (an ALLOW-mode rule never gets here).
      return HTTP_ONLY.has(field.attribute) ? (facts: Facts) => (facts.http ? evaluate(facts) : true) : evaluate;
    });
  const from = rule.from?.map(compileFields) ?? null;
  const to = rule.to?.map(compileFields) ?? null;
  const when = compileFields(rule.when);
  const httpOnly = [...(rule.from ?? []).flat(), ...(rule.to ?? []).flat(), ...rule.when].some((field) => HTTP_ONLY.has(field.attribute));

  return {
    label,
    match(facts) {
      if (mode === "allow" && httpOnly && !facts.http) return NO_MATCH;
      const whenTerms = conjoin(when, facts);
      if (whenTerms === null) return NO_MATCH;
      const sources = disjoin(from, facts);
      if (sources.length === 0) return NO_MATCH;
      const operations = disjoin(to, facts);
      if (operations.length === 0) return NO_MATCH;
      if (sources.length === 1 && operations.length === 1) {
        const conj = toConj([...sources[0]!, ...operations[0]!, ...whenTerms]);
        return isUnconditional(conj) ? CERTAIN_MATCH : [conj];
      }
      const conjs = new Map<string, Conj>();
      for (const source of sources) {
        for (const operation of operations) {
          const conj = toConj([...source, ...operation, ...whenTerms]);
          if (isUnconditional(conj)) return CERTAIN_MATCH;
          conjs.set(JSON.stringify(conj), conj);
        }
      }
      return [...conjs.values()];
    },
  };
}
