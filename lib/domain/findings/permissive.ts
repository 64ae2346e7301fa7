/**
 * What the policies allow beyond what is used: paths a rule explicitly opens that no traffic
 * took (`over-permissive-path`), and namespaces where nothing isolates some workload
 * (`no-default-deny`).
 *
 * over-permissive-path (only with telemetry: without it nothing can be called unused)
 * - A path from a source workload to a destination workload is explicitly allowed by:
 *   - a NetworkPolicy ingress rule of a policy that selects the destination, whose peers select
 *     the source (or which has no `from`), whose ports reach the destination, and which the
 *     source's own egress policies let through. Judged at layer 3/4 on its own: each layer of
 *     defence should be least privilege, so a rule is reported even where Istio still refuses
 *     the source (the evidence says so per source: `endToEnd`);
 *   - an ALLOW AuthorizationPolicy rule that admits the connection (the engine's `allowedBy`),
 *     on a path open end to end. The engine only explains Istio's decision on what the
 *     NetworkPolicies let through, so a rule behind a NetworkPolicy that already refuses the
 *     source is not reported.
 *   A path open only because nothing isolates the destination is `no-default-deny`'s.
 *   Self-paths (a workload to its own replicas) are left out.
 * - Grouping: one finding per rule and destination, `over-permissive-path:<rule>,<destination>`
 *   where `<rule>` is `<policy>#spec.ingress[i]` or `<policy>#spec.rules[i]`; it lists the
 *   sources the rule admits that sent nothing in the window (the first 50 by id, and their
 *   number). Subjects: the destination, the policy, then those sources.
 * - Severity: medium when an unused source is in another namespace than the destination, or the
 *   rule admits whole namespaces or more (NetworkPolicy: no `from`, a peer with an empty
 *   podSelector, or `namespaceSelector: {}`; AuthorizationPolicy: no `from`, `namespaces`,
 *   wildcard principals such as `*`, or sources given only by what they are not); low otherwise.
 * - Remediation: the policy with that one rule narrowed to the sources observed using it (toward
 *   any workload the policy selects); peers that may be outside the snapshot (selecting none of
 *   its workloads, ipBlocks, principals no workload has) are kept. A rule nothing used is removed.
 *
 * no-default-deny
 * - One finding per namespace and direction, `no-default-deny:<namespace>:ingress|egress`,
 *   listing the workloads no NetworkPolicy of that type selects. System namespaces
 *   (`kube-system`, `istio-system` and the mesh's root namespace) are left out: their
 *   components (DNS, istiod, gateways) are managed with the platform.
 * - Severity: ingress is high when one of those workloads has a Service and is reachable from
 *   other namespaces: a workload of another namespace of the snapshot may connect (NetworkPolicies
 *   and Istio together), or a client without sidecar or identity may (any unmeshed pod, a node);
 *   medium otherwise. Egress is medium. "Connect" means over TCP, or over UDP/SCTP to a port the
 *   workload declares: Istio's sidecar does not capture UDP, so a path it refuses stays open there,
 *   which matters only to a workload serving UDP.
 * - Remediation: a default-deny NetworkPolicy for the namespace; for egress also DNS (and istiod
 *   where sidecars run), with a reminder that the allow rules for the traffic must come with it.
 */
import { DEFAULT_TRUST_DOMAIN } from "../engine/istio/authz";
import { selectorMatches } from "../engine/istio/istio-selectors";
import { compileNetworkPolicies, type CompiledNetworkPolicy, type CompiledPeer, type CompiledRule } from "../engine/network-policy/compile";
import { ConnectionSet } from "../engine/primitives/connections";
import { LabelIndex } from "../engine/primitives/selectors";
import type { Finding, Labels, Policy, Service, Severity, TrafficEdge, Workload } from "../model";
import { findingId, type Detector, type FindingContext } from "./context";
import { scanPaths, type PathScan } from "./paths";
import { applicable, byFindingId, matchLabelsFor, remediationYaml, type YamlObject } from "./encryption";

/** Unused sources listed per finding (all are counted). */
const LISTED = 50;
const ALL_TCP = ConnectionSet.allOf("TCP");
const RULE_LABEL = /^(.+\[AuthorizationPolicy\]) rule (\d+)$/;


// ---------------------------------------------------------------------------------------------
// over-permissive-path

/** Sources one rule admits toward one destination. */
interface Bucket {
  rule: RuleInfo;
  destination: number;
  /** What the rule allows toward the destination (NetworkPolicy), or what the path allows (AuthorizationPolicy). */
  connections: ConnectionSet;
  admitted: number;
  used: number[];
  unused: number[];
  unusedCount: number;
  crossNamespace: boolean;
}

interface RuleInfo {
  policy: Policy;
  layer: "NetworkPolicy" | "AuthorizationPolicy";
  /** `spec.ingress[i]` or `spec.rules[i]`. */
  field: string;
  index: number;
  /** Who the rule admits, in words, and whether that is whole namespaces or more. */
  admits: string[];
  broad: boolean;
  /** Its peers that select no workload of the snapshot (kept when narrowing: they may select pods outside it). */
  keep: unknown[];
}

export const overPermissivePath: Detector = (context) => {
  if (!context.window) return [];
  const scan = scanPaths(context);
  const buckets = [...networkPolicyBuckets(context, scan), ...authorizationBuckets(context, scan)];
  // Per rule, the sources observed using it toward any destination: what a narrowed rule keeps.
  const usedByRule = new Map<string, Set<number>>();
  for (const bucket of buckets) {
    const key = ruleKey(bucket.rule);
    const used = usedByRule.get(key) ?? new Set();
    for (const s of bucket.used) used.add(s);
    usedByRule.set(key, used);
  }
  // A rule narrowed for many destinations names the same sources: their selectors are worked out once.
  const selectors = new Map<Workload, Labels>();
  const selectorFor = (w: Workload) => {
    let labels = selectors.get(w);
    if (!labels) selectors.set(w, (labels = matchLabelsFor(w, context.snapshot.workloads)));
    return labels;
  };
  return buckets
    .filter((bucket) => bucket.unusedCount > 0)
    .map((bucket) => overPermissiveFinding(context, bucket, [...usedByRule.get(ruleKey(bucket.rule))!], selectorFor))
    .sort(byFindingId);
};

const ruleKey = (rule: RuleInfo) => `${rule.policy.id}#${rule.field}`;

function newBucket(rule: RuleInfo, destination: number, connections: ConnectionSet): Bucket {
  return { rule, destination, connections, admitted: 0, used: [], unused: [], unusedCount: 0, crossNamespace: false };
}

function record(scan: PathScan, bucket: Bucket, s: number): void {
  const d = bucket.destination;
  bucket.admitted += 1;
  if (scan.observed.has(s * scan.n + d)) {
    bucket.used.push(s);
    return;
  }
  bucket.unusedCount += 1;
  if (scan.namespaceOf[s] !== scan.namespaceOf[d]) bucket.crossNamespace = true;
  // The first LISTED by id, kept sorted (sources mostly come in id order, so this is cheap).
  const { rank } = scan;
  const list = bucket.unused;
  if (list.length === LISTED && rank[s]! >= rank[list.at(-1)!]!) return;
  let at = list.length;
  while (at > 0 && rank[list[at - 1]!]! > rank[s]!) at--;
  list.splice(at, 0, s);
  if (list.length > LISTED) list.pop();
}

/**
 * NetworkPolicy ingress rules, per policy, destination and rule: the sources its peers select
 * (the workloads each peer selects are worked out once), kept where the source's egress
 * policies let some of the rule's ports through.
 */
function networkPolicyBuckets(context: FindingContext, scan: PathScan): Bucket[] {
  const { snapshot, analysis } = context;
  const workloads = snapshot.workloads;
  const { isolatedForEgress } = analysis.networkPolicies;
  const selection = peerSelection(context);
  const byId = new Map(snapshot.policies.map((p) => [p.id, p]));
  const everyone = workloads.map((_, i) => i);
  const buckets: Bucket[] = [];
  for (const policy of compileNetworkPolicies(snapshot.policies).policies) {
    if (!policy.ingress || policy.ingress.length === 0) continue;
    const rules = policy.ingress.map((rule) => ({ rule, info: networkPolicyRule(byId.get(policy.id)!, policy, rule, selection), sources: rule.peers === null ? everyone : selection.admitted(rule.peers, policy.namespace) }));
    for (const d of selection.selected(policy)) {
      const npConnections = new Map<number, ConnectionSet>();
      for (const { rule, info, sources } of rules) {
        const ports = portsToward(rule, workloads[d]!);
        if (ports.isEmpty()) continue;
        let bucket: Bucket | undefined;
        for (const s of sources) {
          if (s === d) continue;
          // The rule admits s on `ports`; only the source's own egress policies can still refuse them.
          if (isolatedForEgress[s]) {
            let allowed = npConnections.get(s);
            if (!allowed) npConnections.set(s, (allowed = analysis.networkPolicies.connectionsBetween(s, d)));
            if (allowed.intersect(ports).isEmpty()) continue;
          }
          if (!bucket) buckets.push((bucket = newBucket(info, d, ports)));
          record(scan, bucket, s);
        }
      }
    }
  }
  return buckets;
}

/** Which workloads a NetworkPolicy and its peers select, as the API server reads them (see network-policy/evaluate.ts). */
function peerSelection(context: FindingContext) {
  const workloads = context.snapshot.workloads;
  const podIndex = new LabelIndex(workloads, (w) => w.labels);
  const namespaceLabels = new Map(context.snapshot.namespaces.map((ns) => [ns.name, ns.labels]));
  // The API server labels every namespace with its name (Kubernetes 1.22+).
  const labelsOf = (ns: string): Labels => namespaceLabels.get(ns) ?? { "kubernetes.io/metadata.name": ns };
  const namespaces = [...new Set(workloads.map((w) => w.namespace))];
  const memo = new Map<string, number[]>();
  const members = (peer: Extract<CompiledPeer, { kind: "pods" }>, policyNamespace: string): number[] => {
    const key = `${peer.namespaceSelector ? `ns:${peer.namespaceSelector.text}` : `in:${policyNamespace}`}|${peer.podSelector.text}`;
    let list = memo.get(key);
    if (!list) {
      const inScope = new Set(peer.namespaceSelector ? namespaces.filter((ns) => peer.namespaceSelector!.matches(labelsOf(ns))) : [policyNamespace]);
      list = Array.from(podIndex.select(peer.podSelector)).filter((i) => inScope.has(workloads[i]!.namespace));
      memo.set(key, list);
    }
    return list;
  };
  return {
    members,
    /** Workloads some peer selects (ipBlocks never match pods: see evaluate.ts), ascending. */
    admitted(peers: readonly CompiledPeer[], policyNamespace: string): number[] {
      const pods = peers.filter((peer) => peer.kind === "pods");
      if (pods.length === 1) return members(pods[0]!, policyNamespace);
      const set = new Set<number>();
      for (const peer of pods) for (const i of members(peer, policyNamespace)) set.add(i);
      return [...set].sort((a, b) => a - b);
    },
    selected: (policy: CompiledNetworkPolicy) => Array.from(podIndex.select(policy.podSelector)).filter((i) => workloads[i]!.namespace === policy.namespace),
  };
}

/** What a rule's ports allow toward one pod: numeric ports, and named ports the pod has. */
function portsToward(rule: CompiledRule, destination: Workload): ConnectionSet {
  if (rule.ports === null) return ConnectionSet.all();
  const sets: ConnectionSet[] = [];
  for (const port of rule.ports) {
    if (port.kind === "numbers") sets.push(port.connections);
    else for (const cp of destination.ports) if (cp.name === port.name && cp.protocol === port.protocol) sets.push(ConnectionSet.of(cp.protocol, cp.port));
  }
  return ConnectionSet.unionAll(sets);
}

function networkPolicyRule(policy: Policy, compiled: CompiledNetworkPolicy, rule: CompiledRule, selection: ReturnType<typeof peerSelection>): RuleInfo {
  const base = { policy, layer: "NetworkPolicy" as const, field: `spec.ingress[${rule.index}]`, index: rule.index };
  if (rule.peers === null) return { ...base, admits: ["any source (the rule has no from)"], broad: true, keep: [] };
  const written = ((policy.object.spec as { ingress?: { from?: unknown[] }[] }).ingress?.[rule.index]?.from ?? []) as unknown[];
  const keep: unknown[] = [];
  const admits = rule.peers.map((peer, i) => {
    if (peer.kind === "ipBlock") {
      keep.push(written[i]);
      return `addresses ${peer.cidr}${peer.except.length > 0 ? ` except ${peer.except.join(", ")}` : ""}`;
    }
    if (selection.members(peer, compiled.namespace).length === 0) keep.push(written[i]);
    const pods = peer.podSelector.matchesEverything ? "every pod" : `pods ${peer.podSelector.text}`;
    const where = peer.namespaceSelector === null ? `in ${compiled.namespace}` : peer.namespaceSelector.matchesEverything ? "in every namespace" : `in namespaces ${peer.namespaceSelector.text}`;
    return `${pods} ${where}`;
  });
  const broad = rule.peers.some((peer) => peer.kind === "pods" && (peer.podSelector.matchesEverything || peer.namespaceSelector?.matchesEverything === true));
  return { ...base, admits, broad, keep };
}

/**
 * ALLOW AuthorizationPolicy rules, from the paths open end to end into workloads they guard.
 * Which rules admit a path depends on the destination, on what its policies can tell of the
 * source (`signaturesOf`: sources with the same signature get the same decisions), the source's
 * sidecar (mTLS or not), its namespace and labels where DestinationRules exist (they choose the
 * client's TLS), and the ports: the engine's own sharing key (see mesh.ts), so each distinct
 * case is explained once.
 */
function authorizationBuckets(context: FindingContext, scan: PathScan): Bucket[] {
  const { snapshot, analysis } = context;
  const workloads = snapshot.workloads;
  const hasDestinationRules = snapshot.policies.some((p) => p.kind === "DestinationRule");
  const byId = new Map(snapshot.policies.map((p) => [p.id, p]));
  const principals = new Set(workloads.map(principalOf));
  const rules = new Map<string, RuleInfo>();
  const buckets = new Map<string, Bucket>();
  /**
   * Per destination, by the source's client key, its signature toward the destination and the
   * path's ports: the buckets of the rules that admit such a source (nested maps: no key string
   * is built per pair).
   */
  const explained: Map<string, Map<string, Map<string, Bucket[]>>>[] = [];
  const explain = (s: number, d: number): Bucket[] => {
    // Per rule, the ports it admits the source on.
    const admitted = new Map<string, ConnectionSet>();
    for (const group of analysis.between(s, d).groups) {
      for (const label of group.allowedBy) admitted.set(label, (admitted.get(label) ?? ConnectionSet.none()).union(group.connections));
    }
    const targets: Bucket[] = [];
    for (const [label, connections] of [...admitted].sort(([a], [b]) => compareText(a, b))) {
      const match = RULE_LABEL.exec(label);
      if (!match) continue; // "no ALLOW policy", "no sidecar: ...": not a rule
      let info = rules.get(label);
      if (!info) rules.set(label, (info = authorizationRule(byId.get(match[1]!)!, Number(match[2]), principals)));
      const key = `${label}|${d}`;
      let bucket = buckets.get(key);
      if (!bucket) buckets.set(key, (bucket = newBucket(info, d, connections)));
      else bucket.connections = bucket.connections.union(connections);
      targets.push(bucket);
    }
    return targets;
  };
  const { sources, destinations, connections } = scan.guarded;
  let current = -1;
  let client = "";
  let signatureToward: (destination: Workload) => string = () => "";
  for (let k = 0; k < sources.length; k++) {
    const s = sources[k]!;
    const d = destinations[k]!;
    if (s !== current) {
      const source = workloads[s]!;
      current = s;
      client = `${source.sidecar.injected}|${hasDestinationRules ? `${source.namespace}|${JSON.stringify(source.labels)}` : ""}`;
      signatureToward = analysis.authorization.signaturesOf(source);
    }
    const byClient = (explained[d] ??= new Map());
    let bySignature = byClient.get(client);
    if (!bySignature) byClient.set(client, (bySignature = new Map()));
    const signature = signatureToward(workloads[d]!);
    let byPorts = bySignature.get(signature);
    if (!byPorts) bySignature.set(signature, (byPorts = new Map()));
    const ports = connections[k]!.toString();
    let targets = byPorts.get(ports);
    if (!targets) byPorts.set(ports, (targets = explain(s, d)));
    for (const bucket of targets) record(scan, bucket, s);
  }
  return [...buckets.values()];
}

interface WrittenSource {
  principals?: unknown;
  notPrincipals?: unknown;
  namespaces?: unknown;
  notNamespaces?: unknown;
  serviceAccounts?: unknown;
  notServiceAccounts?: unknown;
  ipBlocks?: unknown;
  requestPrincipals?: unknown;
}

const strings = (value: unknown): string[] => (Array.isArray(value) ? value.filter((v): v is string => typeof v === "string") : []);
const principalOf = (w: Workload) => `${DEFAULT_TRUST_DOMAIN}/ns/${w.namespace}/sa/${w.serviceAccount}`;

/** `known`: the principals of the snapshot's workloads (others may name clients outside it). */
function authorizationRule(policy: Policy, index: number, known: ReadonlySet<string>): RuleInfo {
  const base = { policy, layer: "AuthorizationPolicy" as const, field: `spec.rules[${index}]`, index };
  const rule = ((policy.object.spec as { rules?: unknown[] }).rules?.[index] ?? {}) as { from?: { source?: WrittenSource }[] };
  const from = Array.isArray(rule.from) ? rule.from : [];
  if (from.length === 0) return { ...base, admits: ["any source (the rule has no from)"], broad: true, keep: [] };
  const keep = new Set<string>();
  let broad = false;
  const admits = from.map(({ source = {} }) => {
    const parts: string[] = [];
    const principals = strings(source.principals);
    const namespaces = strings(source.namespaces);
    if (principals.length > 0) parts.push(`principals ${principals.join(", ")}`);
    if (namespaces.length > 0) parts.push(`namespaces ${namespaces.join(", ")}`);
    if (strings(source.serviceAccounts).length > 0) parts.push(`service accounts ${strings(source.serviceAccounts).join(", ")}`);
    for (const field of ["notPrincipals", "notNamespaces", "notServiceAccounts", "ipBlocks", "requestPrincipals"] as const) {
      if (strings(source[field]).length > 0) parts.push(`${field} ${strings(source[field]).join(", ")}`);
    }
    const identity = principals.length > 0 || namespaces.length > 0 || strings(source.serviceAccounts).length > 0;
    if (!identity || namespaces.length > 0 || principals.some((p) => p.includes("*"))) broad = true;
    for (const p of principals) if (!p.includes("*") && !known.has(p)) keep.add(p);
    return parts.join(" and ");
  });
  return { ...base, admits, broad, keep: [...keep].sort(compareText) };
}

function overPermissiveFinding(context: FindingContext, bucket: Bucket, usedByRule: number[], selectorFor: (w: Workload) => Labels): Finding {
  const { snapshot, analysis } = context;
  const workloads = snapshot.workloads;
  const { rule } = bucket;
  const destination = workloads[bucket.destination]!;
  const unused = bucket.unused.map((s) => workloads[s]!);
  const used = bucket.used.map((s) => workloads[s]!.id).sort(compareText);
  const severity: Severity = bucket.crossNamespace || rule.broad ? "medium" : "low";
  const ruleName = `${rule.policy.id} ${rule.layer === "NetworkPolicy" ? "ingress" : "ALLOW"} rule ${rule.index}`;
  const whom = bucket.unusedCount === 1 ? unused[0]!.id : `${bucket.unusedCount} workloads`;
  const unattributed = (context.observedTo.get(destination.id) ?? []).filter((e) => e.source.kind === "unknown" || e.source.kind === "unmatched");
  const narrowed = narrowRule(context, rule, usedByRule.map((s) => workloads[s]!), selectorFor);
  const caveats = [
    "A path used less often than the window (a nightly job, a failover) looks unused: check before narrowing.",
    ...(unattributed.length > 0 ? [`${destination.id} also received traffic telemetry could not attribute to a workload (${unattributed.length} edge${unattributed.length > 1 ? "s" : ""}): some of these sources may have sent it.`] : []),
  ];
  return {
    id: findingId("over-permissive-path", ruleKey(rule), destination.id),
    kind: "over-permissive-path",
    severity,
    title: `${ruleName} lets ${whom} reach ${destination.id}, unused in the window`,
    subjects: [destination.id, rule.policy.id, ...unused.map((w) => w.id)],
    evidence: {
      rule: { policy: rule.policy.id, field: rule.field, admits: rule.admits },
      destination: destination.id,
      connections: bucket.connections.toString(),
      window: context.window,
      admittedSources: bucket.admitted,
      observedSources: used,
      // For a NetworkPolicy rule: what the source may really open, Istio included.
      unusedSources: bucket.unused.map((s) =>
        rule.layer === "NetworkPolicy"
          ? { workload: workloads[s]!.id, endToEnd: analysis.connectionsBetween(s, bucket.destination).intersect(bucket.connections).toString() }
          : { workload: workloads[s]!.id },
      ),
      unusedCount: bucket.unusedCount,
      crossNamespace: bucket.crossNamespace,
      ...(unattributed.length > 0
        ? { unattributedTraffic: { edges: unattributed.length, requests: sum(unattributed.map((e) => e.requests)), connections: sum(unattributed.map((e) => e.connections)) } }
        : {}),
    },
    remediation: {
      summary: `${rule.field} of ${rule.policy.id} admits ${bucket.admitted} workload${bucket.admitted > 1 ? "s" : ""} toward ${destination.id}; ${used.length} sent traffic in the window. ${narrowed.summary} ${caveats.join(" ")}`,
      ...(narrowed.yaml ? { yaml: narrowed.yaml } : {}),
    },
  };
}

const sum = (values: number[]) => values.reduce((a, b) => a + b, 0);

/** The policy with one rule narrowed to the sources observed using it (toward any destination), or removed when none did. */
function narrowRule(context: FindingContext, rule: RuleInfo, used: Workload[], selectorFor: (w: Workload) => Labels): { summary: string; yaml?: string } {
  const object = applicable(rule.policy);
  const list = (rule.layer === "NetworkPolicy" ? object.spec.ingress : object.spec.rules) as Record<string, unknown>[];
  const window = context.window!;
  const comments = [`${rule.policy.id}: ${rule.field} narrowed to what was observed between ${window.start} and ${window.end}.`];
  const sorted = [...used].sort((a, b) => compareText(a.id, b.id));
  let keptSources: unknown[];
  if (rule.layer === "NetworkPolicy") {
    const peers = new Map<string, unknown>();
    for (const w of sorted) {
      const podSelector = { matchLabels: selectorFor(w) };
      const peer = w.namespace === rule.policy.namespace ? { podSelector } : { namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": w.namespace } }, podSelector };
      peers.set(JSON.stringify(peer), peer);
    }
    keptSources = [...peers.values(), ...rule.keep];
  } else {
    const plain = sorted.filter((w) => !w.sidecar.injected);
    if (plain.length > 0) {
      return { summary: `Narrow it to the observed sources; ${plain.map((w) => w.id).join(", ")} ha${plain.length > 1 ? "ve" : "s"} no sidecar, so no principal to name: let a NetworkPolicy restrict ${plain.length > 1 ? "them" : "it"}, or inject a sidecar.` };
    }
    const principals = [...new Set([...sorted.map(principalOf), ...(rule.keep as string[])])].sort(compareText);
    keptSources = principals.length > 0 ? [{ source: { principals } }] : [];
  }
  if (rule.keep.length > 0) comments.push(`Kept as written: ${rule.layer === "NetworkPolicy" ? "peers" : "principals"} that match no workload of the snapshot (they may name clients outside it).`);
  if (keptSources.length === 0) {
    list.splice(rule.index, 1);
    comments.push(`${rule.field} removed: no workload used it in the window.`);
    if (list.length === 0) comments.push(rule.layer === "NetworkPolicy" ? "With no ingress rule left the policy admits nothing." : "With no rule left this ALLOW policy admits nothing.");
  } else {
    list[rule.index] = { ...list[rule.index], from: keptSources };
    if (rule.broad) comments.push("It admitted whole namespaces or more: clients outside the snapshot it admitted (ingress gateways, addresses outside the cluster) must be added back.");
  }
  comments.push("Only this rule changes; apply after checking the window covered every legitimate caller.");
  const summary = keptSources.length === 0 ? `Remove the rule: no workload used it.` : `Narrow it to the ${sorted.length} observed source${sorted.length === 1 ? "" : "s"}.`;
  return { summary, yaml: remediationYaml([{ comments, object } satisfies YamlObject]) };
}

// ---------------------------------------------------------------------------------------------
// no-default-deny

export const noDefaultDeny: Detector = (context) => {
  const { snapshot } = context;
  const system = new Set(["kube-system", "istio-system", snapshot.meshConfig.rootNamespace]);
  const byNamespace = new Map<string, number[]>();
  snapshot.workloads.forEach((w, i) => {
    if (system.has(w.namespace)) return;
    const list = byNamespace.get(w.namespace);
    if (list) list.push(i);
    else byNamespace.set(w.namespace, [i]);
  });
  const { isolatedForIngress, isolatedForEgress } = context.analysis.networkPolicies;
  const findings: Finding[] = [];
  for (const [namespace, members] of byNamespace) {
    const open = members.filter((i) => !isolatedForIngress[i]);
    if (open.length > 0) findings.push(ingressFinding(context, namespace, members.length, open, snapshot.services.filter((svc) => svc.namespace === namespace)));
    const out = members.filter((i) => !isolatedForEgress[i]);
    if (out.length > 0) findings.push(egressFinding(context, namespace, members.length, out));
  }
  return findings.sort(byFindingId);
};

/** Distinct workloads among the edges' sources (or destinations), and the other peers. */
function peersOfEdges(edges: readonly TrafficEdge[], side: "source" | "destination") {
  const workloads = new Set<string>();
  let others = 0;
  for (const edge of edges) {
    const peer = edge[side];
    if (peer.kind === "workload") workloads.add(peer.id);
    else others += 1;
  }
  return { workloads: workloads.size, otherPeers: others };
}

function ingressFinding(context: FindingContext, namespace: string, total: number, open: number[], namespaceServices: readonly Service[]): Finding {
  const { snapshot, analysis, window } = context;
  const scan = scanPaths(context);
  const rows = open.map((i) => {
    const w = snapshot.workloads[i]!;
    const services = namespaceServices.filter((svc) => svc.selector !== null && Object.keys(svc.selector).length > 0 && selectorMatches(svc.selector, w.labels)).map((svc) => svc.id);
    // A client with no sidecar and no identity (an unmeshed pod anywhere, a node): what Istio lets through to it.
    const plaintextClients = analysis.fromExternal(i).some((segment) => serves(segment.connections, w));
    const observed = window ? peersOfEdges(context.observedTo.get(w.id) ?? [], "source") : null;
    return {
      workload: w.id,
      services,
      reachableFrom: scan.incoming[i]!,
      fromOtherNamespaces: scan.incomingFromOtherNamespaces[i]!,
      openToClientsWithoutIdentity: plaintextClients,
      ...(observed ? { observedSources: observed.workloads, observedOtherPeers: observed.otherPeers } : {}),
    };
  });
  const exposed = rows.filter((r) => r.services.length > 0 && (r.fromOtherNamespaces > 0 || r.openToClientsWithoutIdentity));
  const severity: Severity = exposed.length > 0 ? "high" : "medium";
  const names = rows.map((r) => r.workload);
  return {
    id: findingId("no-default-deny", `${namespace}:ingress`),
    kind: "no-default-deny",
    severity,
    title: `${namespace}: ${listText(names)} not isolated for ingress (no default-deny NetworkPolicy)`,
    subjects: [namespace, ...names],
    evidence: {
      namespace,
      direction: "ingress",
      workloadsInNamespace: total,
      workloadsInSnapshot: snapshot.workloads.length,
      window,
      unisolated: rows,
      ...(exposed.length > 0 ? { exposed: exposed.map((r) => r.workload) } : {}),
    },
    remediation: {
      summary:
        `No NetworkPolicy isolates ${listText(names)} for ingress, so any pod of the cluster may connect at layer 3/4. ` +
        `Add a default-deny ingress policy to ${namespace} together with allow rules for the traffic it should keep (\`npm run meshlens -- recommend --namespace ${namespace}\` writes them from the observed traffic).`,
      yaml: remediationYaml([
        {
          comments: [
            `${namespace} has no default deny for ingress: ${listText(names)} accept connections from any pod.`,
            "Apply it together with allow rules for the traffic the namespace must keep, or that traffic is cut:",
            `  npm run meshlens -- recommend --namespace ${namespace}`,
          ],
          object: networkPolicy(namespace, "default-deny-ingress", { podSelector: {}, policyTypes: ["Ingress"] }),
        },
      ]),
    },
  };
}

function egressFinding(context: FindingContext, namespace: string, total: number, open: number[]): Finding {
  const { snapshot, window } = context;
  const scan = scanPaths(context);
  const rows = open.map((i) => {
    const w = snapshot.workloads[i]!;
    const observed = window ? peersOfEdges(context.observedFrom.get(w.id) ?? [], "destination") : null;
    return {
      workload: w.id,
      mayReach: scan.outgoing[i]!,
      outsideTheCluster: "any address (no NetworkPolicy limits it)",
      ...(observed ? { observedDestinations: observed.workloads, observedOtherPeers: observed.otherPeers } : {}),
    };
  });
  const names = rows.map((r) => r.workload);
  const meshed = open.some((i) => snapshot.workloads[i]!.sidecar.injected);
  const objects: YamlObject[] = [
    {
      comments: [
        `${namespace} has no default deny for egress: ${listText(names)} may connect anywhere.`,
        "Apply it together with allow rules for the traffic the namespace must keep, or that traffic is cut:",
        `  npm run meshlens -- recommend --namespace ${namespace}`,
      ],
      object: networkPolicy(namespace, "default-deny-egress", { podSelector: {}, policyTypes: ["Egress"] }),
    },
    {
      comments: ["DNS: without it no name resolves once egress is denied."],
      object: networkPolicy(namespace, "allow-dns", {
        podSelector: {},
        policyTypes: ["Egress"],
        egress: [
          {
            to: [{ namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "kube-system" } }, podSelector: { matchLabels: { "k8s-app": "kube-dns" } } }],
            ports: [
              { protocol: "UDP", port: 53 },
              { protocol: "TCP", port: 53 },
            ],
          },
        ],
      }),
    },
  ];
  if (meshed) {
    objects.push({
      comments: ["istiod: the sidecars fetch their configuration and certificates from it."],
      object: networkPolicy(namespace, "allow-istiod", {
        podSelector: {},
        policyTypes: ["Egress"],
        egress: [{ to: [{ namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "istio-system" } }, podSelector: { matchLabels: { app: "istiod" } } }], ports: [{ protocol: "TCP", port: 15012 }] }],
      }),
    });
  }
  return {
    id: findingId("no-default-deny", `${namespace}:egress`),
    kind: "no-default-deny",
    severity: "medium",
    title: `${namespace}: ${listText(names)} not isolated for egress (no default-deny NetworkPolicy)`,
    subjects: [namespace, ...names],
    evidence: { namespace, direction: "egress", workloadsInNamespace: total, workloadsInSnapshot: snapshot.workloads.length, window, unisolated: rows },
    remediation: {
      summary:
        `No NetworkPolicy isolates ${listText(names)} for egress, so a compromised pod may connect to any address, and to any workload whose own policies let it in. ` +
        `Add a default-deny egress policy to ${namespace} with DNS${meshed ? " and istiod" : ""} allowed, together with allow rules for the traffic it should keep (\`npm run meshlens -- recommend --namespace ${namespace}\`).`,
      yaml: remediationYaml(objects),
    },
  };
}

/** Whether the connections reach something the workload may serve: any TCP port, or a UDP/SCTP port it declares. */
const serves = (connections: ConnectionSet, w: Workload) =>
  !connections.intersect(ALL_TCP).isEmpty() || w.ports.some((p) => p.protocol !== "TCP" && connections.has(p.protocol, p.port));

const compareText = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

const networkPolicy = (namespace: string, name: string, spec: Record<string, unknown>) => ({ apiVersion: "networking.k8s.io/v1", kind: "NetworkPolicy", metadata: { name, namespace }, spec });

/** "a, b and c", or "12 workloads" past five. */
function listText(ids: readonly string[]): string {
  if (ids.length > 5) return `${ids.length} workloads`;
  return ids.length === 1 ? ids[0]! : `${ids.slice(0, -1).join(", ")} and ${ids.at(-1)}`;
}
