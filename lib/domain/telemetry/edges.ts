/**
 * Istio's standard metrics, as Prometheus sums them over a window, turned into observed traffic
 * edges between the snapshot's workloads and the outside world. Metric and label semantics:
 * https://istio.io/latest/docs/reference/config/metrics/
 *
 * The steps: read each sample into a {@link Reading} (peers resolved, value checked), keep one
 * report per request or connection ({@link deduplicate}), then add the readings up per edge.
 * Label values come from Prometheus and are untrusted: anything odd is read as "unknown" or
 * skipped, never thrown on.
 */
import { hostSubsetOf } from "../engine/istio/egress-hosts";
import { AppError } from "../errors";
import type { Policy, Service, TimeWindow, TrafficEdge, TrafficPeer, Workload, WorkloadKind } from "../model";

/** One label set of a metric and its increase over the window (Prometheus `sum by (...) (increase(...))`). */
export interface TelemetrySample {
  metric: Record<string, string>;
  value: number;
}

/** The four Istio counters Meshlens reads, each summed over the same window. */
export interface TelemetrySeries {
  /** istio_requests_total: HTTP/gRPC requests. */
  requests: TelemetrySample[];
  /** istio_tcp_sent_bytes_total: "bytes sent during response in case of a TCP connection". */
  tcpSent: TelemetrySample[];
  /** istio_tcp_received_bytes_total: "bytes received during request in case of a TCP connection". */
  tcpReceived: TelemetrySample[];
  /** istio_tcp_connections_opened_total: TCP connections opened. */
  tcpOpened: TelemetrySample[];
}
export type TelemetryMetric = keyof TelemetrySeries;

/** The Prometheus metric behind each field of {@link TelemetrySeries}. */
export const TELEMETRY_METRICS: Record<TelemetryMetric, string> = {
  requests: "istio_requests_total",
  tcpSent: "istio_tcp_sent_bytes_total",
  tcpReceived: "istio_tcp_received_bytes_total",
  tcpOpened: "istio_tcp_connections_opened_total",
};

const PEER_LABELS = [
  "reporter",
  "source_workload",
  "source_workload_namespace",
  "destination_workload",
  "destination_workload_namespace",
  "destination_service",
  "destination_service_name",
  "destination_service_namespace",
  "connection_security_policy",
] as const;

/** The labels {@link buildEdges} reads, per metric: what a query must keep in its `sum by (...)`. */
export const TELEMETRY_LABELS: Record<TelemetryMetric, readonly string[]> = {
  requests: [...PEER_LABELS, "request_protocol", "response_code"],
  tcpSent: PEER_LABELS,
  tcpReceived: PEER_LABELS,
  tcpOpened: PEER_LABELS,
};

export interface BuildEdgesInput {
  series: TelemetrySeries;
  windowSeconds: number;
  workloads: readonly Workload[];
  services: readonly Service[];
  policies: readonly Policy[];
}

export interface BuildEdgesResult {
  /** Sorted by source, then destination, then service. */
  edges: TrafficEdge[];
  /** Telemetry workloads (`namespace/name`) that matched no workload of the snapshot, sorted. */
  unmatched: string[];
  /** Samples left out: a value that is not a finite number >= 0, or a reporter Istio never writes. */
  ignored: number;
}

/** Length of a telemetry window in seconds; `bad_request` unless both ends are dates and end is after start. */
export function windowSeconds(window: TimeWindow): number {
  const start = Date.parse(window.start);
  const end = Date.parse(window.end);
  if (Number.isNaN(start) || Number.isNaN(end)) {
    throw new AppError("bad_request", `The telemetry window needs ISO 8601 dates, got start "${window.start}" and end "${window.end}"`);
  }
  if (end <= start) {
    throw new AppError("bad_request", `The telemetry window must end after it starts (start ${window.start}, end ${window.end})`);
  }
  return (end - start) / 1000;
}

/** Observed traffic edges from Istio telemetry summed over a window of `windowSeconds`. */
export function buildEdges(input: BuildEdgesInput): BuildEdgesResult {
  if (!Number.isFinite(input.windowSeconds) || input.windowSeconds <= 0) {
    throw new AppError("bad_request", `The telemetry window must last a positive number of seconds, got ${input.windowSeconds}`);
  }
  const resolver = new PeerResolver(input);
  const { readings, ignored } = readSeries(input.series, resolver);
  const edges = aggregate(deduplicate(readings), input.windowSeconds);
  return { edges, unmatched: unmatchedNames(edges), ignored };
}

// ---------------------------------------------------------------------------------------------
// Reading samples

/**
 * Which proxy wrote a sample. Both the client's and the server's proxy report every request and
 * connection they see (`reporter="source"` / `"destination"`); in ambient mode a waypoint reports
 * as `"waypoint"`, on the destination's side of the connection.
 */
type Side = "destination" | "waypoint" | "source";
/** Which report of the same traffic to keep: the destination's knows the encryption and is the one Istio's dashboards use. */
const SIDE_PREFERENCE: readonly Side[] = ["destination", "waypoint", "source"];

/** One sample, read: its edge, what it counts and who reported it. */
interface Reading {
  metric: TelemetryMetric;
  side: Side;
  source: TrafficPeer;
  destination: TrafficPeer;
  service: string | null;
  edgeKey: string;
  /** Requests only: `request_protocol` and `response_code`. */
  protocol: string | null;
  responseCode: string | null;
  /** `connection_security_policy`: `mutual_tls`, `none` or `unknown`. */
  security: string | null;
  value: number;
}

function readSeries(series: TelemetrySeries, resolver: PeerResolver): { readings: Reading[]; ignored: number } {
  const readings: Reading[] = [];
  let ignored = 0;
  for (const metric of Object.keys(TELEMETRY_METRICS) as TelemetryMetric[]) {
    for (const sample of series[metric] ?? []) {
      const reading = readSample(metric, sample, resolver);
      if (reading === "ignored") ignored += 1;
      else if (reading !== null) readings.push(reading);
    }
  }
  return { readings, ignored };
}

/** null: nothing happened on that label set in the window (`increase()` is 0); skipped, not an error. */
function readSample(metric: TelemetryMetric, sample: TelemetrySample, resolver: PeerResolver): Reading | null | "ignored" {
  const value = sample?.value;
  if (typeof value !== "number" || !Number.isFinite(value) || value < 0) return "ignored";
  const labels = sample.metric ?? {};
  const side = readSide(label(labels, "reporter"));
  if (side === null) return "ignored";
  if (value === 0) return null;
  const source = resolver.source(labels);
  const destination = resolver.destination(labels);
  const service = present(label(labels, "destination_service"));
  const isRequest = metric === "requests";
  return {
    metric,
    side,
    source,
    destination,
    service,
    edgeKey: JSON.stringify([peerKey(source), peerKey(destination), service]),
    protocol: isRequest ? (present(label(labels, "request_protocol"))?.toLowerCase() ?? null) : null,
    responseCode: isRequest ? label(labels, "response_code") : null,
    security: present(label(labels, "connection_security_policy")),
    value,
  };
}

function readSide(reporter: string | null): Side | null {
  return reporter === "destination" || reporter === "waypoint" || reporter === "source" ? reporter : null;
}

/** A label's value, only when it is the sample's own string property (never from the prototype). */
function label(labels: Record<string, string>, name: string): string | null {
  if (typeof labels !== "object" || labels === null || !Object.hasOwn(labels, name)) return null;
  const value: unknown = labels[name];
  return typeof value === "string" ? value : null;
}

/** Istio writes `unknown` for what it could not tell; empty or missing means the same here. */
function present(value: string | null): string | null {
  return value === null || value === "" || value === "unknown" ? null : value;
}

// ---------------------------------------------------------------------------------------------
// Who is talking to whom

/** Istio's workload name for a Job's pods: a `<name>-<8 to 11 digits>` Job is read as the CronJob `<name>`. */
const CRONJOB_JOB = /^(.+)-\d{8,11}$/;
/** Pod label that overrides the workload name Istio reports (`service.istio.io/workload-name`). */
const WORKLOAD_NAME_LABEL = "service.istio.io/workload-name";
/** When several workloads of a namespace share a name, the one telemetry most likely means. */
const KIND_PREFERENCE: readonly WorkloadKind[] = ["Deployment", "StatefulSet", "DaemonSet", "CronJob", "Job", "ReplicaSet", "ReplicationController", "Pod"];

const UNKNOWN_SOURCE =
  'source_workload is "unknown": the reporting proxy had no metadata about the client (plaintext TCP, or a client outside the mesh)';
const UNKNOWN_DESTINATION =
  'destination_workload is "unknown": the reporting proxy had no metadata about the server (no sidecar, or not a workload of the mesh)';

/** Resolves telemetry labels to peers of the snapshot. */
class PeerResolver {
  /** By `[namespace, name]`: workloads with that name, then those Istio reports under that name. */
  private readonly named = new Map<string, { exact: Workload[]; reported: Workload[] }>();
  private readonly services = new Map<string, Service>();
  private readonly externalHosts: string[];

  constructor(private readonly input: BuildEdgesInput) {
    for (const workload of input.workloads) {
      this.entry(workload.namespace, workload.name).exact.push(workload);
      const reported = istioWorkloadName(workload);
      if (reported !== workload.name) this.entry(workload.namespace, reported).reported.push(workload);
    }
    for (const entry of this.named.values()) {
      entry.exact.sort(byKindPreference);
      entry.reported.sort(byKindPreference);
    }
    for (const service of input.services) this.services.set(nameKey(service.namespace, service.name), service);
    this.externalHosts = meshExternalHosts(input.policies);
  }

  source(labels: Record<string, string>): TrafficPeer {
    const name = present(label(labels, "source_workload"));
    if (name === null) return { kind: "unknown", reason: UNKNOWN_SOURCE };
    return this.workload(label(labels, "source_workload_namespace") ?? "", name);
  }

  /**
   * The destination. Traffic leaving the mesh is named by where it went rather than by a
   * workload: Istio's PassthroughCluster (a host outside the registry, let out under
   * outboundTrafficPolicy ALLOW_ANY) and BlackHoleCluster (blocked under REGISTRY_ONLY) are
   * Envoy clusters, written in `destination_service_name`; an egress gateway is the last hop
   * inside the mesh; a MESH_EXTERNAL ServiceEntry host is outside by declaration.
   */
  destination(labels: Record<string, string>): TrafficPeer {
    const host = present(label(labels, "destination_service"));
    const cluster = label(labels, "destination_service_name");
    if (cluster === "PassthroughCluster") return { kind: "external", host: host ?? cluster, via: "passthrough" };
    if (cluster === "BlackHoleCluster") return { kind: "external", host: host ?? cluster, via: "blackhole" };

    const name = present(label(labels, "destination_workload"));
    const namespace = label(labels, "destination_workload_namespace") ?? "";
    const peer = name === null ? this.byService(labels) : this.workload(namespace, name);
    if (name !== null && this.isEgressGateway(name, peer)) return { kind: "external", host: host ?? name, via: "egress-gateway" };
    if (host !== null && this.isMeshExternal(host)) return { kind: "external", host, via: "service-entry" };
    return peer;
  }

  private workload(namespace: string, name: string): TrafficPeer {
    const entry = this.named.get(nameKey(namespace, name));
    const match = entry?.exact[0] ?? entry?.reported[0];
    return match ? { kind: "workload", id: match.id } : { kind: "unmatched", namespace, name };
  }

  /**
   * A destination telemetry could not name (typically reported by the client for a server without
   * a sidecar) is still known when its Service selects exactly one workload of the snapshot.
   */
  private byService(labels: Record<string, string>): TrafficPeer {
    const namespace = label(labels, "destination_service_namespace");
    const name = label(labels, "destination_service_name");
    const service = namespace !== null && name !== null ? this.services.get(nameKey(namespace, name)) : undefined;
    const selector = service?.selector;
    if (!service || !selector || Object.keys(selector).length === 0) return { kind: "unknown", reason: UNKNOWN_DESTINATION };
    const selected = this.input.workloads.filter((w) => w.namespace === service.namespace && selects(selector, w.labels));
    return selected.length === 1 ? { kind: "workload", id: selected[0]!.id } : { kind: "unknown", reason: UNKNOWN_DESTINATION };
  }

  /** Istio's egress gateways: the `istio-egressgateway` deployments of its charts, or pods labelled `istio: egressgateway`. */
  private isEgressGateway(name: string, peer: TrafficPeer): boolean {
    if (name.startsWith("istio-egressgateway")) return true;
    if (peer.kind !== "workload") return false;
    return this.input.workloads.some((w) => w.id === peer.id && w.labels.istio === "egressgateway");
  }

  /** ServiceEntry hosts are exact names or `*.suffix` wildcards, matched as Istio matches hosts. */
  private isMeshExternal(host: string): boolean {
    const name = host.toLowerCase();
    return this.externalHosts.some((pattern) => hostSubsetOf(name, pattern));
  }

  private entry(namespace: string, name: string) {
    const key = nameKey(namespace, name);
    let entry = this.named.get(key);
    if (!entry) this.named.set(key, (entry = { exact: [], reported: [] }));
    return entry;
  }
}

/**
 * The name Istio's injector gives a workload's pods (WORKLOAD_NAME, reported as `*_workload`):
 * the `service.istio.io/workload-name` label when set; for a Job named `<name>-<8 to 11 digits>`
 * (how a CronJob names its Jobs) the CronJob's `<name>`; otherwise the controller's name, with
 * a Deployment's ReplicaSet hash already stripped (Meshlens groups those pods under the Deployment).
 */
function istioWorkloadName(workload: Workload): string {
  const override = workload.labels[WORKLOAD_NAME_LABEL];
  if (override) return override;
  if (workload.kind === "Job" && workload.name.length > 12) {
    const cron = CRONJOB_JOB.exec(workload.name);
    if (cron) return cron[1]!;
  }
  return workload.name;
}

/** Hosts (lower case) of ServiceEntries with location MESH_EXTERNAL, the default; entries are read leniently. */
function meshExternalHosts(policies: readonly Policy[]): string[] {
  const hosts: string[] = [];
  for (const policy of policies) {
    if (policy.kind !== "ServiceEntry") continue;
    const spec = policy.object.spec;
    if (typeof spec !== "object" || spec === null) continue;
    const { hosts: declared, location } = spec as { hosts?: unknown; location?: unknown };
    if (location !== undefined && location !== null && location !== "MESH_EXTERNAL") continue;
    if (!Array.isArray(declared)) continue;
    for (const host of declared) if (typeof host === "string" && host !== "") hosts.push(host.toLowerCase());
  }
  return hosts;
}

/** A Service's selector is a plain equality map: every key must match. */
function selects(selector: Record<string, string>, labels: Record<string, string>): boolean {
  return Object.entries(selector).every(([key, value]) => Object.hasOwn(labels, key) && labels[key] === value);
}

function byKindPreference(a: Workload, b: Workload): number {
  return KIND_PREFERENCE.indexOf(a.kind) - KIND_PREFERENCE.indexOf(b.kind) || compare(a.id, b.id);
}

/** Label values may hold any character, `/` included: keys never concatenate them. */
const nameKey = (namespace: string, name: string) => JSON.stringify([namespace, name]);

/** A peer as one string, for edge keys and sorting. */
function peerKey(peer: TrafficPeer): string {
  switch (peer.kind) {
    case "workload":
      return `workload:${peer.id}`;
    case "unmatched":
      return `unmatched:${peer.namespace}/${peer.name}`;
    case "external":
      return `external:${peer.via}:${peer.host}`;
    case "unknown":
      return `unknown:${peer.reason}`;
  }
}

// ---------------------------------------------------------------------------------------------
// Counting each request and connection once

/**
 * Keeps one report of the same traffic. For a given metric, edge, protocol and response code the
 * destination's report wins, then a waypoint's; the source's counts only where no proxy on the
 * destination side reported it (a server without a sidecar, or traffic leaving the mesh).
 *
 * The key is the resolved edge, so both reports must name the same peers: when one side wrote
 * `unknown` (plaintext TCP, where no peer metadata is exchanged) they stay two edges.
 */
function deduplicate(readings: readonly Reading[]): Reading[] {
  const groups = new Map<string, Reading[]>();
  for (const reading of readings) {
    const key = JSON.stringify([reading.metric, reading.edgeKey, reading.protocol, reading.responseCode]);
    const group = groups.get(key);
    if (group) group.push(reading);
    else groups.set(key, [reading]);
  }
  const kept: Reading[] = [];
  for (const group of groups.values()) {
    const side = SIDE_PREFERENCE.find((s) => group.some((r) => r.side === s));
    kept.push(...group.filter((r) => r.side === side));
  }
  // A fixed order makes the floating-point sums below the same whatever order Prometheus answered in.
  const order = (r: Reading) => JSON.stringify([r.edgeKey, r.metric, r.protocol, r.responseCode, r.security, r.side, r.value]);
  return kept.map((r) => ({ r, key: order(r) })).sort((a, b) => compare(a.key, b.key)).map(({ r }) => r);
}

// ---------------------------------------------------------------------------------------------
// Adding up per edge

interface EdgeTotals {
  edge: TrafficEdge;
  protocols: Set<string>;
  /** Destination-side weights by `connection_security_policy`: requests + connections, and bytes. */
  mtls: { events: number; plainEvents: number; bytes: number; plainBytes: number };
}

function aggregate(readings: readonly Reading[], seconds: number): TrafficEdge[] {
  const totals = new Map<string, EdgeTotals>();
  for (const reading of readings) {
    let entry = totals.get(reading.edgeKey);
    if (!entry) totals.set(reading.edgeKey, (entry = emptyTotals(reading)));
    add(entry, reading);
  }
  const edges = [...totals.values()].map((entry) => finish(entry, seconds));
  return edges.sort(compareEdges);
}

function emptyTotals(reading: Reading): EdgeTotals {
  return {
    edge: {
      source: reading.source,
      destination: reading.destination,
      service: reading.service,
      protocols: [],
      requests: 0,
      requestRate: 0,
      responses: {},
      responseBytes: 0,
      requestBytes: 0,
      connections: 0,
      mtlsShare: null,
      reportedBy: "source",
    },
    protocols: new Set(),
    mtls: { events: 0, plainEvents: 0, bytes: 0, plainBytes: 0 },
  };
}

function add(entry: EdgeTotals, reading: Reading): void {
  const { edge } = entry;
  const value = reading.value;
  if (reading.side !== "source") edge.reportedBy = "destination";
  switch (reading.metric) {
    case "requests": {
      edge.requests += value;
      const responseClass = responseClassOf(reading.responseCode);
      edge.responses[responseClass] = (edge.responses[responseClass] ?? 0) + value;
      if (reading.protocol !== null) entry.protocols.add(reading.protocol);
      break;
    }
    case "tcpSent":
      edge.responseBytes += value;
      entry.protocols.add("tcp");
      break;
    case "tcpReceived":
      edge.requestBytes += value;
      entry.protocols.add("tcp");
      break;
    case "tcpOpened":
      edge.connections += value;
      entry.protocols.add("tcp");
      break;
  }
  addEncryption(entry.mtls, reading);
}

/**
 * `connection_security_policy` is only meaningful where the destination's proxy reported: the
 * server side sees whether the connection it accepted was mutual TLS (`mutual_tls`) or not
 * (`none`). Requests and opened connections weigh the share; bytes only when there are none.
 */
function addEncryption(mtls: EdgeTotals["mtls"], reading: Reading): void {
  if (reading.side === "source") return;
  const mutual = reading.security === "mutual_tls";
  if (!mutual && reading.security !== "none") return;
  if (reading.metric === "requests" || reading.metric === "tcpOpened") {
    if (mutual) mtls.events += reading.value;
    else mtls.plainEvents += reading.value;
  } else if (mutual) mtls.bytes += reading.value;
  else mtls.plainBytes += reading.value;
}

function finish(entry: EdgeTotals, seconds: number): TrafficEdge {
  const { events, plainEvents, bytes, plainBytes } = entry.mtls;
  const share = events + plainEvents > 0 ? events / (events + plainEvents) : bytes + plainBytes > 0 ? bytes / (bytes + plainBytes) : null;
  return {
    ...entry.edge,
    protocols: [...entry.protocols].sort(compare),
    requestRate: entry.edge.requests / seconds,
    responses: sortedRecord(entry.edge.responses),
    mtlsShare: share,
  };
}

/** `response_code` to its class: "200" -> "2xx"; "0" (no response: reset, timeout) stays "0"; anything else "other". */
function responseClassOf(code: string | null): string {
  if (code === "0") return "0";
  if (code !== null && /^[1-5]\d\d$/.test(code)) return `${code[0]}xx`;
  return "other";
}

function sortedRecord(record: Record<string, number>): Record<string, number> {
  return Object.fromEntries(Object.entries(record).sort(([a], [b]) => compare(a, b)));
}

function compareEdges(a: TrafficEdge, b: TrafficEdge): number {
  return compare(peerKey(a.source), peerKey(b.source)) || compare(peerKey(a.destination), peerKey(b.destination)) || compare(a.service ?? "", b.service ?? "");
}

function unmatchedNames(edges: readonly TrafficEdge[]): string[] {
  const names = new Set<string>();
  for (const edge of edges) {
    for (const peer of [edge.source, edge.destination]) if (peer.kind === "unmatched") names.add(`${peer.namespace}/${peer.name}`);
  }
  return [...names].sort(compare);
}

/** Code-unit order, the same on every machine (unlike localeCompare). */
function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
