/**
 * The capture figure of `npm run bench`: a generated cluster of 5,000 workloads (Deployment,
 * ReplicaSet, Pod and Service each: 20,000 objects, plus policies) served with paging by the test
 * API server, and Istio telemetry for 25,000 edges from a real Prometheus, captured into a stored
 * snapshot. Reports the capture's wall time and the process's peak memory during it (which
 * includes the in-process test API server: an upper bound).
 */
import { startKubeApiServer } from "@/lib/server/testing/kube-api-server";
import { istioOpenMetrics, startPrometheus, type IstioSeries } from "@/lib/server/testing/prometheus";
import { captureSnapshot } from "@/lib/server/capture/capture";
import { generateObjects } from "./generate-manifests";

const WINDOW_END = Date.parse("2026-01-01T12:00:00Z") / 1000;
const HOUR = 3600;

interface Meta {
  name: string;
  namespace: string;
  labels?: Record<string, string>;
}

/** Each Deployment gets the ReplicaSet and the Pod a real cluster would have. */
function clusterObjects(workloads: number, policies: number): Record<string, unknown>[] {
  const objects = generateObjects({ workloads, policies, namespaces: workloads / 50, networkPolicyShare: 2 / 3, seed: 5 });
  const extra: Record<string, unknown>[] = [];
  for (const o of objects) {
    if (o.kind !== "Deployment") continue;
    const meta = o.metadata as Meta;
    const spec = o.spec as { template: { metadata: { labels: Record<string, string> }; spec: Record<string, unknown> } };
    const rs = `${meta.name}-5d8f7c9b4`;
    const owner = (apiVersion: string, kind: string, name: string) => [{ apiVersion, kind, name, uid: `${kind}-${meta.namespace}-${name}`, controller: true }];
    extra.push({
      apiVersion: "apps/v1",
      kind: "ReplicaSet",
      metadata: { name: rs, namespace: meta.namespace, labels: { ...spec.template.metadata.labels, "pod-template-hash": "5d8f7c9b4" }, ownerReferences: owner("apps/v1", "Deployment", meta.name) },
      spec: { replicas: 1, selector: { matchLabels: { app: meta.name } }, template: spec.template },
    });
    extra.push({
      apiVersion: "v1",
      kind: "Pod",
      metadata: { name: `${rs}-x7k2p`, namespace: meta.namespace, labels: { ...spec.template.metadata.labels, "pod-template-hash": "5d8f7c9b4" }, ownerReferences: owner("apps/v1", "ReplicaSet", rs) },
      spec: { ...spec.template.spec, containers: [...(spec.template.spec.containers as object[]), { name: "istio-proxy", image: "istio/proxyv2:1.24.0" }] },
      status: { phase: "Running" },
    });
  }
  return [...objects, ...extra];
}

/** Requests between random pairs of workloads, reported by both proxies, over the hour before WINDOW_END. */
function telemetry(deployments: Meta[], edges: number): IstioSeries[] {
  let state = 12345;
  const next = () => (state = (state * 48271) % 2147483647) % deployments.length;
  const series: IstioSeries[] = [];
  const seen = new Set<string>();
  while (seen.size < edges) {
    const [source, destination] = [deployments[next()]!, deployments[next()]!];
    const key = `${source.namespace}/${source.name}>${destination.namespace}/${destination.name}`;
    if (source === destination || seen.has(key)) continue;
    seen.add(key);
    const count = 60 * (1 + (seen.size % 50));
    for (const reporter of ["source", "destination"]) {
      series.push({
        metric: "istio_requests_total",
        labels: {
          reporter,
          source_workload: source.name,
          source_workload_namespace: source.namespace,
          destination_workload: destination.name,
          destination_workload_namespace: destination.namespace,
          destination_service: `${destination.name}.${destination.namespace}.svc.cluster.local`,
          destination_service_name: destination.name,
          destination_service_namespace: destination.namespace,
          connection_security_policy: reporter === "destination" ? "mutual_tls" : "unknown",
          request_protocol: "http",
          response_code: "200",
        },
        points: [
          [WINDOW_END - HOUR, 0],
          [WINDOW_END - HOUR / 2, count / 2],
          [WINDOW_END, count],
        ],
      });
    }
  }
  return series;
}

export async function captureFigures(figure: (name: string, value: number, unit: string, target: string) => void) {
  const objects = clusterObjects(5000, 1000);
  const deployments = objects.filter((o) => o.kind === "Deployment").map((o) => o.metadata as Meta);
  const api = await startKubeApiServer({ objects, servedGroups: ["security.istio.io/v1", "networking.istio.io/v1"] });
  const prometheus = await startPrometheus({ openMetrics: istioOpenMetrics(telemetry(deployments, 25_000)) });
  try {
    console.log(`input: ${objects.length} objects served by the test API server, 25000 telemetry edges (50000 series) in Prometheus`);
    globalThis.gc?.();
    let peak = process.memoryUsage().rss;
    const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 20);
    const t0 = performance.now();
    const result = await captureSnapshot({
      name: "bench capture",
      topology: { kind: "cluster", kubeconfigPath: api.kubeconfigPath },
      telemetry: { url: prometheus.url, windowSeconds: HOUR, until: new Date(WINDOW_END * 1000) },
    });
    const seconds = (performance.now() - t0) / 1000;
    clearInterval(sampler);
    peak = Math.max(peak, process.memoryUsage().rss);
    if (result.summary.workloads !== 5000 || result.summary.edges !== 25_000) {
      throw new Error(`the capture is wrong: ${JSON.stringify(result.summary)}`);
    }
    figure("capture-5000-workloads-25000-edges", seconds, "s", "<= 30 s");
    figure("capture-peak-memory", peak / 2 ** 20, "MiB", "<= 1536 MiB");
  } finally {
    await api.stop();
    await prometheus.stop();
  }
}
