/** What the API says about captures: shared by the server and the browser. */
import type { Severity } from "./model";

/** What a capture found: the CLI's summary and a job's result. */
export interface CaptureSummary {
  namespaces: number;
  workloads: number;
  services: number;
  /** Policies by kind. */
  policies: Record<string, number>;
  edges: number;
  externalNodes: number;
  coverageGaps: number;
  /** Findings by severity. */
  findings: Partial<Record<Severity, number>>;
  telemetry: "captured" | "failed" | "not requested";
  telemetryReason?: string;
}

/** A capture started from the API, the UI or the schedule. */
export interface CaptureJob {
  id: string;
  state: "running" | "succeeded" | "failed";
  /** What started it: "api" (the UI or a client) or "schedule". */
  trigger: "api" | "schedule";
  startedAt: string;
  finishedAt: string | null;
  /** Progress messages, oldest first (the last 200). */
  progress: { at: string; phase: string; message: string }[];
  snapshotId: string | null;
  summary: CaptureSummary | null;
  error: { code: string; message: string } | null;
}
