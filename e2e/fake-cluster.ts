/**
 * For the end-to-end tests: the demo cluster behind a fake Kubernetes API, and a real Prometheus
 * holding the demo's recorded hour of telemetry. Writes a kubeconfig for the app (its KUBECONFIG)
 * and serves GET /ready (with the Prometheus URL) on 127.0.0.1:E2E_CLUSTER_PORT for Playwright.
 */
import { copyFile, mkdir } from "node:fs/promises";
import { createServer } from "node:http";
import { dirname } from "node:path";
import { demoCounters } from "@/lib/demo/telemetry";
import { demoClusterObjects } from "@/lib/server/testing/demo-cluster";
import { startKubeApiServer } from "@/lib/server/testing/kube-api-server";
import { istioOpenMetrics, startPrometheus } from "@/lib/server/testing/prometheus";

const PORT = Number(process.env.E2E_CLUSTER_PORT ?? 3191);
const KUBECONFIG = process.env.E2E_KUBECONFIG ?? ".meshlens/e2e-kubeconfig";

const objects = demoClusterObjects();

const api = await startKubeApiServer({ objects });
const prometheus = await startPrometheus({ openMetrics: istioOpenMetrics(demoCounters()) });
await mkdir(dirname(KUBECONFIG), { recursive: true });
await copyFile(api.kubeconfigPath, KUBECONFIG);

const ready = createServer((request, response) => {
  response.writeHead(request.url === "/ready" ? 200 : 404, { "content-type": "application/json" });
  response.end(JSON.stringify({ prometheus: prometheus.url }));
});
ready.listen(PORT, "127.0.0.1");

const stop = async () => {
  ready.close();
  await Promise.allSettled([api.stop(), prometheus.stop()]);
  process.exit(0);
};
process.on("SIGTERM", () => void stop());
process.on("SIGINT", () => void stop());
