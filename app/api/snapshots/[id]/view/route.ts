import { NextResponse } from "next/server";
import { z } from "zod";
import { route } from "@/lib/server/http";
import { cachedSnapshotView } from "@/lib/server/snapshots/view-cache";

export const dynamic = "force-dynamic";

type Context = { params: Promise<{ id: string }> };

const Params = z.object({ id: z.string().min(1).max(100) });

/** What the snapshot page shows: the table rows (no verbatim policies) and the summary. */
export const GET = route(async (_request, { params }: Context) => {
  const { id } = Params.parse(await params);
  return NextResponse.json(await cachedSnapshotView(id));
});
