import "server-only";
import { db } from "@/lib/server/db/client";
import { collectManifestFiles } from "@/lib/server/manifest-files";
import { importManifests } from "@/lib/server/snapshots/import";

export const DEMO_NAME = "Demo: online shop and blog (manifests)";
export const DEMO_CLUSTER = "demo-cluster";
/** A fixed capture time, so the demo snapshot (and its content hash) is the same every time. */
const DEMO_CAPTURED_AT = new Date("2026-11-20T09:00:00Z");

/** Relative to the project, so stored file names do not reveal where it was checked out. */
export const DEMO_MANIFESTS_DIR = "lib/demo/manifests";

/** Stores the demo snapshot unless it is already there. */
export async function seedDemo(): Promise<{ id: string; created: boolean }> {
  const existing = await db().snapshot.findFirst({
    where: { name: DEMO_NAME, cluster: DEMO_CLUSTER },
    orderBy: { createdAt: "desc" },
  });
  if (existing) return { id: existing.id, created: false };
  const files = await collectManifestFiles([DEMO_MANIFESTS_DIR]);
  const { snapshot } = await importManifests(files, {
    name: DEMO_NAME,
    cluster: DEMO_CLUSTER,
    now: DEMO_CAPTURED_AT,
  });
  return { id: snapshot.id, created: true };
}
