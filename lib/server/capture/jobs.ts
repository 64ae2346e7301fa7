import "server-only";
/**
 * Captures started from the API, the UI or the schedule run as jobs in the server process, one
 * at a time: a second request while one runs is refused (409) with the running job's id. Job
 * states live in memory (the last 50): a restart forgets them, never the snapshots, which are
 * only written, in one transaction, when a capture succeeds.
 */
import { randomBytes } from "node:crypto";
import { AppError } from "@/lib/domain/errors";
import type { CaptureJob } from "@/lib/domain/capture";
import { captureSnapshot, type CaptureRequest } from "./capture";

export type { CaptureJob };


const KEEP_JOBS = 50;
const KEEP_PROGRESS = 200;

/**
 * On globalThis: Next.js may load this module once per route bundle, and all of them must see
 * the same jobs and the same running capture.
 */
const registry = ((globalThis as { __meshlensCaptureJobs?: { jobs: Map<string, CaptureJob>; running: CaptureJob | null } }).__meshlensCaptureJobs ??= {
  jobs: new Map(),
  running: null,
});
const jobs = registry.jobs;

/** Starts a capture in the background and returns its job at once. */
export function startCapture(request: Omit<CaptureRequest, "onProgress">, trigger: CaptureJob["trigger"] = "api"): CaptureJob {
  const running = registry.running;
  if (running) {
    throw new AppError("conflict", `A capture is already running (job ${running.id}, started ${running.startedAt}); wait for it to finish.`, { job: running.id });
  }
  const job: CaptureJob = {
    id: randomBytes(9).toString("base64url"),
    state: "running",
    trigger,
    startedAt: new Date().toISOString(),
    finishedAt: null,
    progress: [],
    snapshotId: null,
    summary: null,
    error: null,
  };
  registry.running = job;
  remember(job);
  const onProgress: CaptureRequest["onProgress"] = ({ phase, message }) => {
    job.progress.push({ at: new Date().toISOString(), phase, message });
    if (job.progress.length > KEEP_PROGRESS) job.progress.shift();
  };
  void captureSnapshot({ ...request, onProgress })
    .then((result) => {
      if (trigger === "schedule") console.log(`meshlens: scheduled capture ${job.id} stored snapshot ${result.snapshot.id}`);
      job.state = "succeeded";
      job.snapshotId = result.snapshot.id;
      job.summary = result.summary;
    })
    .catch((error: unknown) => {
      job.state = "failed";
      job.error =
        error instanceof AppError
          ? { code: error.code, message: error.message }
          : { code: "internal", message: "The capture failed unexpectedly; the server log has the details." };
      if (!(error instanceof AppError)) console.error(`meshlens: capture ${job.id} failed:`, error);
      else if (trigger === "schedule") console.error(`meshlens: scheduled capture ${job.id} failed: ${error.message}`);
    })
    .finally(() => {
      job.finishedAt = new Date().toISOString();
      registry.running = null;
    });
  return job;
}

export function getCaptureJob(id: string): CaptureJob {
  const job = jobs.get(id);
  if (!job) throw new AppError("not_found", `No capture job ${JSON.stringify(id)} (jobs are kept in memory until the server restarts).`);
  return job;
}

/** The most recent jobs, newest first. */
export const listCaptureJobs = (): CaptureJob[] => [...jobs.values()].reverse();

/** The running job, if any. */
export const runningCapture = (): CaptureJob | null => registry.running;

function remember(job: CaptureJob) {
  jobs.set(job.id, job);
  while (jobs.size > KEEP_JOBS) jobs.delete(jobs.keys().next().value!);
}
