import { NextResponse } from "next/server";
import { route } from "@/lib/server/http";
import { getCaptureJob } from "@/lib/server/capture/jobs";

export const dynamic = "force-dynamic";

/** One capture job: its state, progress messages, and the snapshot id once it succeeded. */
export const GET = route(async (_request, context: { params: Promise<{ id: string }> }) => {
  const { id } = await context.params;
  return NextResponse.json({ job: getCaptureJob(id) });
});
