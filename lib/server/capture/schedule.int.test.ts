// Scheduled capture: MESHLENS_CAPTURE_INTERVAL set, the server captures its cluster at start and
// then on the interval, never two at a time.
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { disconnectDb } from "@/lib/server/db/client";
import { connectTestDatabase, emptyDatabase } from "@/lib/server/testing/database";
import { startKubeApiServer, type KubeApiServer } from "@/lib/server/testing/kube-api-server";

const prisma = connectTestDatabase();
let api: KubeApiServer;
let jobs: typeof import("./jobs");
let schedule: typeof import("./schedule");

beforeAll(async () => {
  api = await startKubeApiServer({ objects: [{ apiVersion: "v1", kind: "Namespace", metadata: { name: "shop" } }], latencyMs: 100 });
  process.env.KUBECONFIG = api.kubeconfigPath;
  process.env.MESHLENS_CAPTURE_INTERVAL = "1h";
  process.env.MESHLENS_CLUSTER_NAME = "scheduled";
  jobs = await import("./jobs");
  schedule = await import("./schedule");
});
beforeEach(emptyDatabase);
afterAll(async () => {
  await api?.stop();
  await disconnectDb();
});

async function settle(id: string) {
  await vi.waitFor(() => expect(jobs.getCaptureJob(id).state).not.toBe("running"), { timeout: 20_000, interval: 50 });
  return jobs.getCaptureJob(id);
}

describe("scheduled capture", () => {
  it("captures once at start, as a scheduled job, and says so in the log", async () => {
    const log = vi.spyOn(console, "log").mockImplementation(() => {});
    const stop = schedule.startCaptureSchedule();
    try {
      expect(stop).not.toBeNull();
      await vi.waitFor(() => expect(jobs.runningCapture()).not.toBeNull(), { timeout: 5000, interval: 10 });
      const job = await settle(jobs.runningCapture()!.id);
      expect(job).toMatchObject({ state: "succeeded", trigger: "schedule" });
      const row = await prisma.snapshot.findUniqueOrThrow({ where: { id: job.snapshotId! } });
      expect(row).toMatchObject({ cluster: "scheduled", sourceKind: "live" });
      expect(log.mock.calls.map((c) => String(c[0]))).toEqual(expect.arrayContaining(["meshlens: capturing every 1h", expect.stringMatching(/scheduled capture .* stored snapshot/)]));
    } finally {
      stop?.();
      log.mockRestore();
    }
  });

  it("skips a tick while another capture runs", async () => {
    const error = vi.spyOn(console, "error").mockImplementation(() => {});
    const log = vi.spyOn(console, "log").mockImplementation(() => {});
    const running = jobs.startCapture({ topology: { kind: "cluster" } });
    const stop = schedule.startCaptureSchedule();
    try {
      await vi.waitFor(() => expect(error.mock.calls.map((c) => String(c[0]))).toContain(`meshlens: scheduled capture skipped: A capture is already running (job ${running.id}, started ${running.startedAt}); wait for it to finish.`), { timeout: 5000 });
      await settle(running.id);
      expect(await prisma.snapshot.count()).toBe(1);
    } finally {
      stop?.();
      error.mockRestore();
      log.mockRestore();
    }
  });
});
