import type { ManifestReadResult } from "../manifests";
import type { Snapshot } from "../model";

export interface SnapshotMeta {
  name: string;
  cluster: string;
  capturedAt: Date;
  files: string[];
}

/** A snapshot of what a set of manifest files declares: no telemetry, no findings yet. */
export function snapshotFromManifests(read: ManifestReadResult, meta: SnapshotMeta): Snapshot {
  return {
    schemaVersion: 1,
    name: meta.name,
    cluster: meta.cluster,
    capturedAt: meta.capturedAt.toISOString(),
    source: { kind: "upload", files: meta.files },
    telemetryWindow: null,
    namespaces: read.namespaces,
    workloads: read.workloads,
    services: read.services,
    policies: read.policies,
    meshConfig: read.meshConfig,
    edges: [],
    findings: [],
    coverageGaps: [],
    warnings: read.warnings,
  };
}
