import "server-only";
import { notFound } from "next/navigation";
import { cache } from "react";
import type { SnapshotViewResponse } from "@/components/queries";
import { AppError } from "@/lib/domain/errors";
import { snapshotView } from "@/lib/domain/snapshot/view";
import { getSnapshot } from "@/lib/server/snapshots/store";

/** The page's data, loaded once per request (metadata and page share it); 404 when absent. */
export const loadSnapshotView = cache(async (id: string): Promise<SnapshotViewResponse> => {
  try {
    const { summary, snapshot } = await getSnapshot(id);
    return { ...snapshotView(snapshot), summary };
  } catch (error) {
    if (error instanceof AppError && error.code === "not_found") notFound();
    throw error;
  }
});
