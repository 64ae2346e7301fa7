import type { ManifestReadResult } from "../manifests";
import type { CaptureSource, CoverageGap, Snapshot, TelemetryCapture, TrafficEdge } from "../model";

export interface SnapshotMeta {
  name: string;
  cluster: string;
  capturedAt: Date;
  /** Where the topology came from; default: uploaded files. */
  source?: CaptureSource;
  files: string[];
  coverageGaps?: CoverageGap[];
  /** Observed traffic and how it was captured (none when telemetry was not asked for). */
  edges?: TrafficEdge[];
  telemetry?: TelemetryCapture | null;
}

/** A snapshot of what manifests (files, or a live cluster's lists) declare, with any telemetry; no findings yet. */
export function snapshotFromManifests(read: ManifestReadResult, meta: SnapshotMeta): Snapshot {
  const telemetry = meta.telemetry ?? null;
  return {
    schemaVersion: 1,
    name: meta.name,
    cluster: meta.cluster,
    capturedAt: meta.capturedAt.toISOString(),
    source: meta.source ?? { kind: "upload", files: meta.files },
    telemetryWindow: telemetry?.state === "captured" ? telemetry.window : null,
    telemetry,
    namespaces: read.namespaces,
    workloads: read.workloads,
    services: read.services,
    policies: read.policies,
    meshConfig: read.meshConfig,
    edges: meta.edges ?? [],
    findings: [],
    coverageGaps: meta.coverageGaps ?? [],
    warnings: read.warnings,
  };
}
