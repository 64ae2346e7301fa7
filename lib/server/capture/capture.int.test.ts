// A whole capture against the fake Kubernetes API (serving the demo cluster), a real Prometheus
// (serving the demo's recorded hour) and a real PostgreSQL.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { DEMO_TELEMETRY_WINDOW, demoCounters } from "@/lib/demo/telemetry";
import { AppError } from "@/lib/domain/errors";
import { disconnectDb } from "@/lib/server/db/client";
import { seedDemo } from "@/lib/server/demo";
import { getSnapshot } from "@/lib/server/snapshots/store";
import { connectTestDatabase, emptyDatabase } from "@/lib/server/testing/database";
import { demoClusterObjects } from "@/lib/server/testing/demo-cluster";
import { startKubeApiServer, type KubeApiServer } from "@/lib/server/testing/kube-api-server";
import { istioOpenMetrics, startPrometheus, type RunningPrometheus } from "@/lib/server/testing/prometheus";
import { captureSnapshot, type CaptureProgress } from "./capture";

const prisma = connectTestDatabase();
const demoObjects = demoClusterObjects();

let prometheus: RunningPrometheus;
const servers: KubeApiServer[] = [];
beforeAll(async () => {
  prometheus = await startPrometheus({ openMetrics: istioOpenMetrics(demoCounters()) });
}, 60_000);
beforeEach(emptyDatabase);
afterAll(async () => {
  await Promise.all(servers.map((s) => s.stop()));
  await prometheus?.stop();
  await disconnectDb();
});

async function cluster(options: Partial<Parameters<typeof startKubeApiServer>[0]> = {}) {
  const server = await startKubeApiServer({ objects: demoObjects, ...options });
  servers.push(server);
  return server;
}

const NOW = new Date(DEMO_TELEMETRY_WINDOW.end);

describe("capturing a live cluster with its telemetry", () => {
  it("stores the cluster's topology and the observed edges, as the recorded demo has them", async () => {
    const api = await cluster();
    const progress: CaptureProgress[] = [];
    const result = await captureSnapshot({
      cluster: "demo",
      topology: { kind: "cluster", kubeconfigPath: api.kubeconfigPath },
      telemetry: { url: prometheus.url, windowSeconds: 3600 },
      onProgress: (p) => progress.push(p),
      now: NOW,
    });
    const { snapshot } = await getSnapshot(result.snapshot.id);
    // The same cluster and the same hour as the demo snapshot, read from the manifests and the
    // recording: the live path must see exactly the same.
    const demo = (await getSnapshot((await seedDemo()).id)).snapshot;
    expect(snapshot.workloads.map((w) => w.id)).toEqual(demo.workloads.map((w) => w.id));
    expect(snapshot.policies.map((p) => p.id)).toEqual(demo.policies.map((p) => p.id));
    expect(snapshot.meshConfig).toEqual(demo.meshConfig);
    expect(snapshot.edges).toEqual(demo.edges);
    expect(snapshot.source).toEqual({ kind: "live", context: "test", server: api.url });
    expect(snapshot.telemetry).toMatchObject({ state: "captured", prometheus: prometheus.url, window: { start: DEMO_TELEMETRY_WINDOW.start, end: DEMO_TELEMETRY_WINDOW.end } });
    // The ingress gateway calls the frontend and the blog, but istioctl installed it: it is not
    // in the manifests, so its name is reported, not dropped.
    expect(result.unmatched).toEqual(["istio-system/istio-ingressgateway"]);
    expect(result.summary).toMatchObject({ namespaces: 6, workloads: 17, edges: snapshot.edges.length, coverageGaps: 0, telemetry: "captured" });
    // PassthroughCluster, BlackHoleCluster and api.stripe.example.
    expect(result.summary.externalNodes).toBe(3);
    expect(progress.map((p) => p.phase)).toEqual(expect.arrayContaining(["topology", "telemetry", "storing"]));
    // Nothing secret in what was stored.
    expect(JSON.stringify(snapshot)).not.toContain(api.token);
  });

  it("records what it may not read as a coverage gap, and stores the rest", async () => {
    const api = await cluster({ forbidden: [{ resource: "networkpolicies.networking.k8s.io", namespace: "blog" }] });
    const result = await captureSnapshot({ topology: { kind: "cluster", kubeconfigPath: api.kubeconfigPath, namespaces: ["blog", "shop-core"] }, now: NOW });
    const { snapshot } = await getSnapshot(result.snapshot.id);
    expect(snapshot.coverageGaps).toEqual([{ resource: "networkpolicies.networking.k8s.io", namespace: "blog", reason: expect.stringContaining("forbidden") }]);
    expect(new Set(snapshot.workloads.map((w) => w.namespace))).toEqual(new Set(["blog", "shop-core"]));
    // The root namespace is read too, for the mesh-wide policies.
    expect(snapshot.policies.map((p) => p.id)).toContain("istio-system/default[PeerAuthentication]");
    expect(snapshot.telemetry).toBeNull();
    expect(result.summary.telemetry).toBe("not requested");
  });

  it("stores the topology marked 'no telemetry' when Prometheus is down, never made-up edges", async () => {
    const api = await cluster();
    const result = await captureSnapshot({
      topology: { kind: "cluster", kubeconfigPath: api.kubeconfigPath },
      telemetry: { url: "http://user:secret@127.0.0.1:1", windowSeconds: 3600, timeoutMs: 2000 },
      now: NOW,
    });
    const { snapshot } = await getSnapshot(result.snapshot.id);
    expect(snapshot.edges).toEqual([]);
    expect(snapshot.telemetry).toMatchObject({ state: "failed", prometheus: "http://127.0.0.1:1", reason: expect.stringContaining("unreachable") });
    expect(JSON.stringify(snapshot)).not.toContain("secret");
    expect(result.summary).toMatchObject({ telemetry: "failed", edges: 0, workloads: 17 });
  });

  it("stores nothing when the API server keeps failing", async () => {
    const api = await cluster({ failures: [{ path: "/api/v1/pods", status: 503 }] });
    const failure = captureSnapshot({ topology: { kind: "cluster", kubeconfigPath: api.kubeconfigPath, retries: 1, timeoutMs: 2000 }, telemetry: { url: prometheus.url, windowSeconds: 3600 }, now: NOW });
    await expect(failure).rejects.toThrow(AppError);
    await expect(failure).rejects.toThrow("/api/v1/pods");
    expect(await prisma.snapshot.count()).toBe(0);
    expect(await prisma.snapshotContent.count()).toBe(0);
  });
});
