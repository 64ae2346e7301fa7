import { createHash } from "node:crypto";
import stringify from "safe-stable-stringify";
import type { Snapshot } from "@/lib/domain/model";

/**
 * sha256 (hex) of the snapshot's canonical JSON (keys sorted), so the same contents always give
 * the same hash whatever order PostgreSQL's jsonb returns keys in. Shown on reports as evidence.
 */
export function contentHash(snapshot: Snapshot): string {
  return createHash("sha256").update(stringify(snapshot) ?? "").digest("hex");
}
