// The PDF report of the demo, rendered by the real Chromium from the real database, read back
// with poppler (pdftotext, pdftoppm, pdfinfo) as an auditor's tools would read it.
import { execFile } from "node:child_process";
import { createServer, type Server } from "node:http";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { PDFDocument, PDFName } from "pdf-lib";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { withFindings } from "@/lib/domain/findings";
import { KIND_DESCRIPTIONS } from "@/lib/domain/findings/kinds";
import { FINDING_KINDS, type Snapshot } from "@/lib/domain/model";
import { disconnectDb } from "@/lib/server/db/client";
import { seedDemo } from "@/lib/server/demo";
import { getSnapshot, createSnapshot } from "@/lib/server/snapshots/store";
import { connectTestDatabase, emptyDatabase } from "@/lib/server/testing/database";
import { REPORT_SECTIONS } from "./document";
import { closeReportBrowser, snapshotReportPdf } from "./index";
import { outlineEntries } from "./outline";
import { MAX_QUEUED_RENDERS, renderReportPdf } from "./pdf";

connectTestDatabase();
const exec = promisify(execFile);
let dir = "";

beforeAll(async () => {
  await emptyDatabase();
  dir = await mkdtemp(join(tmpdir(), "meshlens-report-"));
});
afterAll(async () => {
  await closeReportBrowser();
  await disconnectDb();
  await rm(dir, { recursive: true, force: true });
});

/** The text of each page in reading order, or laid out as printed (pdftotext separates pages with form feeds). */
async function pageTexts(pdf: Uint8Array, name: string, options: { layout?: boolean } = {}): Promise<string[]> {
  const file = join(dir, `${name}.pdf`);
  await writeFile(file, pdf);
  const { stdout } = await exec("pdftotext", [...(options.layout ? ["-layout"] : []), file, "-"], { maxBuffer: 64 * 2 ** 20 });
  return stdout.split("\f").slice(0, -1);
}

/**
 * Without whitespace and hyphens: a wrapped line reads the same as an unwrapped one (pdftotext
 * drops the hyphen where a line breaks after one, as in "shop-" / "ops").
 */
const squash = (text: string) => text.replace(/[\s-]+/g, "");
const firstLine = (text: string) => text.split("\n").find((l) => l.trim() !== "")?.trim() ?? "";

const GENERATED_AT = new Date("2026-11-21T10:00:00.000Z");
const OTHER_TIME = new Date("2026-12-24T18:30:00.000Z");

describe("the demo's PDF audit report", () => {
  let id = "";
  let pdf: Uint8Array;
  let pages: string[] = [];
  let layoutPages: string[] = [];
  let contentHash = "";
  /** The page (0-based) whose first line is a section's title. */
  const sectionPage = (title: string) => pages.findIndex((p) => firstLine(p) === title);

  beforeAll(async () => {
    id = (await seedDemo()).id;
    contentHash = (await getSnapshot(id)).summary.contentHash;
    const report = await snapshotReportPdf(id, { generatedBy: "test-user", generatedAt: GENERATED_AT });
    pdf = report.pdf;
    expect(report.blockedRequests).toBe(0);
    expect(report.filename).toBe(`meshlens-demo-cluster-2026-11-20-${id}.pdf`);
    pages = await pageTexts(pdf, "demo");
    layoutPages = await pageTexts(pdf, "demo", { layout: true });
  }, 120_000);

  it("has a plausible page count, each page numbered 'Page X of Y' with Y the real count", async () => {
    const { stdout } = await exec("pdfinfo", [join(dir, "demo.pdf")]);
    const count = Number(/^Pages:\s+(\d+)$/m.exec(stdout)?.[1]);
    // Cover, contents, summary, graph, 23 findings with evidence and YAML (a page or two per
    // severity group at least), coverage, gaps, method: more than 10, and far below 100.
    expect(count).toBeGreaterThan(10);
    expect(count).toBeLessThan(100);
    expect(pages).toHaveLength(count);
    pages.forEach((text, i) => expect(text).toContain(`Page ${i + 1} of ${count}`));
  });

  it("shows something on every page (pdftoppm), and the graph in colour", async () => {
    await exec("pdftoppm", ["-r", "20", join(dir, "demo.pdf"), join(dir, "page")]);
    const graphPage = sectionPage("Namespace graph");
    for (let i = 0; i < pages.length; i++) {
      const file = join(dir, `page-${String(i + 1).padStart(String(pages.length).length, "0")}.ppm`);
      const { width, height, pixels } = readPpm(await readFile(file));
      // Dark pixels above the bottom margin (where the footer is): the page's own content.
      const bodyRows = Math.floor(height * (1 - 18 / 297));
      let dark = 0;
      let red = 0;
      for (let p = 0; p < width * bodyRows; p++) {
        const [r, g, b] = [pixels[3 * p]!, pixels[3 * p + 1]!, pixels[3 * p + 2]!];
        if (r + g + b < 3 * 160) dark += 1;
        if (r > 120 && g < 90 && b < 90) red += 1;
      }
      expect(dark, `page ${i + 1}`).toBeGreaterThan(20);
      // The namespace graph rings namespaces with high findings in red, and draws plaintext edges in red.
      if (i === graphPage) expect(red).toBeGreaterThan(20);
    }
  });

  it("has a cover with the cluster, capture, telemetry window, id, content hash, requester and time", () => {
    const cover = squash(pages[0]!);
    for (const text of [
      "Meshlens audit report",
      "Cluster demo-cluster",
      "Snapshot Demo: online shop and blog",
      // The demo's telemetry is the hour 08:00 to 09:00 UTC on 2026-11-20, captured at its end.
      "Captured 2026-11-20 09:00 UTC",
      "Telemetry window 2026-11-20 08:00 UTC to 2026-11-20 09:00 UTC",
      `Snapshot id ${id}`,
      `Content hash ${contentHash}`,
      "Generated by test-user",
      "Generated at 2026-11-21T10:00:00.000Z",
    ]) {
      expect(cover).toContain(squash(text));
    }
  });

  it("has a one-page table of contents whose page numbers are where the sections start", () => {
    expect(firstLine(pages[1]!)).toBe("Contents");
    for (const section of REPORT_SECTIONS) {
      const listed = Number(new RegExp(`${section.title}\\s+(\\d+)`).exec(layoutPages[1]!)?.[1]);
      expect(listed, section.title).toBe(sectionPage(section.title) + 1);
    }
    expect(firstLine(pages[2]!)).toBe("Executive summary");
  });

  it("sums up the demo as its README describes it", () => {
    const summary = squash(pages[sectionPage("Executive summary")]!);
    // lib/demo/manifests/README.md: 6 Namespaces; 17 workloads (13 Deployments, 2 StatefulSets,
    // 1 CronJob, 1 Pod); 14 Services; 53 policies (24 NetworkPolicy, 15 AuthorizationPolicy,
    // 5 PeerAuthentication, 1 RequestAuthentication, 6 DestinationRule, 1 ServiceEntry, 1 Sidecar).
    for (const [value, label] of [["6", "namespaces"], ["17", "workloads"], ["14", "services"], ["53", "policies"], ["23", "findings"]]) {
      expect(summary).toContain(squash(`${value} ${label}`));
    }
    // The 23 findings from the 14 planted problems:
    // critical 1: #14 (netshoot-debug → cartservice, denied);
    // high 11: #1 shippingservice and emailservice without sidecar (2) and the three plaintext
    //   calls to them (3); #2/#3 plaintext from an unknown source to blog-postgres; #4/#5
    //   plaintext to redis-cart and its DestinationRule DISABLE (2); #9 blog ingress open;
    //   #10 checkoutservice's AuthorizationPolicy selects nothing; #11/#12 currencyservice
    //   through PassthroughCluster;
    // medium 10: #3 blog-web, blog-api, blog-postgres PERMISSIVE (3); #4 redis-cart port 6379
    //   PERMISSIVE; #6 productcatalogservice's rule for the whole cluster; #9 blog egress open,
    //   and its three meshed workloads may reach the whole internet unused (3); #13 DNS blocked;
    // low 1: paymentservice's attempt blocked by BlackHoleCluster (#12's one exception).
    expect(summary).toContain(squash("Findings: 1 critical, 11 high, 10 medium, 1 low, 0 info."));
    // The charts are vector text too: the bar labels.
    expect(summary).toContain(squash("Findings by severity"));
    expect(summary).toContain(squash("Observed edges by encryption"));
  });

  it("lists the findings by severity with evidence and remediation YAML", () => {
    const from = sectionPage("Findings by severity");
    const to = sectionPage("Policy coverage by namespace");
    const findings = squash(pages.slice(from, to).join("\n"));
    for (const text of [
      "Critical (1)",
      "High (11)",
      "Medium (10)",
      "Low (1)",
      "Traffic from shop-core/netshoot-debug[Pod] to shop-core/cartservice[Deployment] that the policies deny (12 requests)",
      "Plaintext traffic from shop-web/frontend[Deployment] to shop-ops/shippingservice[Deployment]",
      "shop-core/checkoutservice[AuthorizationPolicy] selects no workload (app=check-out-service)",
      "Egress isolation in shop-ops leaves no route to DNS (UDP 53)",
      "Evidence",
      "Remediation YAML",
      // The fix for #5: the DestinationRule goes back to Istio's mutual TLS.
      "mode: ISTIO_MUTUAL",
      // The fix for #9: a default-deny NetworkPolicy for blog.
      "kind: NetworkPolicy",
    ]) {
      expect(findings).toContain(squash(text));
    }
    // Worst first: the critical finding comes before the first high one.
    expect(findings.indexOf(squash("Critical (1)"))).toBeLessThan(findings.indexOf(squash("High (11)")));
  });

  it("has the policy coverage per namespace, the gaps and the method", () => {
    const coverage = layoutPages[sectionPage("Policy coverage by namespace")]!;
    // Rows of the two tables (NetworkPolicies, then Istio), cells split where -layout puts 2+ spaces.
    const rows = (namespace: string) => coverage.split("\n").filter((l) => l.trim().startsWith(`${namespace} `)).map((l) => l.trim().split(/\s{2,}/));
    // #9: blog has no NetworkPolicy, so none of its 4 workloads is isolated either way; #2/#3: the
    // backup job has no sidecar, the three others accept plaintext (PERMISSIVE, blog/default).
    expect(rows("blog")).toEqual([
      ["blog", "4", "no (4 of 4 open)", "no (4 of 4 open)", "0"],
      ["blog", "3 of 4", "no sidecar 1, PERMISSIVE 3", "1", "2"],
      // The namespace labels table (README: sidecar injection enabled, team content).
      ["blog", "istio-injection=enabled, team=content"],
    ]);
    // #1: shop-ops is not labelled for injection: no sidecars; it has default deny both ways (#13);
    // shop-netpol.yaml has 4 NetworkPolicies in shop-ops and 4 in shop-payments.
    expect(rows("shop-ops")).toEqual([
      ["shop-ops", "2", "yes", "yes", "4"],
      ["shop-ops", "0 of 2", "no sidecar 2", "0", "2"],
      ["shop-ops", "app.kubernetes.io/part-of=online-boutique, team=fulfilment"],
    ]);
    // The reference namespace ("Deliberately sane"): default deny, STRICT at namespace and
    // workload level (2 PeerAuthentications), allow-nothing plus one ALLOW (2 AuthorizationPolicies).
    expect(rows("shop-payments").slice(0, 2)).toEqual([
      ["shop-payments", "1", "yes", "yes", "4"],
      ["shop-payments", "1 of 1", "STRICT 1", "2", "2"],
    ]);

    const gaps = squash(pages[sectionPage("Coverage gaps")]!);
    expect(gaps).toContain(squash("Resources not read (0)"));
    expect(gaps).toContain(squash("2026-11-20 08:00 UTC to 2026-11-20 09:00 UTC"));

    const method = squash(pages.slice(sectionPage("Method")).join("\n"));
    for (const kind of FINDING_KINDS) {
      expect(method).toContain(squash(kind));
      expect(method).toContain(squash(KIND_DESCRIPTIONS[kind].description));
    }
  });

  it("has bookmarks for the sections and the severity groups, and is a tagged PDF", async () => {
    const doc = await PDFDocument.load(pdf);
    const entries = outlineEntries(doc);
    expect(entries.filter((e) => e.level === 0).map((e) => e.title)).toEqual(["Meshlens audit report", "Contents", ...REPORT_SECTIONS.map((s) => s.title)]);
    // Under "Findings by severity": one bookmark per severity group.
    const findingsAt = entries.findIndex((e) => e.title === "Findings by severity");
    const nextSection = entries.findIndex((e, i) => i > findingsAt && e.level === 0);
    expect(entries.slice(findingsAt, nextSection).filter((e) => e.level === 1).map((e) => e.title)).toEqual(["Critical (1)", "High (11)", "Medium (10)", "Low (1)"]);
    // Each top-level bookmark opens the page where its section starts.
    for (const s of REPORT_SECTIONS) expect(entries.find((e) => e.title === s.title)?.pageIndex).toBe(sectionPage(s.title));
    // Tagged: a structure tree, and MarkInfo saying so (PDF 32000-1 §14.7, §14.8).
    expect(doc.catalog.get(PDFName.of("StructTreeRoot"))).toBeDefined();
    expect(doc.catalog.get(PDFName.of("MarkInfo"))).toBeDefined();
    const { stdout } = await exec("pdfinfo", [join(dir, "demo.pdf")]);
    expect(stdout).toMatch(/^Tagged:\s+yes$/m);
    // Dated by its generation, not by when Chromium ran.
    expect(doc.getCreationDate()?.toISOString()).toBe(GENERATED_AT.toISOString());
  });

  it("is the same text for the same snapshot, apart from the generation time", async () => {
    const again = await snapshotReportPdf(id, { generatedBy: "test-user", generatedAt: OTHER_TIME });
    const text = (await pageTexts(again.pdf, "again")).join("\f");
    expect(text).not.toBe(pages.join("\f"));
    expect(text.replace(OTHER_TIME.toISOString(), GENERATED_AT.toISOString())).toBe(pages.join("\f"));
  }, 120_000);
});

describe("rendering limits", () => {
  it("stops a render that takes too long with a clear error, queues a few, refuses more", async () => {
    const { summary, snapshot } = await getSnapshot((await seedDemo()).id);
    const input = { summary, snapshot, generatedBy: "test-user", generatedAt: GENERATED_AT };
    await expect(renderReportPdf(input, { timeoutMs: 1 })).rejects.toThrow("The PDF report took longer than 0 s to render; try again later.");
    // Renders queue one behind the other, up to MAX_QUEUED_RENDERS waiting; one more is refused at once.
    const accepted = Array.from({ length: 1 + MAX_QUEUED_RENDERS }, () => renderReportPdf(input));
    await expect(renderReportPdf(input)).rejects.toThrow("5 PDF reports are being rendered or waiting; try again in a minute.");
    const done = await Promise.all(accepted);
    expect(done[0]!.pages).toBeGreaterThan(10);
    expect(done.every((r) => r.pages === done[0]!.pages)).toBe(true);
  }, 120_000);
});

describe("a report of hostile cluster data", () => {
  it("fetches nothing a label names, and prints the label as text", async () => {
    const hits: string[] = [];
    const server: Server = createServer((request, response) => {
      hits.push(request.url ?? "");
      response.end("x");
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const port = (server.address() as { port: number }).port;
    const hostile = `<img src="http://127.0.0.1:${port}/x"><link rel="stylesheet" href="http://127.0.0.1:${port}/css"><div style="background:url(http://127.0.0.1:${port}/y)">`;
    try {
      const snapshot: Snapshot = withFindings({
        schemaVersion: 1,
        name: `snap ${hostile}`,
        cluster: `evil ${hostile}`,
        capturedAt: "2026-01-01T00:00:00.000Z",
        source: { kind: "upload", files: ["x.yaml"] },
        telemetryWindow: null,
        telemetry: null,
        namespaces: [{ name: "web", labels: { team: hostile }, declared: true }],
        workloads: [
          {
            id: `web/${hostile}[Deployment]`,
            namespace: "web",
            name: hostile,
            kind: "Deployment",
            labels: { app: hostile },
            serviceAccount: "default",
            ports: [],
            sidecar: { injected: true, reason: "label" },
            pods: 1,
            hostNetwork: false,
          },
        ],
        services: [],
        policies: [],
        meshConfig: { source: null, rootNamespace: "istio-system", outboundTrafficPolicy: "ALLOW_ANY" },
        edges: [],
        findings: [],
        coverageGaps: [{ resource: "pods", namespace: "web", reason: hostile }],
        warnings: [],
      });
      const { id } = await createSnapshot(snapshot);
      const report = await snapshotReportPdf(id, { generatedBy: hostile, generatedAt: GENERATED_AT });
      const text = squash((await pageTexts(report.pdf, "hostile")).join("\n"));
      expect(hits).toEqual([]);
      expect(report.blockedRequests).toBe(0);
      // Shown literally: on the cover (cluster, requester), in the namespace labels, in the
      // finding about the workload with no default deny, and in the coverage gaps.
      const literal = squash(hostile);
      const occurrences = text.split(literal).length - 1;
      expect(occurrences).toBeGreaterThanOrEqual(5);
      // The file name keeps only safe characters of the cluster name.
      expect(report.filename).toMatch(/^meshlens-evil-img-src-http-127\.0\.0\.1-\d+-x-link-[A-Za-z0-9._-]*[A-Za-z0-9_]-2026-01-01-[A-Za-z0-9_-]{22}\.pdf$/);
    } finally {
      server.close();
    }
  }, 120_000);
});

/** A binary PPM (P6) as pdftoppm writes it. */
function readPpm(data: Buffer): { width: number; height: number; pixels: Buffer } {
  const header = /^P6\s+(\d+)\s+(\d+)\s+(\d+)\s/.exec(data.subarray(0, 50).toString("latin1"));
  if (!header) throw new Error("not a binary PPM");
  return { width: Number(header[1]), height: Number(header[2]), pixels: data.subarray(header[0].length) };
}
