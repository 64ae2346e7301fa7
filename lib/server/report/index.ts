import "server-only";
import type { SnapshotSummary } from "@/lib/domain/snapshot/summary";
import { getSnapshot } from "@/lib/server/snapshots/store";
import { reportHtml } from "./document";
import { renderReportPdf, type RenderedReport } from "./pdf";

export { closeReportBrowser } from "./pdf";
export { REPORT_CSP } from "./document";

/** A stored snapshot's audit report as a PDF, and the file name to save it under. */
export async function snapshotReportPdf(id: string, options: { generatedBy: string; generatedAt?: Date }): Promise<RenderedReport & { filename: string }> {
  const { summary, snapshot } = await getSnapshot(id);
  const rendered = await renderReportPdf({ summary, snapshot, generatedBy: options.generatedBy, generatedAt: options.generatedAt ?? new Date() });
  return { ...rendered, filename: reportFilename(summary) };
}

/** The same report as the HTML document the PDF is printed from (the app's print page). */
export async function snapshotReportHtml(id: string, options: { generatedBy: string; generatedAt?: Date }): Promise<string> {
  const { summary, snapshot } = await getSnapshot(id);
  return reportHtml({ summary, snapshot, generatedBy: options.generatedBy, generatedAt: options.generatedAt ?? new Date() });
}

/**
 * `meshlens-<cluster>-<capture date>-<id>.pdf`. The cluster name comes from the cluster: only
 * letters, digits, dot, dash and underscore survive (no quotes, slashes or header tricks).
 */
export function reportFilename(summary: Pick<SnapshotSummary, "cluster" | "capturedAt" | "id">): string {
  const cluster = summary.cluster.replace(/[^A-Za-z0-9._-]+/g, "-").slice(0, 60).replace(/^[-.]+|[-.]+$/g, "") || "cluster";
  return `meshlens-${cluster}-${summary.capturedAt.slice(0, 10)}-${summary.id}.pdf`;
}
