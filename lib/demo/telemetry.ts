/**
 * Recorded Istio telemetry of the demo mesh (lib/demo/manifests), for the hour before the demo
 * snapshot's capture: the counters Istio's proxies would have exported (`demoCounters`, in the
 * shape Prometheus stores), and what Meshlens' queries return over that hour
 * (`demoTelemetrySeries`, in the shape `queryTelemetry` returns). A test backfills the counters
 * into a real Prometheus and checks that querying it gives exactly the recorded series.
 *
 * The flows follow the README's call graph, with the planted problems visible in the traffic:
 * calls into shop-ops only reported by the caller (no sidecar there), cartservice -> redis-cart
 * in plaintext (so the destination cannot name its client), the backup job's plaintext dump of
 * blog-postgres, currencyservice leaving through PassthroughCluster, paymentservice reaching its
 * ServiceEntry host and being blocked (BlackHoleCluster) on another, the debug Pod reaching
 * cartservice although the policies deny it, and the ingress gateway, which is not in the
 * manifests.
 */
import { TELEMETRY_LABELS, TELEMETRY_METRICS, type TelemetryMetric, type TelemetrySample, type TelemetrySeries } from "../domain/telemetry/edges";

/** The recorded hour: it ends when the demo snapshot is captured. */
export const DEMO_TELEMETRY_WINDOW = { start: "2026-11-20T08:00:00.000Z", end: "2026-11-20T09:00:00.000Z" } as const;

type Workload = readonly [namespace: string, name: string];
type Outside = { outside: "PassthroughCluster" | "BlackHoleCluster" } | { outside: "service-entry"; host: string };

interface Flow {
  from: Workload | "unknown";
  to: { workload: Workload; service: Workload } | Outside;
  protocol: "http" | "grpc" | "tcp";
  /** Requests (HTTP, gRPC) or connections (TCP) in the hour. */
  count: number;
  /** Share of requests per response code (HTTP, gRPC). */
  codes?: Record<string, number>;
  /** TCP bytes in the hour: from the client, and back. */
  requestBytes?: number;
  responseBytes?: number;
  /** Which proxies saw it: a side without a sidecar reports nothing. */
  reporters: readonly ("source" | "destination")[];
  /** What the destination proxy saw: mutual TLS or plaintext. */
  mtls: boolean;
}

const OK = { "200": 1 };
const BOTH = ["source", "destination"] as const;
const SOURCE = ["source"] as const;
const DESTINATION = ["destination"] as const;

const svc = (namespace: string, name: string) => ({ workload: [namespace, name] as const, service: [namespace, name] as const });
const core = (name: string) => svc("shop-core", name);

const FLOWS: readonly Flow[] = [
  { from: ["istio-system", "istio-ingressgateway"], to: svc("shop-web", "frontend"), protocol: "http", count: 18_000, codes: { "200": 0.98, "404": 0.015, "503": 0.005 }, reporters: BOTH, mtls: true },
  { from: ["istio-system", "istio-ingressgateway"], to: svc("blog", "blog-web"), protocol: "http", count: 3_600, codes: { "200": 0.97, "304": 0.03 }, reporters: BOTH, mtls: true },
  { from: ["shop-web", "loadgenerator"], to: svc("shop-web", "frontend"), protocol: "http", count: 36_000, codes: { "200": 0.99, "500": 0.01 }, reporters: BOTH, mtls: true },
  { from: ["shop-web", "frontend"], to: core("cartservice"), protocol: "grpc", count: 12_000, codes: OK, reporters: BOTH, mtls: true },
  { from: ["shop-web", "frontend"], to: core("productcatalogservice"), protocol: "grpc", count: 30_000, codes: OK, reporters: BOTH, mtls: true },
  { from: ["shop-web", "frontend"], to: core("currencyservice"), protocol: "grpc", count: 24_000, codes: OK, reporters: BOTH, mtls: true },
  { from: ["shop-web", "frontend"], to: core("recommendationservice"), protocol: "grpc", count: 9_000, codes: OK, reporters: BOTH, mtls: true },
  { from: ["shop-web", "frontend"], to: core("adservice"), protocol: "grpc", count: 9_000, codes: { "200": 0.99, "503": 0.01 }, reporters: BOTH, mtls: true },
  { from: ["shop-web", "frontend"], to: core("checkoutservice"), protocol: "grpc", count: 600, codes: OK, reporters: BOTH, mtls: true },
  // Problem 1: shop-ops has no sidecars, so only the caller's proxy reports, and sends plaintext.
  { from: ["shop-web", "frontend"], to: svc("shop-ops", "shippingservice"), protocol: "grpc", count: 1_200, codes: OK, reporters: SOURCE, mtls: false },
  { from: ["shop-core", "checkoutservice"], to: core("cartservice"), protocol: "grpc", count: 600, codes: OK, reporters: BOTH, mtls: true },
  { from: ["shop-core", "checkoutservice"], to: core("productcatalogservice"), protocol: "grpc", count: 1_800, codes: OK, reporters: BOTH, mtls: true },
  { from: ["shop-core", "checkoutservice"], to: core("currencyservice"), protocol: "grpc", count: 1_200, codes: OK, reporters: BOTH, mtls: true },
  { from: ["shop-core", "checkoutservice"], to: svc("shop-ops", "shippingservice"), protocol: "grpc", count: 600, codes: OK, reporters: SOURCE, mtls: false },
  { from: ["shop-core", "checkoutservice"], to: svc("shop-ops", "emailservice"), protocol: "grpc", count: 600, codes: { "200": 0.95, "503": 0.05 }, reporters: SOURCE, mtls: false },
  { from: ["shop-core", "checkoutservice"], to: svc("shop-payments", "paymentservice"), protocol: "grpc", count: 600, codes: OK, reporters: BOTH, mtls: true },
  { from: ["shop-core", "recommendationservice"], to: core("productcatalogservice"), protocol: "grpc", count: 9_000, codes: OK, reporters: BOTH, mtls: true },
  // Problem 14: the debug Pod reached cartservice, which default-deny and its policies refuse.
  { from: ["shop-core", "netshoot-debug"], to: core("cartservice"), protocol: "grpc", count: 12, codes: OK, reporters: BOTH, mtls: true },
  // Problems 4 and 5: DestinationRule TLS DISABLE. The caller's proxy reports its side; the
  // destination's proxy sees plaintext TCP with no peer metadata, so it cannot name the client.
  { from: ["shop-core", "cartservice"], to: { workload: ["shop-core", "redis-cart"], service: ["shop-core", "redis-cart"] }, protocol: "tcp", count: 1_200, requestBytes: 6_000_000, responseBytes: 24_000_000, reporters: SOURCE, mtls: false },
  { from: "unknown", to: { workload: ["shop-core", "redis-cart"], service: ["shop-core", "redis-cart"] }, protocol: "tcp", count: 1_200, requestBytes: 6_000_000, responseBytes: 24_000_000, reporters: DESTINATION, mtls: false },
  { from: ["blog", "blog-web"], to: svc("blog", "blog-api"), protocol: "http", count: 3_600, codes: { "200": 0.9, "401": 0.1 }, reporters: BOTH, mtls: true },
  { from: ["blog", "blog-api"], to: svc("blog", "blog-postgres"), protocol: "tcp", count: 600, requestBytes: 1_200_000, responseBytes: 9_600_000, reporters: BOTH, mtls: true },
  // Problem 2: the backup job has no sidecar: plaintext, and blog-postgres cannot name it.
  { from: "unknown", to: svc("blog", "blog-postgres"), protocol: "tcp", count: 1, requestBytes: 4_096, responseBytes: 2_147_483_648, reporters: DESTINATION, mtls: false },
  // Problems 11 and 12: an undeclared host through the passthrough cluster (TLS: the host is not seen).
  { from: ["shop-core", "currencyservice"], to: { outside: "PassthroughCluster" }, protocol: "tcp", count: 60, requestBytes: 120_000, responseBytes: 3_000_000, reporters: SOURCE, mtls: false },
  { from: ["shop-payments", "paymentservice"], to: { outside: "service-entry", host: "api.stripe.example" }, protocol: "tcp", count: 600, requestBytes: 1_800_000, responseBytes: 1_200_000, reporters: SOURCE, mtls: false },
  { from: ["shop-payments", "paymentservice"], to: { outside: "BlackHoleCluster" }, protocol: "tcp", count: 12, requestBytes: 0, responseBytes: 0, reporters: SOURCE, mtls: false },
];

/** A counter as Prometheus stores it: labels, and (unix seconds, value) points. */
export interface DemoCounter {
  metric: "istio_requests_total" | "istio_tcp_sent_bytes_total" | "istio_tcp_received_bytes_total" | "istio_tcp_connections_opened_total";
  labels: Record<string, string>;
  points: [number, number][];
}

const START = Date.parse(DEMO_TELEMETRY_WINDOW.start) / 1000;
const END = Date.parse(DEMO_TELEMETRY_WINDOW.end) / 1000;
const STEP = 300;

/** The counters of every flow, per reporting proxy: zero at the window's start, growing evenly to its count at the end. */
export function demoCounters(): DemoCounter[] {
  const counters: DemoCounter[] = [];
  for (const flow of FLOWS) {
    for (const reporter of flow.reporters) {
      const labels = peerLabels(flow, reporter);
      const add = (metric: TelemetryMetric, extra: Record<string, string>, total: number) => counters.push({ metric: TELEMETRY_METRICS[metric] as DemoCounter["metric"], labels: { ...labels, ...extra }, points: ramp(total) });
      if (flow.protocol === "tcp") {
        add("tcpOpened", {}, flow.count);
        add("tcpReceived", {}, flow.requestBytes ?? 0);
        add("tcpSent", {}, flow.responseBytes ?? 0);
      } else {
        for (const [code, share] of Object.entries(flow.codes ?? OK)) {
          add("requests", { request_protocol: flow.protocol, response_code: code, response_flags: code.startsWith("5") ? "URX" : "-" }, Math.round(flow.count * share));
        }
      }
    }
  }
  return counters;
}

/**
 * What `sum by (...) (increase(...[1h]))` at the window's end returns for the counters: each
 * counter's increase (its last point, as it starts at zero on the window's start), summed over
 * the labels the queries keep. Zero increases are left out, as Meshlens ignores them anyway.
 */
export function demoTelemetrySeries(): TelemetrySeries {
  const series: TelemetrySeries = { requests: [], tcpSent: [], tcpReceived: [], tcpOpened: [] };
  const byMetric = Object.fromEntries(Object.entries(TELEMETRY_METRICS).map(([field, name]) => [name, field as TelemetryMetric]));
  const sums = new Map<string, TelemetrySample & { field: TelemetryMetric }>();
  for (const counter of demoCounters()) {
    const field = byMetric[counter.metric]!;
    const metric = Object.fromEntries(TELEMETRY_LABELS[field].filter((l) => counter.labels[l] !== undefined).map((l) => [l, counter.labels[l]!]));
    const key = `${field}|${JSON.stringify(metric)}`;
    const increase = counter.points.at(-1)![1] - counter.points[0]![1];
    const known = sums.get(key);
    if (known) known.value += increase;
    else sums.set(key, { field, metric, value: increase });
  }
  for (const { field, metric, value } of sums.values()) if (value > 0) series[field].push({ metric, value });
  return series;
}

function ramp(total: number): [number, number][] {
  const points: [number, number][] = [];
  for (let t = START; t <= END; t += STEP) points.push([t, (total * (t - START)) / (END - START)]);
  return points;
}

/** Istio's labels for one flow as one proxy reports it. */
function peerLabels(flow: Flow, reporter: "source" | "destination"): Record<string, string> {
  const [sourceNamespace, sourceName] = flow.from === "unknown" ? ["unknown", "unknown"] : flow.from;
  const labels: Record<string, string> = {
    reporter,
    source_workload: sourceName,
    source_workload_namespace: sourceNamespace,
    // Only the destination proxy knows how the connection arrived; the source writes "unknown".
    connection_security_policy: reporter === "destination" ? (flow.mtls ? "mutual_tls" : "none") : "unknown",
  };
  if ("outside" in flow.to) {
    const name = flow.to.outside === "service-entry" ? flow.to.host : flow.to.outside;
    return { ...labels, destination_workload: "unknown", destination_workload_namespace: "unknown", destination_service: name, destination_service_name: name, destination_service_namespace: "unknown" };
  }
  const [namespace, workload] = flow.to.workload;
  const [serviceNamespace, service] = flow.to.service;
  return {
    ...labels,
    destination_workload: workload,
    destination_workload_namespace: namespace,
    destination_service: `${service}.${serviceNamespace}.svc.cluster.local`,
    destination_service_name: service,
    destination_service_namespace: serviceNamespace,
  };
}
