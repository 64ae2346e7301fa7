import { route } from "@/lib/server/http";
import { REPORT_CSP, snapshotReportHtml } from "@/lib/server/report";
import { requesterName } from "@/lib/server/auth/principal";

export const dynamic = "force-dynamic";
export const runtime = "nodejs";

type Context = { params: Promise<{ id: string }> };

/** The audit report as the HTML page the PDF is printed from, to read or print in a browser. */
export const GET = route(async (request, { params }: Context) => {
  const { id } = await params;
  const html = await snapshotReportHtml(id, { generatedBy: await requesterName(request) });
  return new Response(html, {
    headers: {
      "content-type": "text/html; charset=utf-8",
      // The page needs nothing but its inline styles: the same policy as its meta tag, as a header.
      "content-security-policy": `${REPORT_CSP}; frame-ancestors 'none'`,
      "cache-control": "no-store",
      "x-content-type-options": "nosniff",
    },
  });
});
