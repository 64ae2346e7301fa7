import "server-only";
import { DEMO_CLUSTER, DEMO_MANIFESTS_DIR, DEMO_NAME, demoSnapshot } from "@/lib/demo/snapshot";
import { withFindings } from "@/lib/domain/findings";
import { db } from "@/lib/server/db/client";
import { collectManifestFiles } from "@/lib/server/manifest-files";
import { createSnapshot } from "@/lib/server/snapshots/store";

export { DEMO_CLUSTER, DEMO_MANIFESTS_DIR, DEMO_NAME };

/**
 * Stores the demo snapshot unless it is already there: the demo manifests, with the recorded
 * hour of Istio telemetry (lib/demo/telemetry.ts), and its findings.
 */
export async function seedDemo(): Promise<{ id: string; created: boolean }> {
  const existing = await db().snapshot.findFirst({
    where: { name: DEMO_NAME, cluster: DEMO_CLUSTER },
    orderBy: { createdAt: "desc" },
  });
  if (existing) return { id: existing.id, created: false };
  const files = await collectManifestFiles([DEMO_MANIFESTS_DIR]);
  const { id } = await createSnapshot(withFindings(demoSnapshot(files)));
  return { id, created: true };
}
