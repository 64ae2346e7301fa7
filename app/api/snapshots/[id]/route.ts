import { NextResponse } from "next/server";
import { route } from "@/lib/server/http";
import { forgetSnapshotGraph } from "@/lib/server/graph-cache";
import { deleteSnapshot, getSnapshot } from "@/lib/server/snapshots/store";

export const dynamic = "force-dynamic";

type Context = { params: Promise<{ id: string }> };

/** The whole snapshot: its summary and its document (policies verbatim). */
export const GET = route(async (_request, { params }: Context) => {
  const { id } = await params;
  return NextResponse.json(await getSnapshot(id));
});

/** Deletes a snapshot. Snapshots are never modified; deleting is the only change allowed. */
export const DELETE = route(async (_request, { params }: Context) => {
  const { id } = await params;
  await deleteSnapshot(id);
  forgetSnapshotGraph(id);
  return new NextResponse(null, { status: 204 });
});
