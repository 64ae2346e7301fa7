import "server-only";
import { readManifests } from "@/lib/domain/manifests";
import { snapshotFromManifests } from "@/lib/domain/snapshot/from-manifests";
import { buildEdges, windowSeconds } from "@/lib/domain/telemetry/edges";
import { DEMO_TELEMETRY_WINDOW, demoTelemetrySeries } from "@/lib/demo/telemetry";
import { db } from "@/lib/server/db/client";
import { collectManifestFiles } from "@/lib/server/manifest-files";
import { createSnapshot } from "@/lib/server/snapshots/store";

export const DEMO_NAME = "Demo: online shop and blog";
export const DEMO_CLUSTER = "demo-cluster";
/** A fixed capture time, so the demo snapshot (and its content hash) is the same every time. */
const DEMO_CAPTURED_AT = new Date(DEMO_TELEMETRY_WINDOW.end);

/** Relative to the project, so stored file names do not reveal where it was checked out. */
export const DEMO_MANIFESTS_DIR = "lib/demo/manifests";

/**
 * Stores the demo snapshot unless it is already there: the demo manifests, with the recorded
 * hour of Istio telemetry (lib/demo/telemetry.ts) read exactly as a capture reads Prometheus.
 */
export async function seedDemo(): Promise<{ id: string; created: boolean }> {
  const existing = await db().snapshot.findFirst({
    where: { name: DEMO_NAME, cluster: DEMO_CLUSTER },
    orderBy: { createdAt: "desc" },
  });
  if (existing) return { id: existing.id, created: false };
  const files = await collectManifestFiles([DEMO_MANIFESTS_DIR]);
  const read = readManifests(files);
  const { edges, unmatched } = buildEdges({
    series: demoTelemetrySeries(),
    windowSeconds: windowSeconds(DEMO_TELEMETRY_WINDOW),
    workloads: read.workloads,
    services: read.services,
    policies: read.policies,
  });
  const snapshot = snapshotFromManifests(read, {
    name: DEMO_NAME,
    cluster: DEMO_CLUSTER,
    capturedAt: DEMO_CAPTURED_AT,
    files: files.map((f) => f.path),
    edges,
    telemetry: { state: "captured", prometheus: "recorded: lib/demo/telemetry.ts", window: { ...DEMO_TELEMETRY_WINDOW }, unmatched },
  });
  const { id } = await createSnapshot(snapshot);
  return { id, created: true };
}
