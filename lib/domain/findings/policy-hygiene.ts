/**
 * Policy hygiene: policies whose selector matches no workload (`policy-selects-nothing`), and
 * observed traffic the policies deny (`traffic-contradicts-policy`).
 *
 * Severity rules
 * - `policy-selects-nothing`, one finding per policy (`policy-selects-nothing:<policy>`):
 *   - high for an ALLOW AuthorizationPolicy (the workload it was written for may then accept any
 *     caller: with no ALLOW policy applying, Istio allows everything) and for a PeerAuthentication
 *     that sets STRICT, at workload or port level (plaintext stays accepted where it was meant to
 *     be refused);
 *   - medium for a NetworkPolicy (the pods it was written for are not isolated by it);
 *   - low for the rest (DENY, AUDIT or CUSTOM AuthorizationPolicies, PeerAuthentications that do
 *     not set STRICT), and for any policy whose namespace has no workload in the snapshot: a
 *     capture limited to some namespaces, or one that could not read pods, also gives that (the
 *     namespace's coverage gaps are in the evidence).
 *   Not reported: empty selectors (`podSelector: {}`, an AuthorizationPolicy or
 *   PeerAuthentication without selector labels: namespace-wide, never "nothing"), policies Istio
 *   or the API server would refuse, AuthorizationPolicies with targetRefs (they bind to gateways
 *   and waypoints, not to selected pods), and PeerAuthentications with a selector in the root
 *   namespace (istiod ignores them; the engine reports that as a policy issue).
 * - `traffic-contradicts-policy`, one finding per source and destination workload
 *   (`traffic-contradicts-policy:<source>,<destination>`): critical. Either the policies are not
 *   enforced (a CNI without NetworkPolicy support, a sidecar that does not enforce Istio's
 *   policy) or they changed inside the window; both mean the model of the cluster is wrong.
 */
import { parseAuthorizationPolicy } from "../engine/istio/authz-parse";
import { selectorMatches } from "../engine/istio/istio-selectors";
import { readPeerAuthentications } from "../engine/istio/peer-authentication-read";
import { compileNetworkPolicies } from "../engine/network-policy/compile";
import type { MeshVerdict } from "../engine/mesh";
import type { RuleRef } from "../engine/network-policy/evaluate";
import { ConnectionSet } from "../engine/primitives/connections";
import type { Requirement } from "../engine/primitives/selectors";
import type { CoverageGap, Finding, Labels, Policy, Service, Severity, TrafficEdge, Workload } from "../model";
import { findingId, type Detector, type FindingContext } from "./context";
import { applicable, byFindingId, remediationYaml } from "./encryption";

const compareText = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);

// ---------------------------------------------------------------------------------------------
// policy-selects-nothing

/** What a policy selects, read the way its kind reads it. */
interface Selecting {
  policy: Policy;
  /** The selector as written, for the evidence. */
  written: unknown;
  text: string;
  requirements: readonly Requirement[];
  matches: (labels: Labels) => boolean;
  /** Where its matchLabels are in the object, for a fixed selector. */
  matchLabelsPath: readonly string[];
  /** Keys of the written matchLabels (a near miss on another requirement cannot be fixed by editing them). */
  matchLabelKeys: ReadonlySet<string>;
  /** Istio policies in the root namespace select workloads of every namespace. */
  meshWide: boolean;
  severity: Severity;
  /** What the policy was for, e.g. "ALLOW AuthorizationPolicy". */
  role: string;
}

export const policySelectsNothing: Detector = (context) => {
  const { snapshot } = context;
  const root = snapshot.meshConfig.rootNamespace;
  const byNamespace = new Map<string, Workload[]>();
  for (const w of snapshot.workloads) {
    const list = byNamespace.get(w.namespace);
    if (list) list.push(w);
    else byNamespace.set(w.namespace, [w]);
  }
  const findings: Finding[] = [];
  for (const policy of snapshot.policies) {
    const selecting = readSelecting(policy, root);
    if (!selecting) continue;
    const scope = selecting.meshWide ? snapshot.workloads : (byNamespace.get(policy.namespace) ?? []);
    if (scope.some((w) => selecting.matches(w.labels))) continue;
    findings.push(selectsNothingFinding(context, selecting, scope));
  }
  return findings.sort(byFindingId);
};

function readSelecting(policy: Policy, root: string): Selecting | null {
  const base = { policy, meshWide: false };
  switch (policy.kind) {
    case "NetworkPolicy": {
      const compiled = compileNetworkPolicies([policy]).policies[0];
      if (!compiled || compiled.podSelector.matchesEverything) return null;
      const spec = policy.object.spec as { podSelector?: { matchLabels?: Record<string, unknown> } };
      return {
        ...base,
        written: spec.podSelector,
        text: compiled.podSelector.text,
        requirements: compiled.podSelector.requirements,
        matches: compiled.podSelector.matches,
        matchLabelsPath: ["spec", "podSelector", "matchLabels"],
        matchLabelKeys: new Set(Object.keys(spec.podSelector?.matchLabels ?? {})),
        severity: "medium",
        role: "NetworkPolicy",
      };
    }
    case "AuthorizationPolicy": {
      const parsed = parseAuthorizationPolicy(policy).policy;
      if (!parsed || Object.keys(parsed.selector).length === 0) return null;
      return {
        ...base,
        ...istioSelector(parsed.selector, ["spec", "selector", "matchLabels"]),
        meshWide: policy.namespace === root,
        severity: parsed.action === "ALLOW" ? "high" : "low",
        role: `${parsed.action} AuthorizationPolicy`,
      };
    }
    case "PeerAuthentication": {
      const rule = readPeerAuthentications([policy]).rules[0];
      if (!rule || rule.selector === null || policy.namespace === root) return null;
      const strict = rule.mode === "STRICT" || [...rule.portLevelMtls.values()].includes("STRICT");
      return {
        ...base,
        ...istioSelector(rule.selector, ["spec", "selector", "matchLabels"]),
        severity: strict ? "high" : "low",
        role: strict ? "STRICT PeerAuthentication" : "PeerAuthentication",
      };
    }
    default:
      return null;
  }
}

/** Istio's WorkloadSelector: matchLabels only, matched as a subset of the pod labels. */
function istioSelector(labels: Readonly<Record<string, string>>, path: string[]) {
  const entries = Object.entries(labels).sort(([a], [b]) => compareText(a, b));
  return {
    written: { matchLabels: { ...labels } },
    text: entries.map(([k, v]) => `${k}=${v}`).join(", "),
    requirements: entries.map(([key, value]): Requirement => ({ key, operator: "In", values: [value] })),
    matches: (podLabels: Labels) => selectorMatches(labels, podLabels),
    matchLabelsPath: path,
    matchLabelKeys: new Set(Object.keys(labels)),
  };
}

/** A workload the selector misses by one requirement, and the matchLabels edit that would select it. */
interface NearMiss {
  workload: Workload;
  /** The requirement it fails, and what the workload has instead. */
  requirement: string;
  found: string;
  /** null: the requirement is not a matchLabels entry, so no edit is proposed. */
  fix: { remove: string; set?: [string, string] } | null;
}

function selectsNothingFinding(context: FindingContext, selecting: Selecting, scope: readonly Workload[]): Finding {
  const { policy } = selecting;
  const nearMisses = scope.map((w) => nearMiss(selecting, w)).filter((m): m is NearMiss => m !== null);
  const emptyScope = scope.length === 0;
  const severity: Severity = emptyScope ? "low" : selecting.severity;
  const gaps = context.snapshot.coverageGaps.filter((gap) => gap.namespace === undefined || gap.namespace === policy.namespace);
  const open = selecting.role === "ALLOW AuthorizationPolicy" ? nearMisses.filter((m) => !hasAllowPolicy(context, m.workload)).map((m) => m.workload.id) : [];

  const fixes = new Map(nearMisses.filter((m) => m.fix).map((m) => [JSON.stringify(m.fix), m]));
  const single = fixes.size === 1 && nearMisses.every((m) => m.fix) ? [...fixes.values()][0]! : null;
  const scopeText = selecting.meshWide ? "any namespace (root namespace policy)" : `namespace ${policy.namespace}`;

  let summary: string;
  let yaml: string | undefined;
  if (single) {
    const object = applicable(policy);
    const matchLabels = ensurePath(object, selecting.matchLabelsPath);
    delete matchLabels[single.fix!.remove];
    if (single.fix!.set) matchLabels[single.fix!.set[0]] = single.fix!.set[1];
    // What the fixed policy selects, read as the original was (dropping a key may select more than the near misses).
    const fixed = readSelecting({ ...policy, object }, context.snapshot.meshConfig.rootNamespace);
    const targets = scope.filter((w) => fixed?.matches(w.labels)).map((w) => w.id);
    const edit = single.fix!.set ? `${single.requirement} -> ${single.fix!.set[0]}=${single.fix!.set[1]}` : `${single.requirement} removed`;
    summary = `Fix the selector of ${policy.id} (${edit}) so that it selects ${targets.join(", ")}, most likely what it was written for.`;
    yaml = remediationYaml([
      {
        comments: [
          `${policy.id} selects no workload: its selector ${selecting.text} matches nothing in ${scopeText}.`,
          `Fixed selector (${edit}): selects ${targets.join(", ")}.`,
          "Check that this is what the policy was written for before applying.",
        ],
        object,
      },
    ]);
  } else if (emptyScope) {
    summary = `${policy.namespace} has no workload in this snapshot, so ${policy.id} selects nothing here. If the capture covered that namespace, delete the policy or fix its selector; otherwise capture the namespace too.`;
  } else {
    const listed = nearMisses.length > 0 ? ` Close matches: ${nearMisses.map((m) => `${m.workload.id} (${m.found})`).join(", ")}.` : "";
    summary = `Fix the selector of ${policy.id} to the labels of the workloads it was written for, or delete it if they are gone.${listed}`;
  }
  if (open.length > 0) summary += ` Meanwhile no ALLOW policy applies to ${open.join(", ")}: Istio lets any caller through.`;

  return {
    id: findingId("policy-selects-nothing", policy.id),
    kind: "policy-selects-nothing",
    severity,
    title: `${policy.id} selects no workload (${selecting.text})`,
    subjects: [policy.id, ...nearMisses.map((m) => m.workload.id)],
    evidence: {
      policy: policy.id,
      kind: selecting.role,
      selector: selecting.written,
      selectorText: selecting.text,
      scope: scopeText,
      workloadsInScope: scope.length,
      nearMisses: nearMisses.map((m) => ({ workload: m.workload.id, requirement: m.requirement, found: m.found })),
      ...(open.length > 0 ? { noAllowPolicyApplies: open } : {}),
      ...(emptyScope ? { namespaceEmpty: true, coverageGaps: gaps.map(gapText) } : {}),
    },
    remediation: { summary, ...(yaml ? { yaml } : {}) },
  };
}

const gapText = (gap: CoverageGap) => `${gap.resource}${gap.namespace ? ` in ${gap.namespace}` : ""}: ${gap.reason}`;

/** Whether an ALLOW AuthorizationPolicy applies to the workload (else Istio allows every caller). */
function hasAllowPolicy(context: FindingContext, workload: Workload): boolean {
  const byId = new Map(context.snapshot.policies.map((p) => [p.id, p]));
  return context.analysis.authorization.policiesFor(workload).some((id) => {
    const policy = byId.get(id);
    return policy !== undefined && parseAuthorizationPolicy(policy).policy?.action === "ALLOW";
  });
}

/** Creates the nested objects of `path` where missing, and returns the last one. */
function ensurePath(object: Record<string, unknown>, path: readonly string[]): Record<string, unknown> {
  let at = object;
  for (const key of path) {
    if (!isRecord(at[key])) at[key] = {};
    at = at[key] as Record<string, unknown>;
  }
  return at;
}

/**
 * The workload fails exactly one requirement, and closely: a value a few edits away
 * (`check-out-service` vs `checkoutservice`), the right value under a key a few edits away, or
 * (for selectors of two or more requirements) the key missing altogether. Failing a NotIn or
 * DoesNotExist is a deliberate exclusion, not a near miss.
 */
function nearMiss(selecting: Selecting, workload: Workload): NearMiss | null {
  const labels = workload.labels;
  const failed = selecting.requirements.filter((r) => !meets(r, labels));
  if (failed.length !== 1) return null;
  const r = failed[0]!;
  if (r.operator !== "In" && r.operator !== "Exists") return null;
  const requirement = r.operator === "Exists" ? r.key : `${r.key}=${r.values.join("|")}`;
  const editable = r.operator === "In" && r.values.length === 1 && selecting.matchLabelKeys.has(r.key);
  if (Object.hasOwn(labels, r.key)) {
    const value = labels[r.key]!;
    const close = r.values.some((v) => similar(v, value));
    if (!close) return null;
    return { workload, requirement, found: `${r.key}=${value}`, fix: editable ? { remove: r.key, set: [r.key, value] } : null };
  }
  const renamed = Object.keys(labels)
    .filter((key) => similar(key, r.key) && (r.operator === "Exists" || r.values.includes(labels[key]!)))
    .sort(compareText)[0];
  if (renamed !== undefined) {
    return { workload, requirement, found: `${renamed}=${labels[renamed]}`, fix: editable ? { remove: r.key, set: [renamed, labels[renamed]!] } : null };
  }
  if (selecting.requirements.length < 2) return null;
  return { workload, requirement, found: `no ${r.key} label`, fix: editable ? { remove: r.key } : null };
}

function meets(r: Requirement, labels: Labels): boolean {
  const has = Object.hasOwn(labels, r.key);
  switch (r.operator) {
    case "In":
      return has && r.values.includes(labels[r.key]!);
    case "NotIn":
      return !has || !r.values.includes(labels[r.key]!);
    case "Exists":
      return has;
    case "DoesNotExist":
      return !has;
  }
}

/** Different, but a few edits apart: at most a quarter of the longer string, between 1 and 3. */
function similar(a: string, b: string): boolean {
  if (a === b) return false;
  const allowed = Math.max(1, Math.min(3, Math.floor(Math.max(a.length, b.length) / 4)));
  return editDistance(a, b) <= allowed;
}

/** Levenshtein distance (insertions, deletions, substitutions). */
export function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      current[j] = Math.min(previous[j]! + 1, current[j - 1]! + 1, previous[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    previous = current;
  }
  return previous[b.length]!;
}

// ---------------------------------------------------------------------------------------------
// traffic-contradicts-policy

const ALL_TCP = ConnectionSet.allOf("TCP");

/** One observed edge the policies deny, and where it was checked. */
interface Contradiction {
  edge: TrafficEdge;
  /** The destination ports the traffic used (its Service's target ports), or all of TCP when unknown. */
  ports: ConnectionSet;
  /** Denied by the NetworkPolicies (else only by Istio). */
  byNetworkPolicy: boolean;
}

export const trafficContradictsPolicy: Detector = (context) => {
  if (!context.window) return [];
  const { snapshot, analysis, index } = context;
  const findings: Finding[] = [];
  const servicesByName = new Map(snapshot.services.map((svc) => [`${svc.name}.${svc.namespace}`, svc]));
  const pairs = [...context.observedPairs.values()].map((edges) => ({ edges, pair: pairOf(edges[0]!) })).sort((a, b) => compareText(a.pair[0], b.pair[0]) || compareText(a.pair[1], b.pair[1]));
  for (const { edges, pair } of pairs) {
    const [sourceId, destinationId] = pair;
    const s = index.get(sourceId);
    const d = index.get(destinationId);
    if (s === undefined || d === undefined) continue;
    const destination = snapshot.workloads[d]!;
    const allowed = analysis.connectionsBetween(s, d);
    let verdict: MeshVerdict | undefined;
    const contradictions: Contradiction[] = [];
    for (const edge of edges) {
      if (edge.requests <= 0 && edge.connections <= 0) continue;
      const ports = portsUsed(servicesByName, edge, destination);
      if (!allowed.intersect(ports).isEmpty()) continue;
      verdict ??= analysis.between(s, d);
      const byNetworkPolicy = verdict.networkPolicy.connections.intersect(ports).isEmpty();
      // Attempts that failed are what enforcement looks like: only traffic that got through counts.
      if (!(byNetworkPolicy ? arrived(edge) || answered(edge) : answered(edge))) continue;
      contradictions.push({ edge, ports, byNetworkPolicy });
    }
    if (contradictions.length > 0) findings.push(contradictionFinding(context, s, d, verdict!, contradictions));
  }
  return findings;
};

const pairOf = (edge: TrafficEdge): [string, string] => [edge.source.kind === "workload" ? edge.source.id : "", edge.destination.kind === "workload" ? edge.destination.id : ""];

/**
 * The destination's proxy reported it, so it reached the destination pod: past any
 * NetworkPolicy on the way.
 */
const arrived = (edge: TrafficEdge) => edge.reportedBy === "destination";

/**
 * The server answered: 2xx/3xx responses, or TCP bytes sent back. A request Istio's
 * AuthorizationPolicy denies is answered 403 by the proxy (a denied TCP connection is closed
 * without data), and one the network drops ends as 503 or "0" (no response) at the source's
 * proxy, so neither counts.
 */
const answered = (edge: TrafficEdge) => (edge.responses["2xx"] ?? 0) + (edge.responses["3xx"] ?? 0) > 0 || edge.responseBytes > 0;

/**
 * The destination ports the edge used: the target ports of the Service telemetry names (when it
 * selects the destination), named ones resolved against the destination's container ports.
 * Unknown: every TCP port (everything Istio observes is TCP: HTTP, gRPC and TCP alike).
 */
function portsUsed(services: ReadonlyMap<string, Service>, edge: TrafficEdge, destination: Workload): ConnectionSet {
  const host = edge.service === null ? null : /^([^.]+\.[^.]+)\.svc(\.|$)/.exec(edge.service);
  const service = host ? services.get(host[1]!) : undefined;
  if (!service || service.namespace !== destination.namespace || !service.selector || !selectorMatches(service.selector, destination.labels)) return ALL_TCP;
  const ports: number[] = [];
  for (const sp of service.ports) {
    if (sp.protocol !== "TCP") continue;
    if (typeof sp.targetPort === "number") ports.push(sp.targetPort);
    else for (const cp of destination.ports) if (cp.name === sp.targetPort && cp.protocol === "TCP") ports.push(cp.port);
  }
  return ports.length === 0 ? ALL_TCP : ConnectionSet.unionAll(ports.map((p) => ConnectionSet.of("TCP", p)));
}

const ruleText = (r: RuleRef) => `${r.policy} ${r.direction} rule ${r.index}`;

/** Why the engine denies the ports: which NetworkPolicy side, or what Istio refuses. */
function denials(context: FindingContext, s: number, d: number, verdict: MeshVerdict, ports: ConnectionSet): Record<string, unknown>[] {
  const { networkPolicy } = verdict;
  const workloads = context.snapshot.workloads;
  const selectedBy = context.analysis.networkPolicies.selectedBy;
  const reasons: Record<string, unknown>[] = [];
  const side = (name: "ingress" | "egress", at: number) => {
    const half = networkPolicy[name];
    if (!half.connections.intersect(ports).isEmpty() || half.because === "not isolated") return;
    reasons.push({
      layer: "NetworkPolicy",
      side: name,
      workload: workloads[at]!.id,
      isolatedBy: selectedBy[at] ?? [],
      allows: half.connections.toString(),
      admittingRules: half.because.map(ruleText),
    });
  };
  side("ingress", d);
  side("egress", s);
  if (reasons.length === 0 && networkPolicy.connections.intersect(ports).isEmpty()) {
    reasons.push({ layer: "NetworkPolicy", side: "both", ingressAllows: networkPolicy.ingress.connections.toString(), egressAllows: networkPolicy.egress.connections.toString() });
  }
  if (reasons.length === 0) {
    for (const refused of verdict.refused) {
      const on = refused.connections.intersect(ports);
      if (!on.isEmpty()) reasons.push({ layer: "Istio", connections: on.toString(), reason: refused.reason });
    }
  }
  return reasons;
}

function contradictionFinding(context: FindingContext, s: number, d: number, verdict: MeshVerdict, contradictions: Contradiction[]): Finding {
  const source = context.snapshot.workloads[s]!;
  const destination = context.snapshot.workloads[d]!;
  const ports = ConnectionSet.unionAll(contradictions.map((c) => c.ports));
  const byNetworkPolicy = contradictions.some((c) => c.byNetworkPolicy);
  const requests = contradictions.reduce((sum, c) => sum + c.edge.requests, 0);
  const connections = contradictions.reduce((sum, c) => sum + c.edge.connections, 0);
  const volume = [requests > 0 ? `${requests} requests` : "", connections > 0 ? `${connections} connections` : ""].filter(Boolean).join(" and ");
  const cause = byNetworkPolicy
    ? "the NetworkPolicies are not enforced (a CNI without NetworkPolicy support, or a hostNetwork pod)"
    : `Istio's policy is not enforced at ${destination.id} (pods started before the sidecar was injected, or traffic that bypasses the proxy)`;
  return {
    id: findingId("traffic-contradicts-policy", source.id, destination.id),
    kind: "traffic-contradicts-policy",
    severity: "critical",
    title: `Traffic from ${source.id} to ${destination.id} that the policies deny (${volume})`,
    subjects: [source.id, destination.id],
    evidence: {
      source: source.id,
      destination: destination.id,
      window: context.window,
      observed: contradictions.map(({ edge, ports: used }) => ({
        service: edge.service,
        protocols: edge.protocols,
        requests: edge.requests,
        responses: edge.responses,
        connections: edge.connections,
        requestBytes: edge.requestBytes,
        responseBytes: edge.responseBytes,
        reportedBy: edge.reportedBy,
        ports: used.toString(),
      })),
      allowed: context.analysis.connectionsBetween(s, d).toString(),
      deniedBy: denials(context, s, d, verdict, ports),
    },
    remediation: {
      summary:
        `${volume} from ${source.id} to ${destination.id} got through in the window although the policies deny ${ports.toString()}. ` +
        `Either ${cause}, or the policies changed inside the window (compare their history with the window). ` +
        "If the traffic is wanted, add an allow rule for it; if not, find out how it got through before relying on these policies.",
    },
  };
}
