import "server-only";
import { z } from "zod";
import { readManifests, type ManifestFile } from "@/lib/domain/manifests";
import type { IngestWarning } from "@/lib/domain/model";
import { withFindings } from "@/lib/domain/findings";
import { snapshotFromManifests } from "@/lib/domain/snapshot/from-manifests";
import { createSnapshot, type SnapshotSummary } from "./store";

/** Names and cluster names: shown everywhere, so short, printable, one line. */
const Label = z
  .string()
  .trim()
  .min(1)
  .max(200)
  .regex(/^[^\p{Cc}]*$/u, "must not contain control characters");

export const ImportOptionsSchema = z.object({
  name: Label.optional(),
  cluster: Label.optional(),
});
export type ImportOptions = z.infer<typeof ImportOptionsSchema>;

export interface ImportResult {
  snapshot: SnapshotSummary;
  warnings: IngestWarning[];
}

/** Parses manifests and stores them as a new snapshot. Nothing is stored if anything fails. */
export async function importManifests(
  files: ManifestFile[],
  options: ImportOptions & { maxBytes?: number; now?: Date },
): Promise<ImportResult> {
  const { name, cluster } = ImportOptionsSchema.parse({ name: options.name, cluster: options.cluster });
  const capturedAt = options.now ?? new Date();
  const read = readManifests(files, { maxBytes: options.maxBytes });
  const snapshot = withFindings(snapshotFromManifests(read, {
    name: name ?? defaultName(files, capturedAt),
    cluster: cluster ?? "unnamed-cluster",
    capturedAt,
    files: files.map((f) => f.path),
  }));
  return { snapshot: await createSnapshot(snapshot), warnings: read.warnings };
}

function defaultName(files: ManifestFile[], at: Date): string {
  const first = files[0]?.path ?? "manifests";
  const more = files.length > 1 ? ` (+${files.length - 1} files)` : "";
  return `${first}${more} ${at.toISOString().slice(0, 16).replace("T", " ")}`;
}
