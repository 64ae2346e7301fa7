/**
 * Istio AuthorizationPolicy evaluation: which connections to a sidecar-injected workload its
 * policies allow, deny, or leave to something a snapshot cannot know.
 *
 * Follows https://istio.io/latest/docs/reference/config/security/authorization-policy/ and
 * https://istio.io/latest/docs/concepts/security/#authorization. security.istio.io v1 and v1beta1
 * have the same schema and are read identically. The steps:
 * - authz-parse.ts: validate each policy as Istio does (refused ones become PolicyIssues);
 * - here: index the policies by the workloads they apply to (compiled once);
 * - authz-match.ts: match the precompiled rules against a connection;
 * - authz-decide.ts: CUSTOM, then DENY, then ALLOW.
 */
import type { Labels, Policy, Workload } from "../../model";
import type { PolicyIssue } from "../issues";
import { decide, NO_ALLOW_POLICY, type Evaluation, type MatchedRule } from "./authz-decide";
import { compileRule, DEFAULT_TRUST_DOMAIN, peerKey, peerTests, requestFacts, type CompiledRule, type PeerIdentity, type PeerTest } from "./authz-match";
import type { AuthzAction, Facts } from "./authz-model";
import { parseAuthorizationPolicy } from "./authz-parse";
import type { AuthzDecision, AuthzRequest } from "./authz-types";

export type { AuthzDecision, AuthzEffect, AuthzRequest, HttpAlternative, HttpConstraint } from "./authz-types";
export { NO_ALLOW_POLICY, NONE_MATCHES } from "./authz-decide";
export { DEFAULT_TRUST_DOMAIN } from "./authz-match";
export { TARGET_REF_NOTE } from "./authz-parse";

export const NO_SIDECAR = "no sidecar: AuthorizationPolicy not enforced";

/**
 * Inbound ports the sidecar does not capture. Istio's iptables setup only redirects TCP (so UDP
 * and SCTP never meet Envoy), and the injection template excludes 15090 (Envoy's Prometheus),
 * 15021 (health) and 15020 (the agent's status port) from inbound capture. Ports excluded by the
 * traffic.sidecar.istio.io annotations are not modelled (the snapshot keeps no annotations).
 */
const UNCAPTURED_INBOUND_PORTS: ReadonlySet<number> = new Set([15020, 15021, 15090]);

export interface CompileAuthorizationPoliciesInput {
  workloads: Workload[];
  /** All the snapshot's policies: other kinds are skipped. */
  policies: Policy[];
  /** MeshConfig.rootNamespace: policies there apply mesh-wide. */
  rootNamespace: string;
  /** The mesh's trust domain (MeshConfig.trustDomain); Istio's default: cluster.local. */
  trustDomain?: string;
}

/** The compiled policies of a snapshot. */
export interface AuthorizationPolicies {
  /** The decision for one connection (possibly shared with other calls, so frozen). */
  authorize(request: AuthzRequest): AuthzDecision;
  /**
   * What the destination's policies can tell about a workload source: sources with the same
   * signature get the same decision for every request (so callers may share results). "" when
   * no policy looks at the source's identity.
   */
  sourceSignature(destination: Workload, source: Workload): string;
  /** `sourceSignature` for one source and many destinations, worked out once per set of policies. */
  signaturesOf(source: Workload): (destination: Workload) => string;
  /**
   * When the destination's policies only test the source identity for equality: the identities
   * they name (as {@link identityKeys} writes them; empty when no test). A source whose keys are
   * none of them gets the all-zeros signature. Null when some test is a pattern (`prefix*`).
   */
  exactIdentities(destination: Workload): ReadonlySet<string> | null;
  /** A source's principal, namespace and service account, as keys of {@link exactIdentities}. */
  identityKeys(source: Workload): string[];
  /** Ids of the (valid, sidecar-enforced) AuthorizationPolicies that apply to the workload, sorted. */
  policiesFor(workload: Workload): string[];
  /** A number per distinct set of applicable policies: workloads with the same number are under the same policies. */
  policySetOf(workload: Workload): number;
  /** Policies Istio would refuse, left out. */
  issues: PolicyIssue[];
  /**
   * Remarks that do not come from a refusal: policies outside this model (targetRef: enforced by
   * waypoints), fields the API server drops, principals that can never match.
   */
  notes: PolicyIssue[];
}

interface CompiledPolicy {
  id: string;
  namespace: string;
  action: AuthzAction;
  provider: string;
  selector: [string, string][];
  rules: CompiledRule[];
  peerTests: PeerTest[];
}

/** The policies that apply to one workload, by action. Shared by workloads with the same set. */
interface Applicable {
  /** Numbers the distinct sets. */
  serial: number;
  ids: string[];
  custom: { provider: string; rule: CompiledRule }[];
  deny: CompiledRule[];
  allow: CompiledRule[];
  hasAllowPolicy: boolean;
  /** The tests the policies make of the source identity (see peerTests). */
  peerTests: PeerTest[];
  /**
   * When every test is an equality: the identities some test passes. A source with none of them
   * fails every test, and its signature is all zeros, with no test run.
   */
  exactKeys: Set<string> | null;
  zeros: string;
  /** Decisions already made for these policies, by {@link factsKey}. */
  decided: Map<string, AuthzDecision>;
}

/** Past this many remembered decisions per policy set, decisions are recomputed (bounded memory). */
const MAX_REMEMBERED = 4096;

/** Everything a decision depends on besides the policies (see requestFacts). */
function factsKey(facts: Facts): string {
  const { peer, sourceIp } = facts;
  const peerKey = peer.kind === "known" ? peer.principal : peer.kind === "none" ? "" : `?${peer.why}`;
  const ipKey = sourceIp.kind === "known" ? sourceIp.address.bytes.join(".") : `?${sourceIp.why}`;
  return `${peerKey}|${ipKey}|${facts.port}|${facts.http ? "http" : "tcp"}`;
}

/** Decisions are shared between calls: frozen, so that no caller can change another's. */
function deepFreeze<T>(value: T): T {
  if (typeof value === "object" && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const child of Object.values(value)) deepFreeze(child);
  }
  return value;
}

const selects = (selector: [string, string][], labels: Labels) => selector.every(([key, value]) => Object.hasOwn(labels, key) && labels[key] === value);

function compilePolicies(policies: Policy[], trustDomain: string) {
  const issues: PolicyIssue[] = [];
  const notes: PolicyIssue[] = [];
  const compiled: CompiledPolicy[] = [];
  // Sorted, so that the input order changes nothing (not even the order of labels).
  const sorted = policies
    .filter((policy) => policy.kind === "AuthorizationPolicy")
    .map((policy) => ({ policy, key: JSON.stringify(policy.object) }))
    .sort((a, b) => (a.policy.id < b.policy.id ? -1 : a.policy.id > b.policy.id ? 1 : a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  for (const { policy } of sorted) {
    const parsed = parseAuthorizationPolicy(policy);
    issues.push(...parsed.issues);
    notes.push(...parsed.notes);
    if (!parsed.policy) continue;
    const { id, namespace, action, provider, selector, rules } = parsed.policy;
    const mode = action === "ALLOW" ? "allow" : "deny";
    compiled.push({
      id,
      namespace,
      action,
      provider: provider ?? "",
      selector: Object.entries(selector),
      rules: rules.map((rule, index) => compileRule(rule, { label: `${id} rule ${index}`, mode, trustDomain })),
      peerTests: rules.flatMap((rule) => peerTests(rule, trustDomain)),
    });
  }
  return { compiled, issues, notes };
}

/**
 * Compiles the AuthorizationPolicies of a snapshot once, for many `authorize` calls.
 *
 * A policy applies to a workload when it is in the workload's namespace, or in the root namespace
 * (mesh-wide), and its `selector.matchLabels` is a subset of the pod labels (no or an empty
 * selector: every workload in scope).
 */
export function compileAuthorizationPolicies(input: CompileAuthorizationPoliciesInput): AuthorizationPolicies {
  const trustDomain = input.trustDomain ?? DEFAULT_TRUST_DOMAIN;
  const { compiled, issues, notes } = compilePolicies(input.policies, trustDomain);
  // Indexes into `compiled` (sorted by id), by namespace.
  const byNamespace = new Map<string, number[]>();
  compiled.forEach((policy, index) => {
    const list = byNamespace.get(policy.namespace);
    if (list) list.push(index);
    else byNamespace.set(policy.namespace, [index]);
  });

  const applicableCache = new WeakMap<Workload, Applicable>();
  // Keyed by the indexes of the policies in `compiled`: workloads under the same policies share
  // one Applicable, and so its remembered decisions.
  const applicableBySet = new Map<string, Applicable>();
  function applicableTo(workload: Workload): Applicable {
    const cached = applicableCache.get(workload);
    if (cached) return cached;
    const inScope = [...(byNamespace.get(workload.namespace) ?? []), ...(workload.namespace === input.rootNamespace ? [] : (byNamespace.get(input.rootNamespace) ?? []))];
    const indexes = inScope.filter((index) => selects(compiled[index]!.selector, workload.labels)).sort((a, b) => a - b);
    const key = indexes.join(",");
    let applicable = applicableBySet.get(key);
    if (!applicable) {
      const policies = indexes.map((index) => compiled[index]!);
      const of = (action: AuthzAction) => policies.filter((policy) => policy.action === action);
      const peerTests = policies.flatMap((policy) => policy.peerTests);
      applicable = {
        serial: applicableBySet.size,
        ids: [...new Set(policies.map((policy) => policy.id))],
        custom: of("CUSTOM").flatMap((policy) => policy.rules.map((rule) => ({ provider: policy.provider, rule }))),
        deny: of("DENY").flatMap((policy) => policy.rules),
        allow: of("ALLOW").flatMap((policy) => policy.rules),
        hasAllowPolicy: of("ALLOW").length > 0,
        peerTests,
        exactKeys: peerTests.every((t) => t.exact !== null) ? new Set(peerTests.map((t) => t.exact!)) : null,
        zeros: "0".repeat(peerTests.length),
        decided: new Map(),
      };
      applicableBySet.set(key, applicable);
    }
    applicableCache.set(workload, applicable);
    return applicable;
  }
  for (const workload of input.workloads) applicableTo(workload);

  function authorize(request: AuthzRequest): AuthzDecision {
    const { destination } = request;
    // Only a sidecar enforces AuthorizationPolicy for a pod (ambient's ztunnel and waypoints are
    // not modelled).
    if (!destination.sidecar.injected) return { effect: "allow", allowedBy: [NO_SIDECAR] };
    if (request.protocol !== "TCP") {
      return { effect: "allow", allowedBy: [`${request.protocol} is not intercepted by the sidecar: AuthorizationPolicy not enforced`] };
    }
    if (UNCAPTURED_INBOUND_PORTS.has(request.port)) {
      return { effect: "allow", allowedBy: [`port ${request.port} is not captured by the sidecar: AuthorizationPolicy not enforced`] };
    }
    const applicable = applicableTo(destination);
    if (applicable.ids.length === 0) return { effect: "allow", allowedBy: [NO_ALLOW_POLICY] };

    const facts = requestFacts(request, trustDomain);
    const key = factsKey(facts);
    const remembered = applicable.decided.get(key);
    if (remembered) return remembered;
    const matched = (rules: CompiledRule[]): MatchedRule[] =>
      rules.map((rule) => ({ label: rule.label, conjs: rule.match(facts) })).filter((rule) => rule.conjs.length > 0);
    const evaluation: Evaluation = {
      custom: applicable.custom
        .map(({ provider, rule }) => ({ provider, label: rule.label, conjs: rule.match(facts) }))
        .filter((rule) => rule.conjs.length > 0),
      deny: matched(applicable.deny),
      allow: matched(applicable.allow),
      hasAllowPolicy: applicable.hasAllowPolicy,
      http: request.http,
    };
    const decision = deepFreeze(decide(evaluation));
    if (applicable.decided.size < MAX_REMEMBERED) applicable.decided.set(key, decision);
    return decision;
  }

  function sourceSignature(destination: Workload, source: Workload): string {
    return signaturesOf(source)(destination);
  }

  function peerOf(source: Workload): PeerIdentity {
    const { namespace, serviceAccount } = source;
    return { kind: "known", principal: `${trustDomain}/ns/${namespace}/sa/${serviceAccount}`, namespace, serviceAccount: `${namespace}/${serviceAccount}` };
  }

  const keysOf = (peer: PeerIdentity) => [peerKey("principal", peer.principal), peerKey("namespace", peer.namespace), peerKey("serviceAccount", peer.serviceAccount)];

  function signaturesOf(source: Workload): (destination: Workload) => string {
    const peer = peerOf(source);
    const keys = keysOf(peer);
    const known = new Map<Applicable, string>();
    return (destination) => {
      const applicable = applicableTo(destination);
      const { peerTests: tests, exactKeys } = applicable;
      if (tests.length === 0) return "";
      if (exactKeys && !keys.some((key) => exactKeys.has(key))) return applicable.zeros;
      let result = known.get(applicable);
      if (result === undefined) {
        result = "";
        for (const { test } of tests) result += test(peer) ? "1" : "0";
        known.set(applicable, result);
      }
      return result;
    };
  }

  return {
    authorize,
    sourceSignature,
    signaturesOf,
    exactIdentities: (destination) => applicableTo(destination).exactKeys,
    identityKeys: (source) => keysOf(peerOf(source)),
    policiesFor: (workload) => [...applicableTo(workload).ids],
    policySetOf: (workload) => applicableTo(workload).serial,
    issues,
    notes,
  };
}
