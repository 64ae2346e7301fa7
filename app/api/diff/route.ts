import { NextResponse } from "next/server";
import { route } from "@/lib/server/http";
import { DiffQuerySchema, snapshotDiff } from "@/lib/server/snapshots/diff";

export const dynamic = "force-dynamic";

/**
 * What changed between two snapshots of one cluster: `?from=A&to=B[&limit=1000]`. 400 without
 * both ids, 404 for an unknown one, 422 for snapshots of different clusters.
 */
export const GET = route(async (request) => {
  const query = DiffQuerySchema.parse(Object.fromEntries(new URL(request.url).searchParams));
  return NextResponse.json(await snapshotDiff(query));
});
