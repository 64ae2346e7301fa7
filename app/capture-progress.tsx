"use client";

import { useQuery, useQueryClient } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { useEffect } from "react";
import { plural } from "@/components/format";
import { captureJobQuery, snapshotsQuery } from "@/components/queries";

/**
 * A capture job as it runs: its latest steps, then the snapshot it stored (opened at once) or
 * why it failed. Polls the job every second while it runs.
 */
export function CaptureProgress({ jobId }: { jobId: string }) {
  const router = useRouter();
  const queryClient = useQueryClient();
  const { data, error } = useQuery(captureJobQuery(jobId));
  const job = data?.job;

  useEffect(() => {
    if (job?.state !== "succeeded" || !job.snapshotId) return;
    void queryClient.invalidateQueries({ queryKey: snapshotsQuery().queryKey });
    router.push(`/snapshots/${job.snapshotId}`);
  }, [job?.state, job?.snapshotId, queryClient, router]);

  if (error) return <p role="alert" className="alert alert-error form-message">{error.message}</p>;
  if (!job) return <p role="status" className="form-message">Starting the capture…</p>;
  const steps = job.progress.slice(-6);
  return (
    <div className="form-message capture-progress" aria-live="polite">
      {job.state === "running" && <p role="status">Capturing… {job.progress.at(-1)?.message ?? ""}</p>}
      {job.state === "failed" && (
        <p role="alert" className="alert alert-error">
          The capture failed: {job.error?.message}
        </p>
      )}
      {job.state === "succeeded" && job.summary && (
        <p role="status" className={`alert ${job.summary.telemetry === "failed" ? "alert-warning" : "alert-success"}`}>
          Stored: {plural(job.summary.workloads, "workload")}, {plural(job.summary.edges, "observed edge")}
          {job.summary.coverageGaps ? `, ${plural(job.summary.coverageGaps, "coverage gap")}` : ""}
          {job.summary.telemetry === "failed" ? `; no telemetry: ${job.summary.telemetryReason}` : ""}. Opening it…
        </p>
      )}
      <ol className="capture-steps">
        {steps.map((step, i) => (
          <li key={`${step.at}-${i}`}>
            <span className="hint">{step.phase}</span> {step.message}
          </li>
        ))}
      </ol>
    </div>
  );
}
