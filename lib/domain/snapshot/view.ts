import type { Finding, FindingsSummary, Labels, Policy, PolicyKind, Snapshot, TrafficPeer, Workload } from "../model";

/** What the snapshot page shows: table rows only, without the verbatim policy objects. */
export interface SnapshotView {
  name: string;
  cluster: string;
  capturedAt: string;
  source: Snapshot["source"];
  telemetryWindow: Snapshot["telemetryWindow"];
  meshConfig: Snapshot["meshConfig"];
  figures: ViewFigures;
  namespaces: NamespaceRow[];
  workloads: WorkloadRow[];
  services: ServiceRow[];
  policies: PolicyRow[];
  warnings: Snapshot["warnings"];
  coverageGaps: Snapshot["coverageGaps"];
  /** How telemetry was captured; null when none was asked for. */
  telemetry: NonNullable<Snapshot["telemetry"]> | null;
  traffic: TrafficRow[];
  findings: FindingRow[];
  /** Null on snapshots stored before findings existed. */
  findingsSummary: FindingsSummary | null;
}

/** A finding with the namespace it is about (for the namespace filter). */
export type FindingRow = Finding & { namespace: string };

/** The namespace of a finding's first subject that names one (`ns/name[Kind]`, or a bare namespace). */
export function findingNamespace(f: Finding, namespaces: ReadonlySet<string>): string {
  for (const subject of f.subjects) {
    const slash = subject.indexOf("/");
    if (slash > 0 && subject.endsWith("]")) return subject.slice(0, slash);
    if (namespaces.has(subject)) return subject;
  }
  return "";
}

/** One observed edge, as the traffic table shows it. */
export interface TrafficRow {
  key: string;
  source: string;
  destination: string;
  /** Namespace of the source, or of the destination when the source is not a workload (for the namespace filter). */
  namespace: string;
  service: string | null;
  protocols: string[];
  requests: number;
  requestRate: number;
  /** Share of requests answered 5xx, or null without requests. */
  errorShare: number | null;
  connections: number;
  bytes: number;
  mtlsShare: number | null;
  reportedBy: "destination" | "source";
}

/** How a traffic peer reads in tables and reports. */
export function peerLabel(peer: TrafficPeer): string {
  switch (peer.kind) {
    case "workload":
      return peer.id;
    case "unmatched":
      return `${peer.namespace}/${peer.name} (not in the topology)`;
    case "external":
      return peer.via === "service-entry" ? `${peer.host} (ServiceEntry)` : peer.via === "egress-gateway" ? `${peer.host} (egress gateway)` : peer.host === (peer.via === "passthrough" ? "PassthroughCluster" : "BlackHoleCluster") ? peer.host : `${peer.host} (${peer.via})`;
    case "unknown":
      return "unknown source";
  }
}

const peerNamespace = (peer: TrafficPeer): string | null => (peer.kind === "workload" ? peer.id.split("/")[0]! : peer.kind === "unmatched" ? peer.namespace : null);

export interface ViewFigures {
  namespaces: number;
  workloads: number;
  services: number;
  policies: number;
  policiesByKind: Partial<Record<PolicyKind, number>>;
  /** Workloads with an Istio sidecar, and all workloads. */
  sidecars: number;
  /** Namespaces with at least one NetworkPolicy. */
  namespacesWithNetworkPolicy: number;
  /** Observed traffic edges. */
  edges: number;
}

export interface NamespaceRow {
  name: string;
  labels: Labels;
  declared: boolean;
  workloads: number;
  services: number;
  policies: number;
  sidecars: number;
}

export interface WorkloadRow {
  id: string;
  namespace: string;
  name: string;
  kind: Workload["kind"];
  labels: Labels;
  serviceAccount: string;
  ports: string[];
  sidecar: boolean;
  sidecarReason: string;
  pods: number;
}

export interface ServiceRow {
  id: string;
  namespace: string;
  name: string;
  type: string;
  selector: Labels | null;
  ports: string[];
}

export interface PolicyRow {
  id: string;
  namespace: string;
  name: string;
  kind: PolicyKind;
  apiVersion: string;
  /** One line on what the policy selects or sets, read from its spec. */
  summary: string;
}

/** Builds the page's rows. Linear in the snapshot's size. */
export function snapshotView(s: Snapshot): SnapshotView {
  const perNamespace = new Map<string, { workloads: number; services: number; policies: number; sidecars: number }>();
  const bump = (ns: string, key: "workloads" | "services" | "policies" | "sidecars") => {
    const entry = perNamespace.get(ns) ?? { workloads: 0, services: 0, policies: 0, sidecars: 0 };
    entry[key] += 1;
    perNamespace.set(ns, entry);
  };
  const policiesByKind: Partial<Record<PolicyKind, number>> = {};
  const withNetworkPolicy = new Set<string>();
  for (const w of s.workloads) {
    bump(w.namespace, "workloads");
    if (w.sidecar.injected) bump(w.namespace, "sidecars");
  }
  for (const svc of s.services) bump(svc.namespace, "services");
  for (const p of s.policies) {
    bump(p.namespace, "policies");
    policiesByKind[p.kind] = (policiesByKind[p.kind] ?? 0) + 1;
    if (p.kind === "NetworkPolicy") withNetworkPolicy.add(p.namespace);
  }
  return {
    name: s.name,
    cluster: s.cluster,
    capturedAt: s.capturedAt,
    source: s.source,
    telemetryWindow: s.telemetryWindow,
    meshConfig: s.meshConfig,
    figures: {
      namespaces: s.namespaces.length,
      workloads: s.workloads.length,
      services: s.services.length,
      policies: s.policies.length,
      policiesByKind,
      sidecars: s.workloads.filter((w) => w.sidecar.injected).length,
      namespacesWithNetworkPolicy: withNetworkPolicy.size,
      edges: s.edges.length,
    },
    namespaces: s.namespaces.map((n) => ({
      name: n.name,
      labels: n.labels,
      declared: n.declared,
      ...(perNamespace.get(n.name) ?? { workloads: 0, services: 0, policies: 0, sidecars: 0 }),
    })),
    workloads: s.workloads.map((w) => ({
      id: w.id,
      namespace: w.namespace,
      name: w.name,
      kind: w.kind,
      labels: w.labels,
      serviceAccount: w.serviceAccount,
      ports: w.ports.map((p) => `${p.name ? `${p.name}:` : ""}${p.port}/${p.protocol}`),
      sidecar: w.sidecar.injected,
      sidecarReason: w.sidecar.reason,
      pods: w.pods,
    })),
    services: s.services.map((svc) => ({
      id: svc.id,
      namespace: svc.namespace,
      name: svc.name,
      type: svc.type,
      selector: svc.selector,
      ports: svc.ports.map((p) => `${p.name ? `${p.name}:` : ""}${p.port}→${p.targetPort}/${p.protocol}`),
    })),
    policies: s.policies.map((p) => ({
      id: p.id,
      namespace: p.namespace,
      name: p.name,
      kind: p.kind,
      apiVersion: p.apiVersion,
      summary: policySummary(p),
    })),
    warnings: s.warnings,
    coverageGaps: s.coverageGaps,
    telemetry: s.telemetry ?? null,
    findings: s.findings.map((f) => ({ ...f, namespace: findingNamespace(f, new Set(s.namespaces.map((n) => n.name))) })),
    findingsSummary: s.findingsSummary ?? null,
    traffic: s.edges.map((e, i) => {
      const errors = Object.entries(e.responses).filter(([code]) => code === "5xx").reduce((n, [, count]) => n + count, 0);
      return {
        key: String(i),
        source: peerLabel(e.source),
        destination: peerLabel(e.destination),
        namespace: peerNamespace(e.source) ?? peerNamespace(e.destination) ?? "",
        service: e.service,
        protocols: e.protocols,
        requests: e.requests,
        requestRate: e.requestRate,
        errorShare: e.requests > 0 ? errors / e.requests : null,
        connections: e.connections,
        bytes: e.requestBytes + e.responseBytes,
        mtlsShare: e.mtlsShare,
        reportedBy: e.reportedBy,
      };
    }),
  };
}

type Json = Record<string, unknown>;
const count = (n: number, noun: string) => `${n} ${noun}${n === 1 ? "" : "s"}`;
const obj = (v: unknown): Json => (v && typeof v === "object" && !Array.isArray(v) ? (v as Json) : {});
const arr = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);

/** A selector as `k=v, k2 in (a,b)`; `{}` as "all pods". */
export function formatSelector(selector: unknown): string {
  const sel = obj(selector);
  const parts = Object.entries(obj(sel.matchLabels)).map(([k, v]) => `${k}=${String(v)}`);
  for (const e of arr(sel.matchExpressions).map(obj)) {
    const values = arr(e.values).map(String).join(",");
    parts.push(values ? `${String(e.key)} ${String(e.operator)} (${values})` : `${String(e.operator)} ${String(e.key)}`);
  }
  return parts.length ? parts.join(", ") : "all pods";
}

function policySummary(p: Policy): string {
  const spec = obj(p.object.spec);
  switch (p.kind) {
    case "NetworkPolicy": {
      const types = arr(spec.policyTypes).map(String);
      const ingress = arr(spec.ingress).length;
      const egress = arr(spec.egress).length;
      // The API server's defaulting: Ingress always, Egress only with a non-empty egress list.
      const typeText = types.length ? types.join("+") : egress > 0 ? "Ingress+Egress" : "Ingress";
      return `selects ${formatSelector(spec.podSelector)}; ${typeText}; ${count(ingress, "ingress rule")}, ${count(egress, "egress rule")}`;
    }
    case "AuthorizationPolicy": {
      const target = spec.selector ? formatSelector(spec.selector) : "the whole namespace";
      return `${String(spec.action ?? "ALLOW")} on ${target}; ${count(arr(spec.rules).length, "rule")}`;
    }
    case "PeerAuthentication": {
      const mode = String(obj(spec.mtls).mode ?? "UNSET");
      const target = spec.selector ? formatSelector(spec.selector) : "the whole namespace";
      const ports = Object.keys(obj(spec.portLevelMtls));
      return `mTLS ${mode} on ${target}${ports.length ? `; ports ${ports.join(", ")} overridden` : ""}`;
    }
    case "DestinationRule":
      return `host ${String(spec.host ?? "?")}; TLS ${String(obj(obj(spec.trafficPolicy).tls).mode ?? "default")}`;
    case "ServiceEntry":
      return `hosts ${arr(spec.hosts).map(String).join(", ")}; ${String(spec.location ?? "MESH_EXTERNAL")}`;
    case "Sidecar": {
      const hosts = arr(spec.egress).flatMap((e) => arr(obj(e).hosts).map(String));
      return `egress to ${hosts.length ? hosts.join(", ") : "anything"}`;
    }
    case "RequestAuthentication":
      return count(arr(spec.jwtRules).length, "JWT issuer");
  }
}
