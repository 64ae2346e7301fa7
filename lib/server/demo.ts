import "server-only";
import { resolve } from "node:path";
import { db } from "@/lib/server/db/client";
import { collectManifestFiles } from "@/lib/server/manifest-files";
import { importManifests } from "@/lib/server/snapshots/import";

export const DEMO_NAME = "Demo: online shop and blog (manifests)";
export const DEMO_CLUSTER = "demo-cluster";
/** A fixed capture time, so the demo snapshot (and its content hash) is the same every time. */
const DEMO_CAPTURED_AT = new Date("2026-11-20T09:00:00Z");

export const demoManifestsDir = () => resolve(process.cwd(), "lib/demo/manifests");

/** Stores the demo snapshot unless it is already there. */
export async function seedDemo(): Promise<{ id: string; created: boolean }> {
  const existing = await db().snapshot.findFirst({
    where: { name: DEMO_NAME, cluster: DEMO_CLUSTER },
    orderBy: { createdAt: "desc" },
  });
  if (existing) return { id: existing.id, created: false };
  const files = await collectManifestFiles([demoManifestsDir()]);
  const { snapshot } = await importManifests(files, {
    name: DEMO_NAME,
    cluster: DEMO_CLUSTER,
    now: DEMO_CAPTURED_AT,
  });
  return { id: snapshot.id, created: true };
}
