/**
 * Least-privilege policies generated from the traffic Istio observed: for each namespace, the
 * Kubernetes NetworkPolicies and Istio AuthorizationPolicies, PeerAuthentications, ServiceEntries
 * and Sidecar that allow what was seen in the telemetry window and nothing else (plus DNS and the
 * sidecars' connection to istiod, which telemetry never shows). Pure: snapshot in, objects and
 * YAML out. `proveRecommendation` (prove.ts) checks the result with the policy engine.
 *
 * Ports. Istio's metrics carry no port, so each observed pair's ports are derived from where the
 * traffic went (see {@link observedPorts}): the Service named in `destination_service`, its TCP
 * ports narrowed by the protocols seen (HTTP and gRPC to the ports whose name says http/grpc, as
 * Istio's explicit protocol selection reads them, when the Service has any; TCP to all its TCP
 * ports), each target port resolved against the destination's container ports (by number or by
 * name). Without such a Service, the destination's TCP container ports. Failing both, any port,
 * said so in the object's comment and in a note. NetworkPolicies and AuthorizationPolicies both
 * match the pod (target) port, never the Service port.
 *
 * What cannot be derived is left open or left out, never guessed, and always said in a note:
 * HTTP methods and paths (the metrics are not kept per path); the identity of callers telemetry
 * could not name; the port of an external host no ServiceEntry declares (assumed TLS on 443).
 */
import { Document, isNode, stringify } from "yaml";
import { resolveClientTls } from "../engine/istio/destination-rule";
import { hostSubsetOf } from "../engine/istio/egress-hosts";
import { exportedTo, readServiceEntries, type ServiceEntryRule } from "../engine/istio/egress-service-entry";
import { resolvePeerAuthentication, type WorkloadMtls } from "../engine/istio/peer-authentication";
import type { Labels, Service, Snapshot, TrafficEdge, TrafficPeer, Workload } from "../model";

/** What to apply in one namespace: the objects, the same as commented YAML, and what to know first. */
export interface NamespaceRecommendation {
  namespace: string;
  objects: Record<string, unknown>[];
  /** `---`-joined documents for `kubectl apply -f`; objects held back are included commented out. */
  yaml: string;
  notes: string[];
}

export interface Recommendation {
  namespaces: NamespaceRecommendation[];
}

export interface RecommendOptions {
  /** Only these namespaces (system namespaces included when named); default: every namespace with workloads but kube-system and istio-system. */
  namespaces?: string[];
}

/** The label every generated object carries. */
export const MANAGED_BY_LABEL = { "app.kubernetes.io/managed-by": "meshlens" } as const;

/** Namespaces left alone unless asked for: the cluster's and the mesh's own. */
export const SYSTEM_NAMESPACES: readonly string[] = ["kube-system", "istio-system"];

/** Istio's default trust domain: principals are `cluster.local/ns/<namespace>/sa/<service account>`. */
const TRUST_DOMAIN = "cluster.local";
/** The label the API server puts on every namespace (Kubernetes 1.22+). */
const NAMESPACE_NAME_LABEL = "kubernetes.io/metadata.name";
/** Service port names Istio reads as HTTP/gRPC (explicit protocol selection), as the engine does. */
const HTTP_PORT_NAME = /^(http|http2|grpc|grpc-web)(-|$)/i;
/** The kube-dns pods every Kubernetes distribution labels so (CoreDNS included). */
const DNS_PEER = { namespace: "kube-system", labels: { "k8s-app": "kube-dns" } };
/** Sidecars fetch config and certificates from istiod on 15012 (XDS and CA over mTLS). */
const ISTIOD_PORT = 15012;
const DEFAULT_ISTIOD = { namespace: "istio-system", labels: { app: "istiod" } };
/** An external host's port when no ServiceEntry declares it: TLS on 443, the common case. */
const ASSUMED_EXTERNAL_PORT = { number: 443, protocol: "TLS", name: "tls-443" };
const DNS_NAME = /^(?=.{1,253}$)[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const MAX_NAME = 63;

// ---------------------------------------------------------------------------------------------
// Observed traffic, per ordered pair of peers

/** One end of observed traffic, resolved against the snapshot. */
export type FlowPeer =
  | { kind: "workload"; workload: Workload }
  /** Telemetry names it but the snapshot does not have it: only its namespace is known. */
  | { kind: "unmatched"; namespace: string; name: string }
  /** `known`: the host is a DNS name (not an Envoy cluster name or an address) and can be declared. */
  | { kind: "external"; host: string; via: Extract<TrafficPeer, { kind: "external" }>["via"]; known: boolean }
  | { kind: "unknown" };

/** A port of an external host, as a ServiceEntry declares it. */
export interface ExternalPort {
  number: number;
  protocol: string;
  name: string;
}

/** Everything observed from one peer to another, with the destination ports it used. */
export interface ObservedFlow {
  source: FlowPeer;
  destination: FlowPeer;
  edges: TrafficEdge[];
  /** Sorted: "grpc", "http", "tcp". */
  protocols: string[];
  requests: number;
  connections: number;
  /** Every edge was reported by the destination's proxy as all mutual TLS (mtlsShare 1). */
  mtls: boolean;
  /** TCP ports on the destination pod, sorted; null: not derivable, so any port. */
  ports: number[] | null;
  /** Where the ports come from, e.g. "Service shop-core/cartservice". */
  portsFrom: string[];
  /** External destinations: the ports (with protocol) used for the ServiceEntry. */
  externalPorts?: ExternalPort[];
}

/** The derived ports of one edge and how they were found. */
export interface DerivedPorts {
  ports: number[] | null;
  from: string;
}

/**
 * The destination pod ports an edge used (telemetry has none; see the file comment): the ports
 * of the Service it names narrowed by protocol and resolved against the destination's container
 * ports, else the destination's TCP container ports, else null (any port).
 */
export function observedPorts(edge: Pick<TrafficEdge, "service" | "protocols">, destination: Workload, services: readonly Service[]): DerivedPorts {
  const service = serviceNamed(edge.service, services);
  if (service && service.namespace === destination.namespace) {
    const ports = new Set<number>();
    for (const sp of servicePortsFor(service, edge.protocols)) {
      if (typeof sp.targetPort === "number") ports.add(sp.targetPort);
      else {
        // A named target port is the container port of that name (and protocol) on the pod.
        const named = destination.ports.find((cp) => cp.name === sp.targetPort && cp.protocol === "TCP");
        if (named) ports.add(named.port);
      }
    }
    if (ports.size > 0) return { ports: sortNumbers(ports), from: `Service ${service.namespace}/${service.name}` };
  }
  const container = new Set(destination.ports.filter((cp) => cp.protocol === "TCP").map((cp) => cp.port));
  if (container.size > 0) return { ports: sortNumbers(container), from: "container ports (no Service named)" };
  return { ports: null, from: "not derivable: no Service port and no container port" };
}

/** A Service's TCP ports the protocols seen can have used. */
function servicePortsFor(service: Service, protocols: readonly string[]): Service["ports"] {
  const tcp = service.ports.filter((sp) => sp.protocol === "TCP");
  const chosen = new Set<Service["ports"][number]>();
  if (protocols.includes("http") || protocols.includes("grpc")) {
    const http = tcp.filter((sp) => HTTP_PORT_NAME.test(sp.name ?? ""));
    for (const sp of http.length > 0 ? http : tcp) chosen.add(sp);
  }
  if (protocols.includes("tcp") || protocols.length === 0) for (const sp of tcp) chosen.add(sp);
  return tcp.filter((sp) => chosen.has(sp));
}

/** The Service `destination_service` names: `name.namespace.svc.<cluster domain>`. */
function serviceNamed(host: string | null, services: readonly Service[]): Service | undefined {
  const named = parseServiceHost(host);
  return named ? services.find((s) => s.name === named.name && s.namespace === named.namespace) : undefined;
}

function parseServiceHost(host: string | null): { name: string; namespace: string } | null {
  const match = host ? /^([^.]+)\.([^.]+)\.svc(\.|$)/.exec(host) : null;
  return match ? { name: match[1]!, namespace: match[2]! } : null;
}

/**
 * The ports of an external host for a namespace: those of a MESH_EXTERNAL ServiceEntry visible
 * there that declares it (so the new entry matches what already works), else TLS on 443.
 */
export function externalPortsFor(host: string, namespace: string, entries: readonly ServiceEntryRule[]): { ports: ExternalPort[]; declaredBy: string | null } {
  const entry = entries.find((e) => e.location === "MESH_EXTERNAL" && exportedTo(e, namespace) && e.hosts.some((pattern) => hostSubsetOf(host, pattern.toLowerCase())));
  if (!entry) return { ports: [{ ...ASSUMED_EXTERNAL_PORT }], declaredBy: null };
  const ports = entry.ports.map((p) => {
    const protocol = p.protocol === "" ? "TCP" : p.protocol.toUpperCase();
    return { number: p.number, protocol, name: p.name ?? `${protocol.toLowerCase()}-${p.number}` };
  });
  return { ports, declaredBy: entry.id };
}

/** The observed traffic of a snapshot, one flow per ordered pair of peers, sorted. */
export function observedFlows(snapshot: Pick<Snapshot, "edges" | "workloads" | "services" | "policies">): ObservedFlow[] {
  const byId = new Map(snapshot.workloads.map((w) => [w.id, w]));
  const { entries } = readServiceEntries(snapshot.policies);
  const flows = new Map<string, ObservedFlow & { unknownPorts: boolean }>();
  for (const edge of snapshot.edges) {
    const source = flowPeer(edge.source, byId);
    const destination = flowPeer(edge.destination, byId);
    const key = `${peerKey(source)}\u0000${peerKey(destination)}`;
    let flow = flows.get(key);
    if (!flow) {
      flow = { source, destination, edges: [], protocols: [], requests: 0, connections: 0, mtls: true, ports: [], portsFrom: [], unknownPorts: false };
      flows.set(key, flow);
    }
    flow.edges.push(edge);
    flow.protocols = [...new Set([...flow.protocols, ...edge.protocols])].sort();
    flow.requests += edge.requests;
    flow.connections += edge.connections;
    flow.mtls &&= edge.reportedBy === "destination" && edge.mtlsShare === 1;
    const derived = portsOfEdge(edge, destination, snapshot.services, source, entries);
    if (derived.external) flow.externalPorts = mergeExternalPorts(flow.externalPorts ?? [], derived.external);
    if (derived.ports === null) flow.unknownPorts = true;
    else flow.ports = sortNumbers(new Set([...(flow.ports ?? []), ...derived.ports]));
    if (!flow.portsFrom.includes(derived.from)) flow.portsFrom.push(derived.from);
  }
  return [...flows.entries()]
    .sort(([a], [b]) => compare(a, b))
    .map(([, { unknownPorts, ...flow }]) => ({ ...flow, ports: unknownPorts ? null : flow.ports }));
}

function portsOfEdge(
  edge: TrafficEdge,
  destination: FlowPeer,
  services: readonly Service[],
  source: FlowPeer,
  entries: readonly ServiceEntryRule[],
): DerivedPorts & { external?: ExternalPort[] } {
  switch (destination.kind) {
    case "workload":
      return observedPorts(edge, destination.workload, services);
    case "external": {
      const namespace = source.kind === "workload" ? source.workload.namespace : "";
      const { ports, declaredBy } = externalPortsFor(destination.host, namespace, entries);
      const from = declaredBy ? `ServiceEntry ${declaredBy}` : "assumed TLS on 443: telemetry has no port and no ServiceEntry declares the host";
      return { ports: ports.map((p) => p.number), from, external: ports };
    }
    case "unmatched": {
      // The workload is missing but its Service may be in the snapshot: its numeric target ports.
      const service = serviceNamed(edge.service, services);
      const ports = service ? servicePortsFor(service, edge.protocols).flatMap((sp) => (typeof sp.targetPort === "number" ? [sp.targetPort] : [])) : [];
      return ports.length > 0 ? { ports: sortNumbers(ports), from: `Service ${service!.namespace}/${service!.name}` } : { ports: null, from: "not derivable: the destination is not in the snapshot" };
    }
    case "unknown":
      return { ports: null, from: "not derivable: the destination is unknown" };
  }
}

function mergeExternalPorts(a: ExternalPort[], b: ExternalPort[]): ExternalPort[] {
  const byNumber = new Map<number, ExternalPort>();
  for (const port of [...a, ...b]) if (!byNumber.has(port.number)) byNumber.set(port.number, port);
  return [...byNumber.values()].sort((x, y) => x.number - y.number);
}

function flowPeer(peer: TrafficPeer, byId: ReadonlyMap<string, Workload>): FlowPeer {
  switch (peer.kind) {
    case "workload": {
      const workload = byId.get(peer.id);
      return workload ? { kind: "workload", workload } : { kind: "unknown" };
    }
    case "unmatched":
      return { kind: "unmatched", namespace: peer.namespace, name: peer.name };
    case "external": {
      const host = peer.host.toLowerCase();
      // Envoy cluster names (PassthroughCluster, BlackHoleCluster) and addresses are not hosts.
      const known = host.includes(".") && DNS_NAME.test(host) && /[a-z]/.test(host.split(".").pop() ?? "");
      return { kind: "external", host: known ? host : peer.host, via: peer.via, known };
    }
    case "unknown":
      return { kind: "unknown" };
  }
}

/** One string per peer, for grouping and sorting: workloads first, then the others. */
function peerKey(peer: FlowPeer): string {
  switch (peer.kind) {
    case "workload":
      return `1 ${peer.workload.id}`;
    case "unmatched":
      return `2 ${peer.namespace}/${peer.name}`;
    case "external":
      return `3 ${peer.host} ${peer.via}`;
    case "unknown":
      return "4";
  }
}

/** How a peer is named in comments and notes. */
export function peerName(peer: FlowPeer): string {
  switch (peer.kind) {
    case "workload":
      return peer.workload.id;
    case "unmatched":
      return `${peer.namespace}/${peer.name} (not in the snapshot)`;
    case "external":
      return peer.known ? `external ${peer.host}` : `external (${peer.host}: host not named by telemetry)`;
    case "unknown":
      return "a caller telemetry could not name";
  }
}

// ---------------------------------------------------------------------------------------------
// Selecting one workload's pods

interface LabelSelector {
  matchLabels?: Labels;
  matchExpressions?: { key: string; operator: "DoesNotExist" }[];
}

/** How to select one workload's pods, and how well it can be done. */
export interface PodSelection {
  /** For NetworkPolicies: exact unless another workload has the very same labels. */
  selector: LabelSelector;
  /** For Istio (`selector.matchLabels` only): the same labels without the exclusions. */
  matchLabels: Labels;
  /** Other workloads of the namespace that `matchLabels` also selects (Istio cannot exclude them). */
  istioAlsoSelects: Workload[];
  /** Other workloads of the namespace with exactly the same labels: no selector tells them apart. */
  twins: Workload[];
}

/**
 * A minimal selector for a workload's pods within its namespace: `app` (or
 * `app.kubernetes.io/name`) when only this workload has that value, else all its labels, with a
 * `DoesNotExist` requirement per other workload whose labels include all of them (so that a
 * NetworkPolicy still selects only this one). Istio selectors have matchLabels only.
 */
export function podSelection(workload: Workload, namespaceWorkloads: readonly Workload[]): PodSelection {
  const others = namespaceWorkloads.filter((w) => w.id !== workload.id);
  for (const key of ["app", "app.kubernetes.io/name"]) {
    const value = workload.labels[key];
    if (value !== undefined && !others.some((w) => w.labels[key] === value)) {
      return { selector: { matchLabels: { [key]: value } }, matchLabels: { [key]: value }, istioAlsoSelects: [], twins: [] };
    }
  }
  const matchLabels = sortedRecord(workload.labels);
  const supersets = others.filter((w) => Object.entries(matchLabels).every(([k, v]) => w.labels[k] === v));
  const twins = supersets.filter((w) => Object.keys(w.labels).length === Object.keys(matchLabels).length);
  const excluded = new Set<string>();
  for (const w of supersets) {
    if (twins.includes(w)) continue;
    const extra = Object.keys(w.labels).filter((k) => !(k in matchLabels)).sort(compare);
    if (!extra.some((k) => excluded.has(k))) excluded.add(extra[0]!);
  }
  const selector: LabelSelector = {};
  if (Object.keys(matchLabels).length > 0) selector.matchLabels = matchLabels;
  if (excluded.size > 0) selector.matchExpressions = [...excluded].sort(compare).map((key) => ({ key, operator: "DoesNotExist" as const }));
  return { selector, matchLabels, istioAlsoSelects: supersets, twins };
}

/**
 * A NetworkPolicy peer: the namespace AND the pods, in one entry (both must match; two entries
 * would admit either). A peer the snapshot does not have is known by its namespace only.
 */
function networkPeer(peer: Extract<FlowPeer, { kind: "workload" | "unmatched" }>, context: Context): Record<string, unknown> {
  if (peer.kind === "unmatched") return { namespaceSelector: namespaceSelector(peer.namespace) };
  return { namespaceSelector: namespaceSelector(peer.workload.namespace), podSelector: selectionOf(peer.workload, context).selector };
}

const namespaceSelector = (namespace: string) => ({ matchLabels: { [NAMESPACE_NAME_LABEL]: namespace } });

// ---------------------------------------------------------------------------------------------
// The recommendation

/** A generated object with its comments; `held` objects are written commented out, not applied. */
interface Doc {
  object: Record<string, unknown>;
  comment: string[];
  /** Comments above nested nodes, by path. */
  nodeComments?: { path: (string | number)[]; comment: string }[];
  held?: boolean;
}

interface Context {
  snapshot: Snapshot;
  flows: ObservedFlow[];
  workloadsByNamespace: Map<string, Workload[]>;
  selections: Map<string, PodSelection>;
  slugs: Map<string, string>;
  /** Server-side mTLS of each workload once the recommended namespaces' PeerAuthentications are replaced. */
  inheritedMtls: Map<string, WorkloadMtls>;
  istiod: { namespace: string; labels: Labels };
  serviceEntries: ServiceEntryRule[];
  window: string;
}

/**
 * Least-privilege policies for each namespace from the snapshot's observed traffic (see the file
 * comment). Deterministic: the same snapshot gives the same objects, in the same order.
 */
export function recommendPolicies(snapshot: Snapshot, options: RecommendOptions = {}): Recommendation {
  const workloadsByNamespace = new Map<string, Workload[]>();
  for (const w of [...snapshot.workloads].sort((a, b) => compare(a.id, b.id))) {
    const list = workloadsByNamespace.get(w.namespace);
    if (list) list.push(w);
    else workloadsByNamespace.set(w.namespace, [w]);
  }
  const asked = options.namespaces ? [...new Set(options.namespaces)] : [...workloadsByNamespace.keys()].filter((n) => !SYSTEM_NAMESPACES.includes(n));
  const namespaces = asked.sort(compare);
  const recommended = new Set(namespaces);
  const kept = snapshot.policies.filter((p) => p.kind === "PeerAuthentication" && !recommended.has(p.namespace));
  const istiodWorkload = snapshot.workloads.find((w) => w.labels.app === "istiod");
  const window = snapshot.telemetryWindow ? `${snapshot.telemetryWindow.start} to ${snapshot.telemetryWindow.end}` : "the telemetry window";
  const context: Context = {
    snapshot,
    flows: observedFlows(snapshot),
    workloadsByNamespace,
    selections: new Map(),
    slugs: new Map(),
    inheritedMtls: resolvePeerAuthentication({ workloads: snapshot.workloads, policies: kept, meshConfig: snapshot.meshConfig }).byWorkload,
    istiod: istiodWorkload ? { namespace: istiodWorkload.namespace, labels: { app: "istiod" } } : DEFAULT_ISTIOD,
    serviceEntries: readServiceEntries(snapshot.policies).entries,
    window,
  };
  return { namespaces: namespaces.map((namespace) => recommendNamespace(namespace, context)) };
}

function recommendNamespace(namespace: string, context: Context): NamespaceRecommendation {
  const workloads = context.workloadsByNamespace.get(namespace) ?? [];
  if (workloads.length === 0) {
    return { namespace, objects: [], yaml: "", notes: [`${namespace}: no workloads in the snapshot, so nothing to recommend`] };
  }
  const notes: string[] = [];
  const docs: Doc[] = [];
  const inNamespace = (peer: FlowPeer) => peer.kind === "workload" && peer.workload.namespace === namespace;
  const incoming = context.flows.filter((f) => inNamespace(f.destination));
  const outgoing = context.flows.filter((f) => inNamespace(f.source));
  if (context.snapshot.edges.length === 0) {
    notes.push(`${namespace}: the snapshot has no observed traffic (telemetry not captured, or it failed): these policies deny everything but DNS; do not apply them as they are`);
  }

  const into = (w: Workload) => incoming.filter((f) => f.destination.kind === "workload" && f.destination.workload.id === w.id);
  const from = (w: Workload) => outgoing.filter((f) => f.source.kind === "workload" && f.source.workload.id === w.id);

  docs.push(defaultDeny(namespace, context), allowDns(namespace));
  if (workloads.some((w) => w.sidecar.injected)) docs.push(allowIstiod(namespace, context));
  for (const w of workloads) {
    const admitted = into(w).filter(hasNamedSource);
    if (admitted.length > 0) docs.push(ingressPolicy(w, admitted, context, notes));
    const unknown = into(w).find((f) => f.source.kind === "unknown");
    if (unknown) notes.push(unknownCallerNote(w, unknown, into(w), context));
  }
  for (const w of workloads) {
    const egress = egressPolicy(w, from(w), context, notes);
    if (egress) docs.push(egress);
  }
  for (const w of workloads) {
    if (into(w).length > 0) docs.push(...istioPolicies(w, into(w), context, notes));
  }
  docs.push(...egressToExternal(namespace, workloads, outgoing, context, notes));
  notes.push(...namespaceNotes(namespace, workloads, context));

  const applied = docs.filter((d) => !d.held);
  const held = docs.filter((d) => d.held);
  return {
    namespace,
    objects: applied.map((d) => d.object),
    yaml: [...applied, ...held].map(render).join("---\n"),
    notes: [...new Set(notes)],
  };
}

/** What the namespace's workloads need that telemetry cannot show, or cannot be told apart in. */
function namespaceNotes(namespace: string, workloads: readonly Workload[], context: Context): string[] {
  const notes: string[] = [];
  if (workloads.some((w) => isControlPlane(w, context))) {
    notes.push(
      `${namespace}: holds istiod or kube-dns, whose traffic (every sidecar to istiod on 15012, every pod to DNS, the API server's webhooks) is not in Istio telemetry: the default deny would cut the cluster off them; allow it before applying`,
    );
  }
  const seen = new Set(context.flows.flatMap((f) => [f.source, f.destination]).flatMap((p) => (p.kind === "workload" ? [p.workload.id] : [])));
  for (const w of workloads) {
    if (!seen.has(w.id)) notes.push(`${w.id}: no traffic to or from it in ${context.window}: the default deny isolates it (check that it is really idle, e.g. a CronJob that did not run)`);
    if (w.hostNetwork) notes.push(`${w.id}: uses the host network, where NetworkPolicies do not apply`);
    const twins = selectionOf(w, context).twins;
    if (twins.length > 0) notes.push(`${w.id}: has the same pod labels as ${twins.map((t) => t.id).join(", ")}: NetworkPolicies cannot tell them apart, so each is allowed what the other is`);
  }
  notes.push(
    `${namespace}: not in Istio telemetry, so not allowed: Prometheus scraping (15020/15090), admission webhooks, and anything that did not run in ${context.window}; add them if the namespace needs them`,
  );
  return notes;
}

function isControlPlane(workload: Workload, context: Context): boolean {
  const { istiod } = context;
  const is = (target: { namespace: string; labels: Labels }) => workload.namespace === target.namespace && Object.entries(target.labels).every(([k, v]) => workload.labels[k] === v);
  return is(istiod) || is(DNS_PEER);
}

function selectionOf(workload: Workload, context: Context): PodSelection {
  let selection = context.selections.get(workload.id);
  if (!selection) {
    selection = podSelection(workload, context.workloadsByNamespace.get(workload.namespace) ?? []);
    context.selections.set(workload.id, selection);
  }
  return selection;
}

// ---------------------------------------------------------------------------------------------
// NetworkPolicies

function defaultDeny(namespace: string, context: Context): Doc {
  return {
    comment: [
      `Default deny for ${namespace}: no traffic in or out but what the policies below allow,`,
      `which is what was observed in ${context.window}.`,
    ],
    object: networkPolicy(namespace, "meshlens-default-deny", { podSelector: {}, policyTypes: ["Ingress", "Egress"] }),
  };
}

function allowDns(namespace: string): Doc {
  return {
    comment: ["DNS (not in Istio telemetry): every pod of the namespace to kube-dns, UDP and TCP 53."],
    object: networkPolicy(namespace, "meshlens-allow-dns", {
      podSelector: {},
      policyTypes: ["Egress"],
      egress: [
        {
          to: [{ namespaceSelector: namespaceSelector(DNS_PEER.namespace), podSelector: { matchLabels: DNS_PEER.labels } }],
          ports: [
            { protocol: "UDP", port: 53 },
            { protocol: "TCP", port: 53 },
          ],
        },
      ],
    }),
  };
}

function allowIstiod(namespace: string, context: Context): Doc {
  return {
    comment: [
      `Sidecars to istiod (not in Istio telemetry): TCP ${ISTIOD_PORT}, configuration and certificates.`,
      "Without it the default deny cuts every sidecar of the namespace off the control plane.",
    ],
    object: networkPolicy(namespace, "meshlens-allow-istiod", {
      podSelector: {},
      policyTypes: ["Egress"],
      egress: [
        {
          to: [{ namespaceSelector: namespaceSelector(context.istiod.namespace), podSelector: { matchLabels: context.istiod.labels } }],
          ports: [{ protocol: "TCP", port: ISTIOD_PORT }],
        },
      ],
    }),
  };
}

type NamedFlow = ObservedFlow & { source: Extract<FlowPeer, { kind: "workload" | "unmatched" }> };
const hasNamedSource = (flow: ObservedFlow): flow is NamedFlow => flow.source.kind === "workload" || flow.source.kind === "unmatched";

/** Admits each observed caller of a workload, on the ports it used. */
function ingressPolicy(workload: Workload, flows: NamedFlow[], context: Context, notes: string[]): Doc {
  const nodeComments: Doc["nodeComments"] = [];
  const rules = flows.map((flow, index) => {
    const peer = networkPeer(flow.source, context);
    if (flow.source.kind === "unmatched") {
      nodeComments.push({ path: ["spec", "ingress", index], comment: `${flow.source.namespace}/${flow.source.name} is not in the snapshot: its whole namespace is admitted; narrow with its pod labels` });
      notes.push(unmatchedNote(flow.source, workload));
    }
    if (flow.ports === null) {
      nodeComments.push({ path: ["spec", "ingress", index], comment: "any port: the port could not be derived" });
      notes.push(`${peerName(flow.source)} -> ${workload.id}: the port could not be derived (${flow.portsFrom.join("; ")}): every port is admitted`);
    }
    return { from: [peer], ...portsField(flow.ports) };
  });
  return {
    comment: [`Admits the callers of ${workload.id} observed in ${context.window}:`, ...flows.map((f) => `  ${describeFlow(f)}`)],
    nodeComments,
    object: networkPolicy(workload.namespace, dnsName("meshlens-allow-ingress", slugOf(workload, context)), {
      podSelector: selectionOf(workload, context).selector,
      policyTypes: ["Ingress"],
      ingress: rules,
    }),
  };
}

/** Lets a workload reach each observed destination (workloads and external hosts) on the ports it used. */
function egressPolicy(workload: Workload, flows: ObservedFlow[], context: Context, notes: string[]): Doc | null {
  const nodeComments: Doc["nodeComments"] = [];
  const covered: ObservedFlow[] = [];
  const rules: Record<string, unknown>[] = [];
  for (const flow of flows) {
    const destination = flow.destination;
    const at = ["spec", "egress", rules.length];
    if (destination.kind === "workload") {
      rules.push({ to: [networkPeer(destination, context)], ...portsField(flow.ports) });
    } else if (destination.kind === "unmatched") {
      nodeComments.push({ path: at, comment: `${destination.namespace}/${destination.name} is not in the snapshot: its whole namespace is allowed; narrow with its pod labels` });
      notes.push(unmatchedNote(destination, workload));
      rules.push({ to: [networkPeer(destination, context)], ...portsField(flow.ports) });
    } else if (destination.kind === "external" && (destination.via === "service-entry" || destination.via === "passthrough")) {
      // NetworkPolicies match addresses, not names (networking.k8s.io/v1 has no FQDN peer).
      const host = destination.known ? destination.host : "a host telemetry does not name";
      const port = flow.portsFrom.some((f) => f.startsWith("assumed")) ? "; port assumed 443 (TLS): telemetry has no port" : "";
      nodeComments.push({ path: at, comment: `${host}: NetworkPolicies cannot match DNS names, so any address (0.0.0.0/0)${port}` });
      rules.push({ to: [{ ipBlock: { cidr: "0.0.0.0/0" } }], ...portsField(flow.ports) });
    } else if (destination.kind === "external" && destination.via === "blackhole") {
      notes.push(`${workload.id}: ${count(flow)} to BlackHoleCluster were refused (REGISTRY_ONLY, host not declared): not allowed here either; if the call is legitimate, find the host and declare it`);
      continue;
    } else if (destination.kind === "external") {
      notes.push(`${workload.id}: traffic to ${destination.host} went through an egress gateway: allow egress to the gateway's pods by hand (telemetry does not name them)`);
      continue;
    } else {
      notes.push(`${workload.id}: ${count(flow)} to a destination telemetry could not name${flow.edges[0]?.service ? ` (service ${flow.edges[0].service})` : ""}: not allowed; identify it and allow it by hand`);
      continue;
    }
    if (flow.ports === null) nodeComments.push({ path: at, comment: "any port: the port could not be derived" });
    covered.push(flow);
  }
  if (rules.length === 0) return null;
  return {
    comment: [`Lets ${workload.id} reach what it was observed calling in ${context.window}:`, ...covered.map((f) => `  ${describeFlow(f)}`)],
    nodeComments,
    object: networkPolicy(workload.namespace, dnsName("meshlens-allow-egress", slugOf(workload, context)), {
      podSelector: selectionOf(workload, context).selector,
      policyTypes: ["Egress"],
      egress: rules,
    }),
  };
}

function networkPolicy(namespace: string, name: string, spec: Record<string, unknown>): Record<string, unknown> {
  return { apiVersion: "networking.k8s.io/v1", kind: "NetworkPolicy", metadata: metadata(name, namespace), spec };
}

const portsField = (ports: number[] | null) => (ports === null ? {} : { ports: ports.map((port) => ({ protocol: "TCP", port })) });

// ---------------------------------------------------------------------------------------------
// Istio: AuthorizationPolicy and PeerAuthentication

/** Why a caller has no mTLS identity at a destination, and what to do about it. */
function plaintextCause(flow: ObservedFlow, destination: Workload, context: Context): string {
  const source = flow.source;
  if (source.kind === "unknown") return `identify the ${count(flow)} from a caller telemetry could not name and make it speak mTLS`;
  if (source.kind === "unmatched") return `inject a sidecar into ${source.namespace}/${source.name}`;
  if (source.kind !== "workload") return `make ${peerName(source)} speak mTLS`;
  if (!source.workload.sidecar.injected) return `inject a sidecar into ${source.workload.id}`;
  const rules = disablingDestinationRules(source.workload, destination, flow, context);
  if (rules.length > 0) return `remove the DestinationRule that disables TLS (${rules.join(", ")}) for ${source.workload.id}`;
  const share = flow.edges.map((e) => e.mtlsShare).find((s) => s !== null);
  return `find why ${source.workload.id} does not use mTLS (${share === undefined ? "the destination's proxy did not report it" : `mTLS share ${Math.round(share * 100)}%`})`;
}

/** DestinationRules that make the caller's sidecar send plaintext to the ports it used. */
function disablingDestinationRules(source: Workload, destination: Workload, flow: ObservedFlow, context: Context): string[] {
  const found = new Set<string>();
  for (const edge of flow.edges) {
    const service = serviceNamed(edge.service, context.snapshot.services);
    if (!service || !edge.service) continue;
    for (const sp of service.ports) {
      const tls = resolveClientTls({
        source,
        destinationHost: edge.service,
        destinationNamespace: destination.namespace,
        port: sp.port,
        policies: context.snapshot.policies,
        meshConfig: context.snapshot.meshConfig,
      });
      if (tls.mode === "DISABLE" && tls.setBy) found.add(tls.setBy);
    }
  }
  return [...found].sort(compare);
}

/**
 * The AuthorizationPolicy and PeerAuthentication of one destination with a sidecar. Istio's
 * `principals` only match mutual TLS peers (the identity comes from the client certificate), so
 * a caller without mTLS would be refused by an ALLOW policy: the policy is then held back
 * (written commented out) until mTLS is in place, rather than silently locking the caller out.
 */
function istioPolicies(workload: Workload, flows: ObservedFlow[], context: Context, notes: string[]): Doc[] {
  if (!workload.sidecar.injected) {
    notes.push(`${workload.id}: no sidecar, so no AuthorizationPolicy or PeerAuthentication can protect it (only the NetworkPolicies do); inject a sidecar and generate again`);
    return [];
  }
  const { matchLabels, istioAlsoSelects } = selectionOf(workload, context);
  if (istioAlsoSelects.length > 0 || Object.keys(matchLabels).length === 0) {
    const others = istioAlsoSelects.map((o) => o.id).join(", ") || "every pod of the namespace";
    notes.push(`${workload.id}: no AuthorizationPolicy or PeerAuthentication: Istio selectors only match labels, and ${describeLabels(matchLabels)} also selects ${others}; give its pods a distinguishing label`);
    return [];
  }
  const docs: Doc[] = [];
  const plaintext = flows.filter((f) => !(f.mtls && (f.source.kind === "unmatched" || (f.source.kind === "workload" && f.source.workload.sidecar.injected))));
  // Anonymous plaintext beside a caller only its own proxy reported is most likely that caller (see unknownCallerNote).
  const anonymousIsKnown = plaintext.some((f) => f.source.kind === "workload" && f.edges.every((e) => e.reportedBy === "source"));
  const causes = plaintext.filter((f) => !(anonymousIsKnown && f.source.kind === "unknown")).map((f) => plaintextCause(f, workload, context));
  const named = flows.filter(hasNamedSource);
  const name = dnsName("meshlens-allow-ingress", slugOf(workload, context));
  if (named.length > 0) {
    const rules = named.map((flow) => {
      // A caller the snapshot does not have is allowed by namespace: `source.namespaces` is also
      // read from the peer certificate, so it too only matches mTLS.
      const source = flow.source.kind === "workload" ? { principals: [principalOf(flow.source.workload)] } : { namespaces: [flow.source.namespace] };
      return { from: [{ source }], ...(flow.ports === null ? {} : { to: [{ operation: { ports: flow.ports.map(String) } }] }) };
    });
    docs.push({
      held: plaintext.length > 0,
      comment: [
        ...(plaintext.length > 0 ? ["HELD BACK (not applied): some callers have no mTLS identity yet; see the notes.", ""] : []),
        `Allows only the callers of ${workload.id} observed in ${context.window}, by their mTLS identity:`,
        ...named.map((f) => `  ${describeFlow(f)}`),
        "Methods and paths cannot be derived: Istio's standard metrics carry neither, so only ports are restricted.",
      ],
      object: {
        apiVersion: "security.istio.io/v1",
        kind: "AuthorizationPolicy",
        metadata: metadata(name, workload.namespace),
        spec: { selector: { matchLabels }, action: "ALLOW", rules },
      },
    });
  }
  if (plaintext.length > 0 && named.length > 0) {
    notes.push(`${workload.id}: AuthorizationPolicy ${name} is held back (commented out in the YAML): enforce mTLS first: ${causes.join("; ")}; then apply this AuthorizationPolicy`);
  } else if (plaintext.length > 0) {
    notes.push(`${workload.id}: no AuthorizationPolicy: none of its observed callers has an identity to allow (${causes.join("; ")})`);
  }

  const mtlsName = dnsName("meshlens-mtls", slugOf(workload, context));
  if (plaintext.length === 0) {
    docs.push({
      comment: [`STRICT mTLS for ${workload.id}: every caller observed in ${context.window} spoke mTLS (as its proxy reported):`, ...flows.map((f) => `  ${describeFlow(f)}`)],
      object: peerAuthentication(mtlsName, workload.namespace, matchLabels, "STRICT"),
    });
    return docs;
  }
  const plaintextPorts = plaintext.flatMap((f) => f.ports ?? workload.ports.map((p) => p.port));
  const inherited = context.inheritedMtls.get(workload.id);
  const refusing = inherited && (plaintextPorts.length === 0 ? inherited.mode.mode === "STRICT" : plaintextPorts.some((p) => inherited.modeForPort(p).mode === "STRICT"));
  if (refusing) {
    // Without it, the mesh-wide STRICT mode would refuse traffic that works today.
    const setBy = inherited.mode.setBy ?? "the mesh default";
    docs.push({
      comment: [
        `PERMISSIVE mTLS for ${workload.id}, for now: these callers were seen sending plaintext, which ${setBy} (STRICT) would refuse:`,
        ...plaintext.map((f) => `  ${describeFlow(f)}`),
        "Switch to STRICT once they speak mTLS.",
      ],
      object: peerAuthentication(mtlsName, workload.namespace, matchLabels, "PERMISSIVE"),
    });
  }
  notes.push(`${workload.id}: no STRICT PeerAuthentication: not every observed caller spoke mTLS (${causes.join("; ")})${refusing ? "; a PERMISSIVE one keeps it working meanwhile" : ""}`);
  return docs;
}

const principalOf = (w: Workload) => `${TRUST_DOMAIN}/ns/${w.namespace}/sa/${w.serviceAccount}`;

function peerAuthentication(name: string, namespace: string, matchLabels: Labels, mode: "STRICT" | "PERMISSIVE"): Record<string, unknown> {
  return { apiVersion: "security.istio.io/v1", kind: "PeerAuthentication", metadata: metadata(name, namespace), spec: { selector: { matchLabels }, mtls: { mode } } };
}

// ---------------------------------------------------------------------------------------------
// Istio: ServiceEntries and the Sidecar (external hosts)

/**
 * A ServiceEntry per external host the namespace's workloads used, and a REGISTRY_ONLY Sidecar
 * so that its sidecars reach nothing else outside. The Sidecar's egress hosts must also import
 * the Services of other namespaces the workloads call, or REGISTRY_ONLY would cut those off too.
 */
function egressToExternal(namespace: string, workloads: Workload[], outgoing: ObservedFlow[], context: Context, notes: string[]): Doc[] {
  const meshed = (f: ObservedFlow) => f.source.kind === "workload" && f.source.workload.sidecar.injected;
  const external = outgoing.filter((f) => f.destination.kind === "external" && (f.destination.via === "service-entry" || f.destination.via === "passthrough"));
  const docs: Doc[] = [];
  const hosts = new Map<string, ObservedFlow[]>();
  const undeclared: ObservedFlow[] = [];
  for (const flow of external) {
    const destination = flow.destination as Extract<FlowPeer, { kind: "external" }>;
    if (!destination.known) {
      undeclared.push(flow);
      continue;
    }
    hosts.set(destination.host, [...(hosts.get(destination.host) ?? []), flow]);
  }
  for (const [host, flows] of [...hosts.entries()].sort(([a], [b]) => compare(a, b))) {
    const ports = flows.reduce<ExternalPort[]>((all, f) => mergeExternalPorts(all, f.externalPorts ?? []), []);
    const { declaredBy } = externalPortsFor(host, namespace, context.serviceEntries);
    docs.push({
      comment: [
        `Declares ${host}, used in ${context.window}:`,
        ...flows.map((f) => `  ${describeFlow(f)}`),
        declaredBy ? `Ports as ${declaredBy} declares them (that entry may then be removed).` : "Port assumed: TLS on 443 (telemetry has no port); correct it if the host is reached otherwise.",
      ],
      object: {
        apiVersion: "networking.istio.io/v1",
        kind: "ServiceEntry",
        metadata: metadata(dnsName("meshlens-egress", host), namespace),
        spec: { hosts: [host], exportTo: ["."], location: "MESH_EXTERNAL", resolution: "DNS", ports },
      },
    });
  }
  for (const flow of undeclared) {
    notes.push(
      `${peerName(flow.source)}: ${count(flow)} left the mesh through PassthroughCluster to a host telemetry does not name: find the host (e.g. in the workload's configuration) and declare it in a ServiceEntry before REGISTRY_ONLY applies`,
    );
  }
  if (!workloads.some((w) => w.sidecar.injected) || !external.some(meshed)) return docs;

  const imports = new Set<string>();
  for (const host of hosts.keys()) imports.add(`./${host}`);
  for (const flow of outgoing) {
    if (!meshed(flow) || flow.destination.kind === "external" || flow.destination.kind === "unknown") continue;
    const targetNamespace = flow.destination.kind === "workload" ? flow.destination.workload.namespace : flow.destination.namespace;
    if (targetNamespace === namespace || targetNamespace === "istio-system") continue;
    const services = flow.edges.map((e) => e.service).filter((s): s is string => parseServiceHost(s)?.namespace === targetNamespace);
    if (services.length === 0) imports.add(`${targetNamespace}/*`);
    for (const service of services) imports.add(`${targetNamespace}/${service}`);
  }
  const held = undeclared.some(meshed);
  const existing = context.snapshot.policies.filter((p) => p.kind === "Sidecar" && p.namespace === namespace && !hasWorkloadSelector(p.object));
  if (existing.length > 0) {
    notes.push(`${namespace}: already has a Sidecar without workloadSelector (${existing.map((p) => p.id).join(", ")}); Istio allows only one per namespace: replace it with meshlens-registry-only`);
  }
  if (held) notes.push(`${namespace}: the REGISTRY_ONLY Sidecar meshlens-registry-only is held back (commented out in the YAML) until the hosts reached through PassthroughCluster are declared`);
  docs.push({
    held,
    comment: [
      ...(held ? ["HELD BACK (not applied): a host reached through PassthroughCluster is not declared yet; see the notes.", ""] : []),
      `Sidecars of ${namespace} reach only the registry: this namespace, istio-system, the Services of other namespaces`,
      `they call and the external hosts observed in ${context.window}; anything else outside goes to BlackHoleCluster:`,
      ...external.filter(meshed).map((f) => `  ${describeFlow(f)}`),
    ],
    object: {
      apiVersion: "networking.istio.io/v1",
      kind: "Sidecar",
      metadata: metadata("meshlens-registry-only", namespace),
      spec: { outboundTrafficPolicy: { mode: "REGISTRY_ONLY" }, egress: [{ hosts: ["./*", "istio-system/*", ...[...imports].sort(compare)] }] },
    },
  });
  return docs;
}

function hasWorkloadSelector(object: Record<string, unknown>): boolean {
  const spec = object.spec as { workloadSelector?: { labels?: Record<string, unknown> } } | undefined;
  return Object.keys(spec?.workloadSelector?.labels ?? {}).length > 0;
}

// ---------------------------------------------------------------------------------------------
// Notes

function unmatchedNote(peer: { namespace: string; name: string }, workload: Workload): string {
  return `${peer.namespace}/${peer.name} (talking with ${workload.id}) is not in the snapshot: the NetworkPolicies admit its whole namespace ${peer.namespace} and the AuthorizationPolicy its namespace's mTLS identities; narrow them to its pod labels and service account`;
}

/** Callers telemetry could not name reached a workload: they cannot be admitted by name. */
function unknownCallerNote(workload: Workload, unknown: ObservedFlow, flows: ObservedFlow[], context: Context): string {
  const head = `${workload.id}: ${count(unknown)} from a caller telemetry could not name (plaintext, or from outside the mesh) cannot be admitted: the default deny blocks them`;
  // A sidecar caller whose TLS is disabled is reported by its own proxy, and anonymously by the destination's.
  const sourceReported = flows.filter((f) => f.source.kind === "workload" && f.edges.every((e) => e.reportedBy === "source"));
  if (sourceReported.length > 0) return `${head}; they are probably the same connections as ${sourceReported.map((f) => peerName(f.source)).join(", ")} (plaintext from a sidecar, which the destination's proxy cannot name), admitted above`;
  const candidates = (context.workloadsByNamespace.get(workload.namespace) ?? []).filter(
    (w) => !w.sidecar.injected && w.id !== workload.id && !context.flows.some((f) => f.source.kind === "workload" && f.source.workload.id === w.id),
  );
  const hint = candidates.length > 0 ? `; candidates (no sidecar, no traffic of their own observed): ${candidates.map((w) => w.id).join(", ")}` : "";
  return `${head}${hint}; identify the caller and add it to the ingress and egress policies`;
}

// ---------------------------------------------------------------------------------------------
// Text

function describeFlow(flow: ObservedFlow): string {
  const shares = flow.edges.map((e) => e.mtlsShare);
  const security = flow.mtls ? "mTLS" : shares.every((s) => s === null) ? "encryption not reported" : shares.every((s) => s === 0) ? "plaintext" : "not all mTLS";
  const ports = flow.ports === null ? "any port" : `TCP ${flow.ports.join(", ")}`;
  return `${peerName(flow.source)} -> ${peerName(flow.destination)}: ${flow.protocols.join("/") || "tcp"}, ${count(flow)}, ${security}; ${ports} (${flow.portsFrom.join("; ")})`;
}

/** "1200 requests", "600 connections", or both: what the window counted. */
function count(flow: ObservedFlow): string {
  const counted = (n: number, what: string) => `${Math.round(n)} ${what}${Math.round(n) === 1 ? "" : "s"}`;
  const parts = [];
  if (flow.requests > 0) parts.push(counted(flow.requests, "request"));
  if (flow.connections > 0 || flow.requests === 0) parts.push(counted(flow.connections, "connection"));
  return parts.join(", ");
}

const describeLabels = (labels: Labels) => (Object.keys(labels).length === 0 ? "an empty selector" : Object.entries(labels).map(([k, v]) => `${k}=${v}`).join(","));

function render(doc: Doc): string {
  const comment = doc.comment.map((line) => (line === "" ? "" : ` ${line}`)).join("\n");
  if (doc.held) {
    const body = stringify(doc.object, { lineWidth: 0 }).trimEnd().split("\n").map((line) => `# ${line}`);
    return `${comment.split("\n").map((line) => `#${line}`).join("\n")}\n${body.join("\n")}\n`;
  }
  const yaml = new Document(doc.object);
  for (const { path, comment: text } of doc.nodeComments ?? []) {
    const node = yaml.getIn(path, true);
    if (isNode(node)) node.commentBefore = node.commentBefore ? `${node.commentBefore}\n ${text}` : ` ${text}`;
  }
  if (isNode(yaml.contents)) yaml.contents.commentBefore = comment;
  return yaml.toString({ lineWidth: 0 });
}

// ---------------------------------------------------------------------------------------------
// Names

function metadata(name: string, namespace: string) {
  return { name, namespace, labels: { ...MANAGED_BY_LABEL } };
}

/** A workload's part of object names: its name, with its kind when another workload of the namespace shares it. */
function slugOf(workload: Workload, context: Context): string {
  let slug = context.slugs.get(workload.id);
  if (slug === undefined) {
    const siblings = context.workloadsByNamespace.get(workload.namespace) ?? [];
    const base = (w: Workload) => sanitize(w.name);
    slug = base(workload);
    if (siblings.some((w) => w.id !== workload.id && base(w) === slug)) slug = `${slug}-${workload.kind.toLowerCase()}`;
    if (siblings.some((w) => w.id !== workload.id && `${base(w)}-${w.kind.toLowerCase()}` === slug)) slug = `${slug}-${hash(workload.id)}`;
    context.slugs.set(workload.id, slug);
  }
  return slug;
}

/**
 * A DNS-1123 label (lower case alphanumerics and '-', at most 63 characters, alphanumeric at both
 * ends): too long a name is cut and ends with a hash of the whole, so that it stays unique.
 */
export function dnsName(prefix: string, subject: string): string {
  const name = sanitize(`${prefix}-${subject}`);
  if (name.length <= MAX_NAME) return name;
  return `${name.slice(0, MAX_NAME - 9).replace(/-+$/, "")}-${hash(`${prefix}/${subject}`)}`;
}

function sanitize(text: string): string {
  return text
    .toLowerCase()
    .replace(/[^a-z0-9-]+/g, "-")
    .replace(/-+/g, "-")
    .replace(/^-|-$/g, "");
}

/** FNV-1a, 32 bits, as 8 hex digits: short, stable across machines. */
function hash(text: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h.toString(16).padStart(8, "0");
}

// ---------------------------------------------------------------------------------------------
// Small helpers

function sortNumbers(values: Iterable<number>): number[] {
  return [...new Set(values)].sort((a, b) => a - b);
}

function sortedRecord(record: Labels): Labels {
  return Object.fromEntries(Object.entries(record).sort(([a], [b]) => compare(a, b)));
}

/** Code-unit order, the same on every machine (unlike localeCompare). */
function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
