/**
 * Egress findings: workloads allowed out of the cluster that never went (`unnecessary-egress`),
 * traffic to hosts outside the service registry (`unregistered-egress`), and egress isolation
 * that cuts workloads off from DNS (`egress-blocks-dns`).
 *
 * Severity rules
 * - `unnecessary-egress` (per workload, or per namespace when every workload of it qualifies
 *   because none is isolated for egress):
 *   - medium when the allowed external addresses cover the whole internet (every public IPv4
 *     address: 0.0.0.0/0, also with the private ranges excepted), whatever the ports;
 *   - low when narrower (some ranges only).
 *   Only with telemetry, and only for workloads with a sidecar: without one no proxy reports
 *   what the workload sends, so "no external traffic observed" would prove nothing. The mesh is
 *   not counted as a barrier: even REGISTRY_ONLY lets UDP (which the sidecar does not capture)
 *   and declared hosts out, so the NetworkPolicies decide; the outbound policy is evidence.
 * - `unregistered-egress` (per source workload and external peer):
 *   - high for traffic let out through PassthroughCluster (ALLOW_ANY let an undeclared host
 *     through: nothing in the cluster says the workload talks to it);
 *   - low for attempts BlackHoleCluster blocked (REGISTRY_ONLY did its job, but the workload
 *     either needs a host nobody declared, so it is broken, or tries to reach what it should not).
 *   Traffic through a ServiceEntry host or an egress gateway is declared: not reported.
 * - `egress-blocks-dns` (per workload, or per namespace when every workload of it is isolated for
 *   egress and has the problem):
 *   - medium: name resolution fails, so the application breaks (it does not leak);
 *   - low when the workload's egress allows nothing at all and it was not seen sending anything:
 *     a deliberate lockdown of something that calls nobody, which needs no DNS.
 *
 * Grouping: per namespace only when the namespace's fix (a policy with `podSelector: {}`) is safe.
 * For unnecessary-egress, every workload qualifies and none is isolated, so isolating them all
 * is the point. For egress-blocks-dns, every workload is already isolated, so allowing DNS to all
 * only adds; were some pods not isolated, such a policy would isolate them and cut their egress.
 * Remediations are NetworkPolicies with new names (never replacing one), or an existing object
 * changed as little as possible (a TCP-only DNS rule gets UDP 53).
 */
import { compileNetworkPolicies, type CompiledRule } from "../engine/network-policy/compile";
import type { ExternalSegment } from "../engine/network-policy/evaluate";
import { IpSet } from "../engine/primitives/ipv4";
import type { ContainerPort, Finding, Labels, Protocol, Severity, TrafficEdge, Workload, Service } from "../model";
import { findingId, type Detector, type FindingContext } from "./context";
import { applicable, byFindingId, matchLabelsFor, remediationYaml, setterText, workloadsById, type YamlObject } from "./encryption";

// ---------------------------------------------------------------------------------------------
// unnecessary-egress

interface EgressCandidate {
  workload: Workload;
  index: number;
  segments: ExternalSegment[];
}

export const unnecessaryEgress: Detector = (context) => {
  if (!context.window) return [];
  const { snapshot, analysis } = context;
  const np = analysis.networkPolicies;
  const candidates = new Map<string, EgressCandidate>();
  snapshot.workloads.forEach((workload, index) => {
    // Without a sidecar no proxy reports its egress: "none observed" would prove nothing.
    if (!workload.sidecar.injected) return;
    const segments = np.toExternal(index);
    if (segments.length === 0) return;
    // A BlackHoleCluster attempt did not leave the cluster; every other external peer did.
    const wentOut = (context.observedFrom.get(workload.id) ?? []).some((edge) => edge.destination.kind === "external" && edge.destination.via !== "blackhole");
    if (!wentOut) candidates.set(workload.id, { workload, index, segments });
  });
  const findings: Finding[] = [];
  for (const [namespace, members] of byNamespace(snapshot.workloads)) {
    const qualifying = members.flatMap((w) => candidates.get(w.id) ?? []);
    if (qualifying.length === 0) continue;
    const wholeNamespace = qualifying.length === members.length && qualifying.every((c) => !np.isolatedForEgress[c.index]);
    if (wholeNamespace) findings.push(namespaceEgressFinding(context, namespace, qualifying));
    else for (const candidate of qualifying) findings.push(workloadEgressFinding(context, candidate));
  }
  return findings.sort(byFindingId);
};

/** Addresses that are not the public internet: RFC 1918, loopback, link-local, CGNAT, "this network", multicast and reserved. */
const NOT_INTERNET = ["0.0.0.0/8", "10.0.0.0/8", "100.64.0.0/10", "127.0.0.0/8", "169.254.0.0/16", "172.16.0.0/12", "192.168.0.0/16", "224.0.0.0/3"];
const INTERNET = NOT_INTERNET.reduce((set, cidr) => set.subtract(IpSet.cidr(cidr)), IpSet.all());

/** The allowed external addresses cover every public IPv4 address (on some port). */
const internetWide = (segments: readonly ExternalSegment[]) => INTERNET.subtract(IpSet.unionAll(segments.map((s) => s.ips))).isEmpty();

const describeSegments = (segments: readonly ExternalSegment[]) =>
  segments.map((segment) => ({
    ranges: segment.ips.toRangeStrings(),
    connections: segment.connections.toString(),
    allowedBy: segment.because === "not isolated" ? "not isolated" : [...new Set(segment.because.map((rule) => `${rule.policy} egress[${rule.index}]`))],
  }));

function outboundOf(context: FindingContext, workload: Workload) {
  const egress = context.analysis.egress.get(workload.id);
  return {
    outboundTrafficPolicy: { mode: egress?.outboundTrafficPolicy.mode ?? context.snapshot.meshConfig.outboundTrafficPolicy, setBy: setterText(egress?.outboundTrafficPolicy.setBy ?? null) },
    declaredHosts: [...new Set((egress?.declaredHosts ?? []).map((h) => h.host))],
  };
}

function workloadEgressFinding(context: FindingContext, { workload, index, segments }: EgressCandidate): Finding {
  const wide = internetWide(segments);
  const isolated = context.analysis.networkPolicies.isolatedForEgress[index]!;
  const opening = [...new Set(segments.flatMap((s) => (s.because === "not isolated" ? [] : s.because.map((rule) => rule.policy))))].sort();
  const peers = peerRules(context, workload);
  const outbound = outboundOf(context, workload);
  return {
    id: findingId("unnecessary-egress", workload.id),
    kind: "unnecessary-egress",
    severity: wide ? "medium" : "low",
    title: `${workload.id} may reach ${wide ? "the whole internet" : "addresses outside the cluster"} but sent nothing outside in the window`,
    subjects: [workload.id],
    evidence: {
      workload: workload.id,
      isolatedForEgress: isolated,
      allowed: describeSegments(segments),
      internetWide: wide,
      ...outbound,
      observedExternal: 0,
      observedInCluster: peers.peers,
      window: context.window,
    },
    remediation: {
      summary: isolated
        ? `Narrow or remove the egress rules that open addresses outside the cluster (${opening.join(", ")}), and allow what ${workload.id} was seen using (below).`
        : `Isolate ${workload.id} for egress with the NetworkPolicy below: DNS, istiod and the in-cluster peers it was seen calling (${peers.peers.length}). Review it first: what the telemetry did not see (UDP, rare calls) is cut too.`,
      yaml: remediationYaml([
        {
          comments: [
            `Egress of ${workload.id}: DNS, istiod (its sidecar's control plane) and the in-cluster peers it was seen`,
            `calling in ${windowText(context)}. Its pods become isolated for egress: everything else is dropped.`,
            ...(isolated ? [`NetworkPolicies add up: also narrow or delete the rules that open the outside (${opening.join(", ")}).`] : []),
            ...peers.notes,
          ],
          object: networkPolicy(workload.namespace, policyName(context, workload.namespace, `${workload.name}-egress`), selectorOf(workload, context), [
            DNS_RULE,
            istiodRule(context),
            ...peers.rules,
          ]),
        },
      ]),
    },
  };
}

function namespaceEgressFinding(context: FindingContext, namespace: string, members: EgressCandidate[]): Finding {
  const segments = members[0]!.segments;
  const wide = members.every((m) => internetWide(m.segments));
  const policies = new Map<string, { mode: string; setBy: string; workloads: number }>();
  for (const { workload } of members) {
    const { outboundTrafficPolicy } = outboundOf(context, workload);
    const key = `${outboundTrafficPolicy.mode}|${outboundTrafficPolicy.setBy}`;
    const known = policies.get(key);
    if (known) known.workloads += 1;
    else policies.set(key, { ...outboundTrafficPolicy, workloads: 1 });
  }
  const objects: YamlObject[] = [
    {
      comments: [
        `Isolates every pod of ${namespace} for egress, allowing DNS and istiod (the sidecars' control plane).`,
        `No workload of ${namespace} sent anything outside the cluster in ${windowText(context)}.`,
      ],
      object: networkPolicy(namespace, policyName(context, namespace, "default-egress"), {}, [DNS_RULE, istiodRule(context)]),
    },
  ];
  for (const { workload } of members) {
    const peers = peerRules(context, workload);
    if (peers.rules.length === 0) continue;
    objects.push({
      comments: [`The in-cluster peers ${workload.id} was seen calling.`, ...peers.notes],
      object: networkPolicy(namespace, policyName(context, namespace, `${workload.name}-egress`), selectorOf(workload, context), peers.rules),
    });
  }
  return {
    id: findingId("unnecessary-egress", namespace),
    kind: "unnecessary-egress",
    severity: wide ? "medium" : "low",
    title: `No workload of ${namespace} is isolated for egress: all may reach ${wide ? "the whole internet" : "addresses outside the cluster"}, none sent anything outside in the window`,
    subjects: [namespace],
    evidence: {
      namespace,
      workloads: members.map((m) => m.workload.id),
      isolatedForEgress: false,
      allowed: describeSegments(segments),
      internetWide: wide,
      outboundTrafficPolicies: [...policies.values()],
      observedExternal: 0,
      window: context.window,
    },
    remediation: {
      summary: `Isolate ${namespace} for egress (NetworkPolicies below): DNS and istiod for every pod, plus the in-cluster peers each workload was seen calling. Review first: what the telemetry did not see (UDP, rare calls) is cut too.`,
      yaml: remediationYaml(objects),
    },
  };
}

/** Egress rules toward the workloads of the snapshot the workload was seen calling, one per peer. */
function peerRules(context: FindingContext, workload: Workload): { rules: Record<string, unknown>[]; peers: string[]; notes: string[] } {
  const byId = workloadsById(context);
  const edgesTo = new Map<string, TrafficEdge[]>();
  const skipped = new Set<string>();
  for (const edge of context.observedFrom.get(workload.id) ?? []) {
    if (edge.destination.kind === "workload") edgesTo.set(edge.destination.id, [...(edgesTo.get(edge.destination.id) ?? []), edge]);
    else if (edge.destination.kind === "unmatched") skipped.add(`${edge.destination.namespace}/${edge.destination.name}`);
  }
  const peers = [...edgesTo.keys()].sort();
  const rules = peers.flatMap((id) => {
    const peer = byId.get(id);
    if (!peer || peer.id === workload.id) return [];
    const ports = peerPorts(context, peer, edgesTo.get(id)!);
    const podSelector = { matchLabels: matchLabelsFor(peer, context.snapshot.workloads) };
    const to = peer.namespace === workload.namespace ? { podSelector } : { namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": peer.namespace } }, podSelector };
    return [{ to: [to], ...(ports.length > 0 ? { ports } : {}) }];
  });
  const notes = skipped.size > 0 ? [`Not listed (not in the snapshot): ${[...skipped].sort().join(", ")}.`] : [];
  return { rules, peers, notes };
}

const hostCache = new WeakMap<FindingContext, Map<string, Service[]>>();

/** Services by the host telemetry names them with (`name.namespace.svc.cluster.local`). */
function servicesByHost(context: FindingContext): Map<string, Service[]> {
  let map = hostCache.get(context);
  if (!map) {
    map = new Map();
    for (const s of context.snapshot.services) {
      const host = `${s.name}.${s.namespace}.svc.cluster.local`;
      map.set(host, [...(map.get(host) ?? []), s]);
    }
    hostCache.set(context, map);
  }
  return map;
}

/** The peer's ports the edges used: the target ports of the Services they named (a NetworkPolicy sees the pod port), else its TCP container ports. */
function peerPorts(context: FindingContext, peer: Workload, edges: readonly TrafficEdge[]): { protocol: Protocol; port: number | string }[] {
  const byHost = servicesByHost(context);
  const services = [...new Set(edges.flatMap((edge) => (edge.service ? (byHost.get(edge.service) ?? []) : [])))];
  const ports = services.length > 0 ? services.flatMap((s) => s.ports.map((sp) => ({ protocol: sp.protocol, port: sp.targetPort }))) : peer.ports.filter((p) => p.protocol === "TCP").map((p) => ({ protocol: p.protocol, port: p.port }));
  const seen = new Map(ports.map((p) => [`${p.protocol}/${p.port}`, p]));
  return [...seen.values()].sort((a, b) => String(a.port).localeCompare(String(b.port), "en", { numeric: true }) || a.protocol.localeCompare(b.protocol));
}

// ---------------------------------------------------------------------------------------------
// unregistered-egress

interface ExternalPair {
  source: Workload;
  host: string;
  via: "passthrough" | "blackhole";
  edges: TrafficEdge[];
}

/** Envoy's cluster names, which telemetry writes as the host when it has none. */
const CLUSTER_NAMES = new Set(["PassthroughCluster", "BlackHoleCluster"]);

export const unregisteredEgress: Detector = (context) => {
  const byId = workloadsById(context);
  const pairs = new Map<string, ExternalPair>();
  for (const edge of context.snapshot.edges) {
    const { source: from, destination: to } = edge;
    if (from.kind !== "workload" || to.kind !== "external" || (to.via !== "passthrough" && to.via !== "blackhole")) continue;
    const source = byId.get(from.id);
    if (!source) continue;
    const key = `${source.id}|${to.via}|${to.host}`;
    const pair = pairs.get(key);
    if (pair) pair.edges.push(edge);
    else pairs.set(key, { source, host: to.host, via: to.via, edges: [edge] });
  }
  return [...pairs.values()].map((pair) => unregisteredFinding(context, pair)).sort(byFindingId);
};

function unregisteredFinding(context: FindingContext, { source, host, via, edges }: ExternalPair): Finding {
  const egress = context.analysis.egress.get(source.id);
  const outbound = outboundOf(context, source);
  const sum = (f: (edge: TrafficEdge) => number) => edges.reduce((total, edge) => total + f(edge), 0);
  const protocols = [...new Set(edges.flatMap((edge) => edge.protocols))].sort();
  const known = !CLUSTER_NAMES.has(host);
  const blocked = via === "blackhole";
  const entry = serviceEntryFor({ source, label: host, protocols, blocked, sidecar: egress?.sidecar ?? null });
  const setBy = outbound.outboundTrafficPolicy.setBy;
  const registryOnly =
    `block undeclared hosts with outboundTrafficPolicy REGISTRY_ONLY: mesh-wide (meshConfig.outboundTrafficPolicy.mode, now ${outbound.outboundTrafficPolicy.mode} set by ${setBy}), ` +
    `or for ${source.namespace} with a Sidecar (spec.outboundTrafficPolicy.mode: REGISTRY_ONLY).`;
  return {
    id: findingId("unregistered-egress", source.id, host),
    kind: "unregistered-egress",
    severity: blocked ? "low" : "high",
    title: blocked
      ? `${source.id} tried to reach ${known ? host : "an undeclared external host"}: blocked (BlackHoleCluster)`
      : `${source.id} sent traffic to ${known ? host : "an undeclared external host"} outside the service registry (PassthroughCluster)`,
    subjects: [source.id, host],
    evidence: {
      source: source.id,
      host,
      hostKnown: known,
      via,
      requests: sum((e) => e.requests),
      connections: sum((e) => e.connections),
      requestBytes: sum((e) => e.requestBytes),
      responseBytes: sum((e) => e.responseBytes),
      protocols,
      window: context.window ?? context.snapshot.telemetryWindow,
      ...outbound,
      sidecarResource: egress?.sidecar ?? null,
    },
    remediation: {
      summary: blocked
        ? `Blocked by REGISTRY_ONLY (${setBy}): declare it if it is needed (ServiceEntry below${entry.placeholder ? ", with the host filled in" : ""}); if not, find out why ${source.id} tries.`
        : `Declare the host ${source.id} calls with a ServiceEntry (below${entry.placeholder ? "; the telemetry does not name it: fill it in" : ""}), then ${registryOnly}`,
      yaml: remediationYaml([entry.object]),
    },
  };
}

const DNS_NAME = /^(?=.{1,253}$)([a-z0-9]([-a-z0-9]*[a-z0-9])?\.)+[a-z]([-a-z0-9]*[a-z0-9])?$/i;
const IPV4 = /^\d{1,3}(\.\d{1,3}){3}$/;
const PLACEHOLDER_HOST = "external-host.example";

/**
 * A ServiceEntry declaring the host for the source's namespace only (exportTo "."). Telemetry
 * carries the host when Envoy knew it (`host`, `host:port` or an address); otherwise only the
 * cluster's name, and the host is a placeholder to fill in. Without a port, 443 (TLS) is assumed.
 */
function serviceEntryFor(input: { source: Workload; label: string; protocols: readonly string[]; blocked: boolean; sidecar: string | null }): { object: YamlObject; placeholder: boolean } {
  const { source, label, protocols, blocked, sidecar } = input;
  const match = /^([^:]+)(?::(\d+))?$/.exec(label);
  const name = match?.[1] ?? label;
  const port = match?.[2] ? Number(match[2]) : null;
  const ip = IPV4.test(name);
  const placeholder = CLUSTER_NAMES.has(label) || (!ip && !DNS_NAME.test(name));
  const host = placeholder || ip ? PLACEHOLDER_HOST : name.toLowerCase();
  const number = port ?? 443;
  const protocol = number === 443 ? "TLS" : protocols.includes("http") ? "HTTP" : "TCP";
  const slug = placeholder || ip ? "external" : host.replace(/[^a-z0-9-]+/g, "-");
  const comments = [
    ...(blocked
      ? [`Only if ${source.id} needs this host: declares it for ${source.namespace} only (exportTo "."),`, `so that REGISTRY_ONLY lets it through${sidecar ? ` (the hosts ${sidecar} imports must cover it)` : ""}.`]
      : [
          `Declares ${placeholder ? "the external host" : host} for ${source.namespace} only (exportTo "."), so that ${source.id} reaches it`,
          `through the service registry, and keeps reaching it once undeclared hosts are blocked (REGISTRY_ONLY).`,
        ]),
    ...(placeholder ? [`TODO: the telemetry only says ${label}: replace ${PLACEHOLDER_HOST} with the host ${source.name} calls (its configuration, or its sidecar's access log).`] : []),
    ...(ip ? [`The telemetry names an address, ${name}: the host below is only a name for it; set a real one if there is.`] : []),
    ...(port === null ? [`Port ${number}/${protocol} is assumed (the telemetry has no port): list the ports it uses.`] : []),
  ];
  return {
    placeholder,
    object: {
      comments,
      object: {
        apiVersion: "networking.istio.io/v1",
        kind: "ServiceEntry",
        metadata: { name: `${source.name}-${slug}`.slice(0, 63).replace(/[-.]+$/, ""), namespace: source.namespace },
        spec: {
          hosts: [host],
          ...(ip ? { addresses: [`${name}/32`] } : {}),
          exportTo: ["."],
          location: "MESH_EXTERNAL",
          resolution: ip ? "NONE" : "DNS",
          ports: [{ number, name: `${protocol.toLowerCase()}-${number}`, protocol }],
        },
      },
    },
  };
}

// ---------------------------------------------------------------------------------------------
// egress-blocks-dns

/** A DNS server pod a rule may have to allow: the kube-dns pods of the snapshot, or an assumed one. */
interface DnsTarget {
  namespace: string;
  namespaceLabels: Labels;
  /** null when the pods are not in the snapshot: their labels are unknown. */
  podLabels: Labels | null;
  /** Its container ports; null when the pods are not in the snapshot (assumed). */
  ports: readonly ContainerPort[] | null;
}

const KUBE_DNS: Labels = { "k8s-app": "kube-dns" };

/**
 * Where DNS is: the pods of kube-system labelled `k8s-app: kube-dns` (CoreDNS keeps that label).
 * When the snapshot has none (kube-system is rarely exported), a pod of kube-system with unknown
 * labels is assumed, kube-system having its labels from the snapshot (or the
 * `kubernetes.io/metadata.name` label every namespace has).
 */
function dnsTargets(context: FindingContext): DnsTarget[] {
  const { snapshot } = context;
  const namespace = snapshot.namespaces.find((n) => n.name === "kube-system");
  const namespaceLabels = namespace?.labels ?? { "kubernetes.io/metadata.name": "kube-system" };
  const pods = snapshot.workloads.filter((w) => w.namespace === "kube-system" && w.labels["k8s-app"] === "kube-dns");
  if (pods.length > 0) return pods.map((w) => ({ namespace: "kube-system", namespaceLabels, podLabels: w.labels, ports: w.ports }));
  return [{ namespace: "kube-system", namespaceLabels, podLabels: null, ports: null }];
}

/**
 * Whether an egress rule allows DNS over `protocol` port 53. Approximations, all toward "allowed"
 * (a missed finding rather than a false alarm):
 * - an ipBlock peer with the port counts: the cluster DNS' address is not in the snapshot, and a
 *   node-local cache or an upstream resolver may be what the pods use;
 * - with the DNS pods not in the snapshot, a pod peer counts when its namespaceSelector matches
 *   kube-system (or `{}`), whatever its podSelector: DNS pods are not labelled alike everywhere;
 * - a named port counts when it resolves to 53 on the DNS pods, or, with the pods assumed, when
 *   its name contains "dns" (CoreDNS names its ports `dns` and `dns-tcp`);
 * - a rule without `to` (any destination) or without `ports` (every port) allows it, as
 *   NetworkPolicy semantics say.
 */
function allowsDns(rule: CompiledRule, policyNamespace: string, targets: readonly DnsTarget[], protocol: Protocol): boolean {
  const portAllowed = (target: DnsTarget | null) =>
    rule.ports === null ||
    rule.ports.some((port) => {
      if (port.kind === "numbers") return port.connections.has(protocol, 53);
      if (port.protocol !== protocol || target === null) return false;
      return target.ports ? target.ports.some((cp) => cp.name === port.name && cp.protocol === protocol && cp.port === 53) : /dns/i.test(port.name);
    });
  if (rule.peers === null) return portAllowed(null) || targets.some(portAllowed);
  return rule.peers.some((peer) => {
    if (peer.kind === "ipBlock") return portAllowed(null);
    return targets.some(
      (target) =>
        (peer.namespaceSelector ? peer.namespaceSelector.matches(target.namespaceLabels) : policyNamespace === target.namespace) &&
        (target.podLabels === null || peer.podSelector.matches(target.podLabels)) &&
        portAllowed(target),
    );
  });
}

interface DnsProblem {
  workload: Workload;
  egressPolicies: string[];
  tcp53: boolean;
  /** Rules (`policy id#index`) that allow TCP 53 to DNS but not UDP: the one to add UDP to. */
  tcpOnlyRules: string[];
  /** Egress rules of the policies selecting it (0: all egress denied). */
  egressRules: number;
  observedOutbound: number;
}

export const egressBlocksDns: Detector = (context) => {
  const { snapshot, analysis } = context;
  const np = analysis.networkPolicies;
  const compiled = new Map(compileNetworkPolicies(snapshot.policies).policies.map((p) => [p.id, p]));
  const targets = dnsTargets(context);
  const problems = new Map<string, DnsProblem>();
  snapshot.workloads.forEach((workload, i) => {
    // hostNetwork pods use the node's network namespace: NetworkPolicies do not apply to them.
    if (!np.isolatedForEgress[i] || workload.hostNetwork) return;
    const policies = (np.selectedBy[i] ?? []).flatMap((id) => {
      const policy = compiled.get(id);
      return policy?.egress ? [{ id, namespace: policy.namespace, rules: policy.egress }] : [];
    });
    const rules = policies.flatMap((p) => p.rules.map((rule) => ({ rule, policy: p.id, namespace: p.namespace })));
    if (rules.some(({ rule, namespace }) => allowsDns(rule, namespace, targets, "UDP"))) return;
    const tcp = rules.filter(({ rule, namespace }) => allowsDns(rule, namespace, targets, "TCP"));
    problems.set(workload.id, {
      workload,
      egressPolicies: policies.map((p) => p.id).sort(),
      tcp53: tcp.length > 0,
      tcpOnlyRules: tcp.map(({ rule, policy }) => `${policy}#${rule.index}`),
      egressRules: rules.length,
      observedOutbound: (context.observedFrom.get(workload.id) ?? []).length,
    });
  });
  const findings: Finding[] = [];
  for (const [namespace, members] of byNamespace(snapshot.workloads)) {
    const found = members.flatMap((w) => problems.get(w.id) ?? []);
    if (found.length === 0) continue;
    // Only when every workload is isolated and has the problem: a policy for the whole namespace
    // then only adds DNS. With some pods not isolated it would isolate them, cutting their egress.
    if (found.length === members.length) findings.push(dnsFinding(context, namespace, found));
    else for (const problem of found) findings.push(dnsFinding(context, null, [problem]));
  }
  return findings.sort(byFindingId);
};

const dnsSeverity = (p: DnsProblem): Severity => (p.egressRules === 0 && p.observedOutbound === 0 ? "low" : "medium");

function dnsFinding(context: FindingContext, namespace: string | null, problems: DnsProblem[]): Finding {
  const first = problems[0]!.workload;
  const subject = namespace ?? first.id;
  const who = namespace ? `every pod of ${namespace}` : first.id;
  const severity: Severity = problems.some((p) => dnsSeverity(p) === "medium") ? "medium" : "low";
  const assumed = dnsTargets(context)[0]!.ports === null;
  const dnsPods = assumed ? "assumed: kube-system pods labelled k8s-app=kube-dns (not in the snapshot)" : "kube-system pods labelled k8s-app=kube-dns";
  const selector = namespace ? {} : selectorOf(first, context);
  const ns = namespace ?? first.namespace;
  return {
    id: findingId("egress-blocks-dns", subject),
    kind: "egress-blocks-dns",
    severity,
    title: namespace ? `Egress isolation in ${namespace} leaves no route to DNS (UDP 53): name resolution fails` : `${first.id} is isolated for egress with no route to DNS (UDP 53): name resolution fails`,
    subjects: [subject],
    evidence: {
      ...(namespace ? { namespace, workloads: problems.map((p) => p.workload.id) } : { workload: first.id }),
      egressPolicies: [...new Set(problems.flatMap((p) => p.egressPolicies))].sort(),
      udp53: false,
      tcp53: problems.some((p) => p.tcp53),
      egressRules: problems.reduce((total, p) => Math.max(total, p.egressRules), 0),
      observedOutbound: problems.reduce((total, p) => total + p.observedOutbound, 0),
      dnsServers: dnsPods,
    },
    remediation: dnsRemediation(context, { who, namespace: ns, name: namespace ? "allow-dns" : `${first.name}-allow-dns`, selector, problems }),
  };
}

/**
 * Where a rule already lets the pods reach DNS over TCP only, that rule with UDP 53 added (the
 * smallest change, in the policy that meant to allow DNS); else a new policy allowing both.
 */
function dnsRemediation(context: FindingContext, input: { who: string; namespace: string; name: string; selector: Labels; problems: DnsProblem[] }): Finding["remediation"] {
  const shared = input.problems[0]!.tcpOnlyRules.filter((ref) => input.problems.every((p) => p.tcpOnlyRules.includes(ref)));
  const [policyId, index] = (shared[0] ?? "").split("#");
  const policy = context.snapshot.policies.find((p) => p.id === policyId);
  if (policy && index !== undefined) {
    const object = applicable(policy);
    const rule = (object.spec.egress as { ports?: unknown[] }[] | undefined)?.[Number(index)];
    if (rule && Array.isArray(rule.ports)) {
      rule.ports = [{ protocol: "UDP", port: 53 }, ...rule.ports];
      return {
        summary: `Add UDP 53 to ${policy.id} (egress rule ${index} allows DNS over TCP only): resolvers ask over UDP first, TCP is the fallback for large answers.`,
        yaml: remediationYaml([{ comments: [`${policy.id}: UDP 53 added to egress rule ${index}, which allowed DNS over TCP only.`, "Everything else is as it was."], object }]),
      };
    }
  }
  return {
    summary: `Allow ${input.who} egress to the cluster DNS: UDP and TCP 53 to the kube-dns pods in kube-system (NetworkPolicy below; it only adds to what is allowed).`,
    yaml: remediationYaml([
      {
        comments: [
          `Lets ${input.who} resolve names: UDP and TCP 53 to the cluster DNS (kube-system pods labelled k8s-app=kube-dns).`,
          "NetworkPolicies add up: this only adds DNS to what the pods may already reach.",
        ],
        object: networkPolicy(input.namespace, policyName(context, input.namespace, input.name), input.selector, [DNS_RULE]),
      },
    ]),
  };
}

// ---------------------------------------------------------------------------------------------
// NetworkPolicy building blocks

/** DNS: UDP and TCP 53 to kube-dns (CoreDNS keeps the `k8s-app: kube-dns` label) in kube-system. */
const DNS_RULE = {
  to: [{ namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "kube-system" } }, podSelector: { matchLabels: KUBE_DNS } }],
  ports: [
    { protocol: "UDP", port: 53 },
    { protocol: "TCP", port: 53 },
  ],
};

/**
 * istiod, which every sidecar needs (xDS and certificates on TCP 15012). Assumed to run in the
 * mesh's root namespace (istio-system in a default install) with the `app: istiod` label.
 */
const istiodRule = (context: FindingContext) => ({
  to: [{ namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": context.snapshot.meshConfig.rootNamespace } }, podSelector: { matchLabels: { app: "istiod" } } }],
  ports: [{ protocol: "TCP", port: 15012 }],
});

function networkPolicy(namespace: string, name: string, matchLabels: Labels, egress: unknown[]): Record<string, unknown> {
  return {
    apiVersion: "networking.k8s.io/v1",
    kind: "NetworkPolicy",
    metadata: { name, namespace },
    spec: { podSelector: Object.keys(matchLabels).length > 0 ? { matchLabels } : {}, policyTypes: ["Egress"], egress },
  };
}

const selectorOf = (workload: Workload, context: FindingContext) => matchLabelsFor(workload, context.snapshot.workloads);

const networkPolicyNames = new WeakMap<FindingContext, Map<string, Set<string>>>();

/** A name no NetworkPolicy of the namespace has yet, so that applying the fix replaces nothing. */
function policyName(context: FindingContext, namespace: string, wanted: string): string {
  let names = networkPolicyNames.get(context);
  if (!names) {
    names = new Map();
    for (const p of context.snapshot.policies) if (p.kind === "NetworkPolicy") names.set(p.namespace, (names.get(p.namespace) ?? new Set()).add(p.name));
    networkPolicyNames.set(context, names);
  }
  const taken = names.get(namespace) ?? new Set<string>();
  const base = wanted.slice(0, 240);
  if (!taken.has(base)) return base;
  for (let n = 2; ; n++) if (!taken.has(`${base}-${n}`)) return `${base}-${n}`;
}

/** Workloads by namespace, both in name order. */
function byNamespace(workloads: readonly Workload[]): [string, Workload[]][] {
  const groups = new Map<string, Workload[]>();
  const compare = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
  for (const w of workloads) {
    const list = groups.get(w.namespace);
    if (list) list.push(w);
    else groups.set(w.namespace, [w]);
  }
  for (const members of groups.values()) members.sort((a, b) => compare(a.id, b.id));
  return [...groups.entries()].sort(([a], [b]) => compare(a, b));
}

const windowText = (context: FindingContext) => {
  const window = context.window ?? context.snapshot.telemetryWindow;
  return window ? `${window.start} - ${window.end}` : "the telemetry window";
};
