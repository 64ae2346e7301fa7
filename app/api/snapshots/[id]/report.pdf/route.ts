import { route } from "@/lib/server/http";
import { snapshotReportPdf } from "@/lib/server/report";
import { requesterName } from "@/lib/server/auth/principal";

export const dynamic = "force-dynamic";
export const runtime = "nodejs";

type Context = { params: Promise<{ id: string }> };

/** The snapshot's audit report as a PDF download (rendered by headless Chromium; takes seconds). */
export const GET = route(async (request, { params }: Context) => {
  const { id } = await params;
  const report = await snapshotReportPdf(id, { generatedBy: await requesterName(request) });
  return new Response(Buffer.from(report.pdf), {
    headers: {
      "content-type": "application/pdf",
      "content-disposition": `attachment; filename="${report.filename}"`,
      "cache-control": "no-store",
      "x-content-type-options": "nosniff",
    },
  });
});
