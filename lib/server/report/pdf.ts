import "server-only";
import { existsSync } from "node:fs";
import { ParseSpeeds, PDFDocument } from "pdf-lib";
import { chromium, type Browser, type BrowserContext } from "playwright-core";
import { AppError } from "@/lib/domain/errors";
import { env } from "@/lib/env";
import { REPORT_SECTIONS, REPORT_TITLE, reportTemplate, type ReportInput, type SectionId } from "./document";
import { escapeHtml } from "./html/jsx-runtime";
import { outlineEntries } from "./outline";

/**
 * The report page's own origin: the renderer serves the document here and nothing else. `.invalid`
 * never resolves (RFC 6761), so even a request that slipped past the router could not leave.
 */
const REPORT_URL = "http://report.meshlens.invalid/report";
/** As playwright.config.ts: what works as root, headless, with no network (shared STACK notes). */
const LAUNCH_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic"];
const RENDER_TIMEOUT_MS = 120_000;
/** Page margins; the bottom one holds the footer. */
const MARGIN = { top: "16mm", bottom: "18mm", left: "15mm", right: "15mm" };

let browser: Promise<Browser> | null = null;

/** One Chromium for the process, launched on first use and relaunched if it dies. */
function reportBrowser(): Promise<Browser> {
  if (!browser) {
    const executablePath = env().CHROMIUM_PATH;
    if (!existsSync(executablePath)) {
      return Promise.reject(new AppError("unavailable", `Cannot render the PDF report: no Chromium at ${executablePath}. Install chromium (apt-get install chromium) or set CHROMIUM_PATH.`));
    }
    browser = chromium.launch({ executablePath, args: LAUNCH_ARGS, headless: true }).then(
      (b) => {
        b.on("disconnected", () => (browser = null));
        return b;
      },
      (error: unknown) => {
        browser = null;
        const reason = (error instanceof Error ? error.message : String(error)).split("\n")[0];
        throw new AppError("unavailable", `Cannot render the PDF report: Chromium at ${executablePath} did not start (${reason}). Install chromium or set CHROMIUM_PATH.`);
      },
    );
  }
  return browser;
}

/** Closes the shared Chromium (the CLI and tests, before exiting). */
export async function closeReportBrowser(): Promise<void> {
  const running = browser;
  browser = null;
  if (running) await (await running.catch(() => null))?.close();
}

/** Renders queued behind the running one at most; more are refused rather than piled up. */
export const MAX_QUEUED_RENDERS = 4;
let queue: Promise<unknown> = Promise.resolve();
let pending = 0;
/** Renders one at a time: each takes a Chromium process's full attention on a small machine. */
function serialised<T>(work: () => Promise<T>): Promise<T> {
  if (pending > MAX_QUEUED_RENDERS) {
    return Promise.reject(new AppError("unavailable", `${pending} PDF reports are being rendered or waiting; try again in a minute.`));
  }
  pending += 1;
  const run = queue.then(work, work).finally(() => (pending -= 1));
  queue = run.catch(() => undefined);
  return run;
}

export interface RenderedReport {
  pdf: Uint8Array;
  pages: number;
  /** Requests the page tried to make other than the document itself (all aborted). */
  blockedRequests: number;
}

/**
 * The report as a tagged PDF with bookmarks, page numbers and a table of contents. Rendered
 * twice: the first pass finds each section's page in the PDF outline, the second prints those
 * numbers in the table of contents (one page in both passes, so nothing moves).
 */
export function renderReportPdf(input: Omit<ReportInput, "pageNumbers">, options: { timeoutMs?: number } = {}): Promise<RenderedReport> {
  return serialised(async () => {
    const context = await (await reportBrowser()).newContext({ serviceWorkers: "block", javaScriptEnabled: false, offline: true });
    let timer: NodeJS.Timeout | undefined;
    const timeoutMs = options.timeoutMs ?? RENDER_TIMEOUT_MS;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        reject(new AppError("unavailable", `The PDF report took longer than ${Math.round(timeoutMs / 1000)} s to render; try again later.`));
        void context.close();
      }, timeoutMs);
    });
    try {
      return await Promise.race([twoPasses(context, input), timeout]);
    } finally {
      clearTimeout(timer);
      await context.close().catch(() => undefined);
    }
  });
}

async function twoPasses(context: BrowserContext, input: Omit<ReportInput, "pageNumbers">): Promise<RenderedReport> {
  const page = await context.newPage();
  let document = "";
  let blockedRequests = 0;
  await page.route("**/*", (route) => {
    if (route.request().url() === REPORT_URL && route.request().method() === "GET") {
      return route.fulfill({ status: 200, contentType: "text/html; charset=utf-8", body: document });
    }
    blockedRequests += 1;
    return route.abort("blockedbyclient");
  });
  /** `final`: with the footer. The first pass only needs the bookmarks: the same margins lay out the same pages. */
  const print = async (html: string, final: boolean) => {
    document = html;
    await page.goto(REPORT_URL, { waitUntil: "load" });
    return page.pdf({
      format: "A4",
      printBackground: final,
      displayHeaderFooter: final,
      headerTemplate: "<span></span>",
      footerTemplate: footer(input.summary.id),
      margin: MARGIN,
      outline: true,
      // Chromium builds the outline from the tagged structure: both are needed in both passes.
      tagged: true,
    });
  };

  const html = reportTemplate(input);
  const first = sectionPages(await loadPdf(await print(html({}), false)));
  const doc = await loadPdf(await print(html(first), true));
  const check = sectionPages(doc);
  if (REPORT_SECTIONS.some((s) => check[s.id] !== first[s.id])) {
    throw new AppError("internal", "The report's sections moved between the two rendering passes: the table of contents would be wrong.");
  }
  // Metadata from the report itself, dated by its generation (not by when Chromium ran).
  doc.setTitle(`${REPORT_TITLE}: ${input.summary.cluster}`);
  doc.setAuthor(input.generatedBy);
  doc.setSubject(`Snapshot ${input.summary.id}, content hash ${input.summary.contentHash}`);
  doc.setCreator("Meshlens");
  doc.setProducer("Meshlens (Chromium, pdf-lib)");
  doc.setCreationDate(input.generatedAt);
  doc.setModificationDate(input.generatedAt);
  return { pdf: await doc.save({ objectsPerTick: Infinity }), pages: doc.getPageCount(), blockedRequests };
}

/** Parses a PDF in one go (pdf-lib's default yields to the event loop every 100 objects: slow on 500 pages). */
const loadPdf = (pdf: Uint8Array) => PDFDocument.load(pdf, { updateMetadata: false, parseSpeed: ParseSpeeds.Fastest });

/** Page number (1-based) of each section, from the PDF's top-level bookmarks. */
function sectionPages(doc: PDFDocument): Partial<Record<SectionId, number>> {
  const entries = outlineEntries(doc);
  const pages: Partial<Record<SectionId, number>> = {};
  for (const s of REPORT_SECTIONS) {
    const entry = entries.find((e) => e.level === 0 && e.title === s.title && e.pageIndex !== null);
    if (!entry) throw new AppError("internal", `The rendered report has no bookmark for "${s.title}": cannot number the table of contents.`);
    pages[s.id] = entry.pageIndex! + 1;
  }
  return pages;
}

/** "Page X of Y" under every page; Chromium fills in the two spans. */
function footer(snapshotId: string): string {
  return `<div style="font-size:8px;width:100%;padding:0 15mm;display:flex;justify-content:space-between;color:#4b5563;font-family:'DejaVu Sans',sans-serif">
<span>${escapeHtml(REPORT_TITLE)} · snapshot ${escapeHtml(snapshotId)}</span><span>Page <span class="pageNumber"></span> of <span class="totalPages"></span></span></div>`;
}
