import { writeFile } from "node:fs/promises";
import { userInfo } from "node:os";
import { Command } from "commander";
import { closeReportBrowser, snapshotReportPdf } from "@/lib/server/report";
import { withDatabase } from "./database";

/** `meshlens report ID --out F.pdf`: a stored snapshot's PDF audit report. */
export function reportCommand(): Command {
  return new Command("report")
    .description("Write a stored snapshot's PDF audit report (cover, summary, namespace graph, findings with remediation, coverage, method)")
    .argument("<id>", "snapshot id (see `meshlens list`)")
    .option("--out <file>", "where to write the PDF (default: meshlens-<cluster>-<date>-<id>.pdf here)")
    .action(async (id: string, options: { out?: string }) => {
      console.error(`Rendering the report of snapshot ${id} with Chromium...`);
      try {
        const report = await withDatabase(() => snapshotReportPdf(id, { generatedBy: `cli:${userInfo().username}` }));
        const out = options.out ?? report.filename;
        await writeFile(out, report.pdf);
        console.error(`Wrote ${out}: ${report.pages} pages, ${(report.pdf.length / 1024).toFixed(0)} KiB.`);
      } finally {
        await closeReportBrowser();
      }
    });
}
