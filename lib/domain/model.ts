/**
 * What a Meshlens snapshot holds: the cluster's topology, its policies (verbatim), observed
 * traffic and what the analysis concluded. Pure data: no I/O, no framework imports.
 *
 * Identities are written everywhere as `namespace/name[Kind]` (see {@link workloadId}).
 */

/** The kinds of workload Meshlens groups pods into. */
export const WORKLOAD_KINDS = [
  "Deployment",
  "StatefulSet",
  "DaemonSet",
  "ReplicaSet",
  "ReplicationController",
  "Job",
  "CronJob",
  "Pod",
] as const;
export type WorkloadKind = (typeof WORKLOAD_KINDS)[number];

/** The policy kinds a snapshot keeps verbatim for the engine and the audit trail. */
export const POLICY_KINDS = [
  "NetworkPolicy",
  "AuthorizationPolicy",
  "PeerAuthentication",
  "RequestAuthentication",
  "DestinationRule",
  "Sidecar",
  "ServiceEntry",
] as const;
export type PolicyKind = (typeof POLICY_KINDS)[number];

export type Protocol = "TCP" | "UDP" | "SCTP";
export type Labels = Record<string, string>;

/** How a snapshot was captured. Never holds credentials. */
export type CaptureSource =
  | { kind: "upload"; files: string[] }
  | { kind: "live"; context?: string; server?: string };

export interface TimeWindow {
  start: string; // ISO 8601
  end: string; // ISO 8601
}

export interface Namespace {
  name: string;
  labels: Labels;
  /** False when the namespace was only referenced by objects, not present in the input. */
  declared: boolean;
}

export interface ContainerPort {
  container: string;
  name?: string;
  port: number;
  protocol: Protocol;
}

/** Whether an Istio sidecar runs (or will run) beside the workload's pods, and why. */
export interface SidecarState {
  injected: boolean;
  reason: string;
}

export interface Workload {
  /** `namespace/name[Kind]` */
  id: string;
  namespace: string;
  name: string;
  kind: WorkloadKind;
  /** Labels of the workload's pods (the pod template's, or those all its pods share). */
  labels: Labels;
  serviceAccount: string;
  ports: ContainerPort[];
  sidecar: SidecarState;
  /** Pods of this workload found in the input (0 when only the controller was given). */
  pods: number;
  hostNetwork: boolean;
}

export interface ServicePort {
  name?: string;
  port: number;
  targetPort: number | string;
  protocol: Protocol;
}

export interface Service {
  /** `namespace/name[Service]` */
  id: string;
  namespace: string;
  name: string;
  type: string;
  /** null: no selector (endpoints managed by hand, or ExternalName). */
  selector: Labels | null;
  ports: ServicePort[];
  externalName?: string;
}

export interface Policy {
  /** `namespace/name[Kind]` */
  id: string;
  kind: PolicyKind;
  apiVersion: string;
  namespace: string;
  name: string;
  /** The object exactly as it was read, for the audit trail and the engine. */
  object: Record<string, unknown>;
}

/** A peer of observed traffic (Istio telemetry). */
export type TrafficPeer =
  /** A workload of the snapshot. */
  | { kind: "workload"; id: string }
  /** Telemetry named a workload the topology does not have (deleted since, or in a namespace not captured). */
  | { kind: "unmatched"; namespace: string; name: string }
  /**
   * Outside the mesh. `via`: a ServiceEntry host; PassthroughCluster (an undeclared host let out
   * under ALLOW_ANY); BlackHoleCluster (blocked under REGISTRY_ONLY); an egress gateway. `host`
   * is the destination host where the telemetry carries it, else the cluster's name.
   */
  | { kind: "external"; host: string; via: "service-entry" | "passthrough" | "blackhole" | "egress-gateway" }
  /** The telemetry does not say who (plaintext TCP without peer metadata, or a client outside the mesh). */
  | { kind: "unknown"; reason: string };

/** Traffic Istio observed from one peer to another over the telemetry window. */
export interface TrafficEdge {
  source: TrafficPeer;
  destination: TrafficPeer;
  /** The destination service as telemetry names it (`destination_service`), when known. */
  service: string | null;
  /** Protocols seen, sorted: "grpc", "http", "tcp". */
  protocols: string[];
  /** HTTP/gRPC requests in the window (each counted once), and their mean rate per second. */
  requests: number;
  requestRate: number;
  /** Requests by response code class: "2xx", "3xx", "4xx", "5xx", and "0" (no response). */
  responses: Record<string, number>;
  /**
   * TCP bytes in the window: `requestBytes` the destination received from the source
   * (istio_tcp_received_bytes_total, "bytes received during request"), `responseBytes` it sent
   * back (istio_tcp_sent_bytes_total, "bytes sent during response"); and TCP connections opened.
   */
  requestBytes: number;
  responseBytes: number;
  connections: number;
  /**
   * Share (0..1) of requests and connections that were mutual TLS, per the destination proxy
   * (`connection_security_policy`); null when no destination proxy reported.
   */
  mtlsShare: number | null;
  /**
   * "destination": a destination proxy reported it (encryption known). "source": only the source
   * proxy saw it (a destination without a sidecar, or traffic leaving the mesh).
   */
  reportedBy: "destination" | "source";
}

/** How telemetry was captured for a snapshot (null on the snapshot when none was asked for). */
export interface TelemetryCapture {
  /** "failed": Prometheus could not be queried; the snapshot has topology only, and no edges. */
  state: "captured" | "failed";
  /** The Prometheus base URL, never with credentials. */
  prometheus: string;
  window: TimeWindow;
  /** Why it failed. */
  reason?: string;
  /** Telemetry workloads (`namespace/name`) that matched no workload of the topology. */
  unmatched: string[];
}

export const SEVERITIES = ["critical", "high", "medium", "low", "info"] as const;
export type Severity = (typeof SEVERITIES)[number];
/** 0 for critical ... 4 for info: sorts findings worst first. */
export const SEVERITY_RANK = Object.fromEntries(SEVERITIES.map((s, i) => [s, i])) as Record<Severity, number>;

/** The kinds of finding, stable names for filters, SARIF rules and CI gates. */
export const FINDING_KINDS = [
  "unencrypted-traffic",
  "mtls-not-enforced",
  "over-permissive-path",
  "no-default-deny",
  "unnecessary-egress",
  "unregistered-egress",
  "policy-selects-nothing",
  "traffic-contradicts-policy",
  "egress-blocks-dns",
] as const;
export type FindingKind = (typeof FINDING_KINDS)[number];

/** What to do about a finding: a sentence, and the YAML to apply when there is one. */
export interface Remediation {
  summary: string;
  /** Objects `kubectl apply -f` accepts, with comments; absent when the fix is not an object to apply. */
  yaml?: string;
}

export interface Finding {
  /** Stable for the same snapshot: the kind and what it is about, e.g. `no-default-deny:blog`. */
  id: string;
  kind: FindingKind;
  severity: Severity;
  title: string;
  /** Workloads `namespace/name[Kind]`, namespaces, external peers, or policies `namespace/name[Kind]`. */
  subjects: string[];
  evidence: Record<string, unknown>;
  remediation: Remediation;
}

/** The headline figures of a snapshot's analysis. */
export interface FindingsSummary {
  findings: Partial<Record<Severity, number>>;
  /** Share (0..1) of observed requests and of TCP bytes that were mTLS; null without telemetry. */
  mtlsRequestShare: number | null;
  mtlsByteShare: number | null;
  /** Share of workloads isolated for ingress, and for egress, by some NetworkPolicy. */
  isolatedForIngress: number;
  isolatedForEgress: number;
  /** Ordered workload pairs the policies allow, and those observed (with telemetry). */
  allowedPaths: number;
  observedPaths: number | null;
  /** Workloads that may reach outside the cluster, and those seen doing so. */
  externallyReachable: number;
  externalObserved: number | null;
}

/** Something that could not be read, so the analysis may be incomplete there. */
export interface CoverageGap {
  resource: string;
  namespace?: string;
  reason: string;
}

/** A non-fatal remark from ingestion (e.g. an unknown kind that was skipped). */
export interface IngestWarning {
  file: string;
  document: number;
  message: string;
}

/** Istio mesh-wide settings that change what policies mean (from the `istio` ConfigMap). */
export interface MeshConfig {
  /** Where the mesh config was read from, e.g. `istio-system/istio[ConfigMap]`; null = defaults. */
  source: string | null;
  /** Policies in this namespace apply mesh-wide. Istio's default: `istio-system`. */
  rootNamespace: string;
  /** ALLOW_ANY (Istio's default) lets sidecars reach unregistered hosts; REGISTRY_ONLY blocks them. */
  outboundTrafficPolicy: "ALLOW_ANY" | "REGISTRY_ONLY";
}

export interface Snapshot {
  schemaVersion: 1;
  name: string;
  cluster: string;
  capturedAt: string; // ISO 8601
  source: CaptureSource;
  telemetryWindow: TimeWindow | null;
  /** Absent on snapshots stored before telemetry capture existed. */
  telemetry?: TelemetryCapture | null;
  namespaces: Namespace[];
  workloads: Workload[];
  services: Service[];
  policies: Policy[];
  meshConfig: MeshConfig;
  edges: TrafficEdge[];
  findings: Finding[];
  /** The analysis' figures; absent on snapshots stored before findings existed. */
  findingsSummary?: FindingsSummary | null;
  coverageGaps: CoverageGap[];
  warnings: IngestWarning[];
}

/** The identity of a namespaced object as Meshlens writes it everywhere: `namespace/name[Kind]`. */
export function objectId(namespace: string, name: string, kind: string): string {
  return `${namespace}/${name}[${kind}]`;
}

export const workloadId = (w: Pick<Workload, "namespace" | "name" | "kind">) =>
  objectId(w.namespace, w.name, w.kind);

/** The figures shown for a snapshot in lists. */
export interface SnapshotCounts {
  namespaces: number;
  workloads: number;
  services: number;
  policies: number;
  edges: number;
  findings: number;
}

export function countSnapshot(s: Snapshot): SnapshotCounts {
  return {
    namespaces: s.namespaces.length,
    workloads: s.workloads.length,
    services: s.services.length,
    policies: s.policies.length,
    edges: s.edges.length,
    findings: s.findings.length,
  };
}
