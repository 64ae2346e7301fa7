import "server-only";
/**
 * Scheduled capture: with MESHLENS_CAPTURE_INTERVAL set, the server captures the configured
 * cluster (and MESHLENS_PROMETHEUS_URL's telemetry) once at start and then on that interval.
 * At most one capture runs at a time: a tick that finds one running is skipped, and says so.
 */
import { parseDuration } from "@/lib/domain/duration";
import { AppError } from "@/lib/domain/errors";
import { env } from "@/lib/env";
import { startCapture } from "./jobs";
import { configuredCluster, configuredTelemetry } from "./server-config";

export function startCaptureSchedule(): (() => void) | null {
  const interval = env().MESHLENS_CAPTURE_INTERVAL;
  if (!interval) return null;
  const seconds = parseDuration(interval, "MESHLENS_CAPTURE_INTERVAL");
  const tick = async () => {
    try {
      const job = startCapture({ cluster: env().MESHLENS_CLUSTER_NAME, topology: configuredCluster(), telemetry: await configuredTelemetry() }, "schedule");
      console.log(`meshlens: scheduled capture started (job ${job.id})`);
    } catch (error) {
      const reason = error instanceof AppError ? error.message : String(error);
      console.error(`meshlens: scheduled capture skipped: ${reason}`);
    }
  };
  void tick();
  const timer = setInterval(() => void tick(), seconds * 1000);
  timer.unref();
  console.log(`meshlens: capturing every ${interval}`);
  return () => clearInterval(timer);
}
