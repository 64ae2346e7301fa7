import "server-only";
import { notFound } from "next/navigation";
import { cache } from "react";
import type { SnapshotViewResponse } from "@/components/queries";
import { AppError } from "@/lib/domain/errors";
import { cachedSnapshotView } from "@/lib/server/snapshots/view-cache";

/** The page's data, loaded once per request (metadata and page share it); 404 when absent. */
export const loadSnapshotView = cache(async (id: string): Promise<SnapshotViewResponse> => {
  try {
    return await cachedSnapshotView(id);
  } catch (error) {
    if (error instanceof AppError && error.code === "not_found") notFound();
    throw error;
  }
});
