import { NextResponse } from "next/server";
import { z } from "zod";
import { snapshotView } from "@/lib/domain/snapshot/view";
import { route } from "@/lib/server/http";
import { getSnapshot } from "@/lib/server/snapshots/store";

export const dynamic = "force-dynamic";

type Context = { params: Promise<{ id: string }> };

const Params = z.object({ id: z.string().min(1).max(100) });

/** What the snapshot page shows: the table rows (no verbatim policies) and the summary. */
export const GET = route(async (_request, { params }: Context) => {
  const { id } = Params.parse(await params);
  const { summary, snapshot } = await getSnapshot(id);
  return NextResponse.json({ ...snapshotView(snapshot), summary });
});
