/** The report's outline and input, shared by its sections and the renderer. */
import { formatUtc } from "@/components/format";
import type { Snapshot } from "@/lib/domain/model";
import type { SnapshotSummary } from "@/lib/domain/snapshot/summary";

/** The main sections, in order: their titles are the PDF's top-level bookmarks and the TOC's lines. */
export const REPORT_SECTIONS = [
  { id: "summary", title: "Executive summary" },
  { id: "graph", title: "Namespace graph" },
  { id: "findings", title: "Findings by severity" },
  { id: "coverage", title: "Policy coverage by namespace" },
  { id: "gaps", title: "Coverage gaps" },
  { id: "method", title: "Method" },
] as const;
export type SectionId = (typeof REPORT_SECTIONS)[number]["id"];
export const REPORT_TITLE = "Meshlens audit report";
export const CONTENTS_TITLE = "Contents";

/**
 * The only resources a report page may use: its inline styles and data: images. No scripts, no
 * fetches: a label holding a URL stays text (the renderer also aborts any request, see pdf.ts).
 */
export const REPORT_CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:";

export interface ReportInput {
  summary: SnapshotSummary;
  snapshot: Snapshot;
  /** Who asked for the report (see requesterName in lib/server/auth/principal.ts, or `cli:<user>`). */
  generatedBy: string;
  generatedAt: Date;
  /** Page of each section, once known (the second rendering pass); blank until then. */
  pageNumbers?: Partial<Record<SectionId, number>>;
}


/** The telemetry window as the cover and the gaps section state it. */
export function telemetryText(snapshot: Snapshot): string {
  const t = snapshot.telemetry;
  if (t?.state === "failed") return `none: capture failed (${t.reason ?? "unknown reason"})`;
  const window = t?.window ?? snapshot.telemetryWindow;
  return window ? `${formatUtc(window.start)} to ${formatUtc(window.end)}` : "none requested";
}

