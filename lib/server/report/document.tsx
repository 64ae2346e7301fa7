/** @jsxImportSource @/lib/server/report/html */
import "server-only";
import { formatUtc } from "@/components/format";
import { raw } from "./html/jsx-runtime";
import { CoverageSection, GapsSection, MethodSection } from "./coverage-sections";
import { FindingsSection } from "./findings-section";
import { Contents, Cover, ExecutiveSummary, GraphSection } from "./front-sections";
import { REPORT_CSP, REPORT_TITLE, type ReportInput, type SectionId } from "./sections";
import { REPORT_CSS } from "./styles";

export { CONTENTS_TITLE, REPORT_CSP, REPORT_SECTIONS, REPORT_TITLE, type ReportInput, type SectionId } from "./sections";

/**
 * The whole report as one self-contained HTML document (inline CSS and SVG, nothing fetched).
 * Rendered by the escaping JSX runtime in ./html (see there why not react-dom/server).
 */
export function reportHtml(input: ReportInput): string {
  return reportTemplate(input)(input.pageNumbers ?? {});
}

/**
 * The document built once, with the table of contents' page numbers to fill in (the renderer's
 * two passes differ only there). The slots are HTML comments: escaped cluster data can never
 * contain `<`, so it cannot forge one.
 */
export function reportTemplate(input: Omit<ReportInput, "pageNumbers">): (pageNumbers: Partial<Record<SectionId, number>>) => string {
  const html = `<!DOCTYPE html>${(<ReportDocument {...input} />).html}`;
  return (pageNumbers) => html.replace(/<!--toc:([a-z]+)-->/g, (_, id: SectionId) => String(pageNumbers[id] ?? ""));
}

function ReportDocument(input: Omit<ReportInput, "pageNumbers">) {
  const { summary, snapshot } = input;
  return (
    <html lang="en">
      {/* A standalone document for Chromium's printer, not a Next page: next/head does not apply. */}
      {/* eslint-disable-next-line @next/next/no-head-element */}
      <head>
        <meta charSet="utf-8" />
        <meta httpEquiv="Content-Security-Policy" content={REPORT_CSP} />
        <title>{`${REPORT_TITLE}: ${summary.cluster}, ${formatUtc(summary.capturedAt)}`}</title>
        <style>{raw(REPORT_CSS)}</style>
      </head>
      <body>
        <Cover {...input} />
        <Contents />
        <ExecutiveSummary snapshot={snapshot} />
        <GraphSection snapshot={snapshot} />
        <FindingsSection findings={snapshot.findings} />
        <CoverageSection snapshot={snapshot} />
        <GapsSection snapshot={snapshot} />
        <MethodSection />
      </body>
    </html>
  );
}

