// The capture API against the fake Kubernetes API, a real PostgreSQL, and route handlers called
// with real Requests. The server's cluster is the one its kubeconfig (KUBECONFIG) reaches.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { CaptureJob } from "@/lib/domain/capture";
import { disconnectDb } from "@/lib/server/db/client";
import { getSnapshot } from "@/lib/server/snapshots/store";
import { connectTestDatabase, emptyDatabase } from "@/lib/server/testing/database";
import { startKubeApiServer, type KubeApiServer } from "@/lib/server/testing/kube-api-server";

const prisma = connectTestDatabase();
let api: KubeApiServer;
let routes: typeof import("./route");
let one: typeof import("./[id]/route");

const SHOP = [
  { apiVersion: "v1", kind: "Namespace", metadata: { name: "shop", labels: { "istio-injection": "enabled" } } },
  {
    apiVersion: "apps/v1",
    kind: "Deployment",
    metadata: { name: "cart", namespace: "shop" },
    spec: { selector: { matchLabels: { app: "cart" } }, template: { metadata: { labels: { app: "cart" } }, spec: { containers: [{ name: "c", image: "cart:1" }] } } },
  },
];

beforeAll(async () => {
  // Slow enough answers that a capture is still running when the next request comes.
  api = await startKubeApiServer({ objects: SHOP, latencyMs: 150 });
  process.env.KUBECONFIG = api.kubeconfigPath;
  routes = await import("./route");
  one = await import("./[id]/route");
});
beforeEach(emptyDatabase);
afterAll(async () => {
  await api?.stop();
  await disconnectDb();
});

const BASE = "http://127.0.0.1/api/captures";
const json = (body: unknown) => new Request(BASE, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });

async function finished(id: string): Promise<CaptureJob> {
  for (let i = 0; i < 200; i++) {
    const response = await one.GET(new Request(`${BASE}/${id}`), { params: Promise.resolve({ id }) });
    const { job } = (await response.json()) as { job: CaptureJob };
    if (job.state !== "running") return job;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`job ${id} still running`);
}

describe("POST /api/captures", () => {
  it("captures the configured cluster in the background, one capture at a time", async () => {
    const started = await routes.POST(json({ name: "from the API", prometheus: false }), {} as never);
    expect(started.status).toBe(202);
    const { job } = (await started.json()) as { job: CaptureJob };
    expect(started.headers.get("location")).toBe(`/api/captures/${job.id}`);
    expect(job.state).toBe("running");

    const second = await routes.POST(json({ prometheus: false }), {} as never);
    expect(second.status).toBe(409);
    expect(((await second.json()) as { error: { message: string } }).error.message).toContain(`job ${job.id}`);

    const done = await finished(job.id);
    expect(done).toMatchObject({ state: "succeeded", trigger: "api", error: null, summary: { workloads: 1, telemetry: "not requested" } });
    expect(done.progress.map((p) => p.phase)).toContain("topology");
    const { snapshot, summary } = await getSnapshot(done.snapshotId!);
    expect(summary.name).toBe("from the API");
    expect(snapshot.workloads.map((w) => w.id)).toEqual(["shop/cart[Deployment]"]);
    expect(snapshot.source).toEqual({ kind: "live", context: "test", server: api.url });

    const list = (await (await routes.GET(new Request(BASE), {} as never)).json()) as { items: CaptureJob[] };
    expect(list.items[0]!.id).toBe(job.id);
  });

  it("captures uploaded files, stored without telemetry when Prometheus is unreachable", async () => {
    const form = new FormData();
    form.append("files", new Blob([SHOP.map((o) => JSON.stringify(o)).join("\n---\n")]), "shop.yaml");
    form.append("name", "files and a dead Prometheus");
    form.append("prometheus", "http://127.0.0.1:1");
    form.append("window", "15m");
    const started = await routes.POST(new Request(BASE, { method: "POST", body: form }), {} as never);
    expect(started.status).toBe(202);
    const done = await finished(((await started.json()) as { job: CaptureJob }).job.id);
    expect(done.state).toBe("succeeded");
    expect(done.summary).toMatchObject({ workloads: 1, telemetry: "failed", telemetryReason: expect.stringContaining("unreachable") });
    const { snapshot } = await getSnapshot(done.snapshotId!);
    expect(snapshot.source).toEqual({ kind: "upload", files: ["shop.yaml"] });
    expect(snapshot.edges).toEqual([]);
  });

  it("refuses a bad request before starting anything", async () => {
    const bad = await routes.POST(json({ namespaces: ["Not A Namespace"] }), {} as never);
    expect(bad.status).toBe(400);
    const window = await routes.POST(json({ prometheus: { url: "http://127.0.0.1:1", window: "an hour" } }), {} as never);
    expect(window.status).toBe(400);
    expect(((await window.json()) as { error: { message: string } }).error.message).toContain('"an hour" is not a duration');
    expect(await prisma.snapshot.count()).toBe(0);
  });

  it("answers 404 for a job it does not know", async () => {
    const response = await one.GET(new Request(`${BASE}/nope`), { params: Promise.resolve({ id: "nope" }) });
    expect(response.status).toBe(404);
  });
});
