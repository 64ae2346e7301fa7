import { NextResponse } from "next/server";
import { z } from "zod";
import { toSarif } from "@/lib/domain/findings";
import { route } from "@/lib/server/http";
import { getSnapshot } from "@/lib/server/snapshots/store";

export const dynamic = "force-dynamic";

type Context = { params: Promise<{ id: string }> };

const Query = z.object({ format: z.enum(["json", "sarif"]).default("json") });

/** A snapshot's findings: `{summary, findings}` as `meshlens analyze --format json` prints, or `?format=sarif`. */
export const GET = route(async (request, { params }: Context) => {
  const { id } = await params;
  const { format } = Query.parse(Object.fromEntries(new URL(request.url).searchParams));
  const { snapshot } = await getSnapshot(id);
  if (format === "sarif") {
    return NextResponse.json(toSarif(snapshot.findings, { version: "0.1.0" }), { headers: { "content-type": "application/sarif+json" } });
  }
  return NextResponse.json({ summary: snapshot.findingsSummary ?? null, findings: snapshot.findings });
});
