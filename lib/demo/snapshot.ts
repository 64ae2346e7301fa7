/**
 * The demo snapshot (before findings): the demo manifests read as an upload, with the recorded
 * hour of Istio telemetry read exactly as a capture reads Prometheus. Pure: the caller reads the
 * files (lib/server/demo.ts from disk; tests likewise).
 */
import type { ManifestFile } from "../domain/manifests";
import { readManifests } from "../domain/manifests";
import type { Snapshot } from "../domain/model";
import { snapshotFromManifests } from "../domain/snapshot/from-manifests";
import { buildEdges, windowSeconds } from "../domain/telemetry/edges";
import { DEMO_TELEMETRY_WINDOW, demoTelemetrySeries } from "./telemetry";

export const DEMO_NAME = "Demo: online shop and blog";
export const DEMO_CLUSTER = "demo-cluster";
/** Relative to the project, so stored file names do not reveal where it was checked out. */
export const DEMO_MANIFESTS_DIR = "lib/demo/manifests";

export function demoSnapshot(files: readonly ManifestFile[]): Snapshot {
  const read = readManifests(files);
  const { edges, unmatched } = buildEdges({
    series: demoTelemetrySeries(),
    windowSeconds: windowSeconds(DEMO_TELEMETRY_WINDOW),
    workloads: read.workloads,
    services: read.services,
    policies: read.policies,
  });
  return snapshotFromManifests(read, {
    name: DEMO_NAME,
    cluster: DEMO_CLUSTER,
    // A fixed capture time, so the demo snapshot (and its content hash) is the same every time.
    capturedAt: new Date(DEMO_TELEMETRY_WINDOW.end),
    files: files.map((f) => f.path),
    edges,
    telemetry: { state: "captured", prometheus: "recorded: lib/demo/telemetry.ts", window: { ...DEMO_TELEMETRY_WINDOW }, unmatched },
  });
}
