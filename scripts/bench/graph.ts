/**
 * The graph figures of `npm run bench`: generated snapshots (5,000 workloads / 25,000 observed
 * edges, 10,000 / 50,000) stored in the bench's database, the production server (`next start`) on
 * a free loopback port, and the Graph tab in Debian's Chromium (headless, software rendering),
 * fully expanded (`g_collapse=none`). The drawing code records its paints into
 * `window.__meshlensGraphProbe` when the page defines it (components/graph/controller.ts).
 *
 * Standalone, with its own embedded PostgreSQL: `node scripts/bootstrap.mjs scripts/bench/graph.ts`.
 */
import { mkdtemp, rm } from "node:fs/promises";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { chromium, type Page } from "playwright-core";
import { readManifests } from "@/lib/domain/manifests";
import type { Snapshot, TrafficEdge, TrafficPeer } from "@/lib/domain/model";
import { snapshotFromManifests } from "@/lib/domain/snapshot/from-manifests";
import { connectDb, disconnectDb } from "@/lib/server/db/client";
import { startEmbeddedPostgres } from "@/lib/server/db/embedded";
import { migrateDatabase } from "@/lib/server/db/migrate";
import { createSnapshot } from "@/lib/server/snapshots/store";
import { buildApp, hasCurrentBuild, startApp } from "../lib/app-server";
import { benchViewerSession } from "./session";
import { benchFigure } from "./figure";
import { generateManifests } from "./generate-manifests";

type Figure = (name: string, value: number, unit: string, target: string) => void;

/** Launch arguments that work here (as playwright.config.ts). */
const CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic"];
const WINDOW = { start: "2026-01-01T11:00:00.000Z", end: "2026-01-01T12:00:00.000Z" };

/**
 * A stored snapshot of `workloads` Deployments (50 per namespace) and `edges` observed edges
 * between random pairs: 80% mTLS, 8% plaintext, 4% partly plaintext, 4% unknown, 4% to one of 20
 * external hosts. Seeded: the same every run.
 */
async function storeGeneratedSnapshot(workloads: number, edges: number): Promise<string> {
  const t0 = performance.now();
  const read = readManifests([{ path: "generated.yaml", content: generateManifests({ workloads, policies: 0, namespaces: workloads / 50, seed: 9 }) }]);
  let state = 4242;
  const next = (n: number) => (state = (state * 48271) % 2147483647) % n;
  const ids = read.workloads.map((w) => w.id);
  const seen = new Set<string>();
  const traffic: TrafficEdge[] = [];
  while (traffic.length < edges) {
    const source = ids[next(ids.length)]!;
    const roll = next(100);
    const destination: TrafficPeer = roll < 4 ? { kind: "external", host: `api-${next(20)}.example.com`, via: "passthrough" } : { kind: "workload", id: ids[next(ids.length)]! };
    const key = `${source}>${destination.kind === "workload" ? destination.id : destination.host}`;
    if ((destination.kind === "workload" && destination.id === source) || seen.has(key)) continue;
    seen.add(key);
    const requests = 60 * (1 + next(500));
    const mtlsShare = roll < 4 || roll >= 96 ? null : roll < 12 ? 0 : roll < 16 ? 0.5 : 1;
    traffic.push({ source: { kind: "workload", id: source }, destination, service: null, protocols: ["http"], requests, requestRate: requests / 3600, responses: { "2xx": requests }, requestBytes: 0, responseBytes: 0, connections: 0, mtlsShare, reportedBy: mtlsShare === null ? "source" : "destination" });
  }
  console.log(`  (generated ${((performance.now() - t0) / 1000).toFixed(1)} s)`);
  const snapshot: Snapshot = snapshotFromManifests(read, {
    name: `graph bench ${workloads}`,
    cluster: "bench",
    capturedAt: new Date(WINDOW.end),
    files: ["generated.yaml"],
    edges: traffic,
    telemetry: { state: "captured", prometheus: "generated", window: WINDOW, unmatched: [] },
  });
  return (await createSnapshot(snapshot)).id;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? Number.NaN;

interface Interaction {
  intervals: number[];
  longTasks: number[];
  longestPaint: number;
}

/**
 * Pans (a drag) then zooms (wheel steps), one input event per animation frame, as a user's
 * pointer would; returns the intervals between the paints meanwhile, the long tasks, and the
 * longest paint (the final full-detail redraw included).
 */
async function panAndZoom(page: Page): Promise<Interaction> {
  return page.evaluate(async () => {
    const probe = (window as unknown as { __meshlensGraphProbe: { paints: { end: number; ms: number }[] } }).__meshlensGraphProbe;
    const canvas = document.querySelector<HTMLCanvasElement>("canvas[role=application]")!;
    const rect = canvas.getBoundingClientRect();
    const cx = rect.left + rect.width / 2;
    const cy = rect.top + rect.height / 2;
    const longTasks: number[] = [];
    const observer = new PerformanceObserver((list) => longTasks.push(...list.getEntries().map((e) => e.duration)));
    observer.observe({ type: "longtask" });
    const first = probe.paints.length;
    const frame = () => new Promise((resolve) => requestAnimationFrame(resolve));
    const mouse = (type: string, x: number, y: number, target: EventTarget) =>
      target.dispatchEvent(new MouseEvent(type, { bubbles: true, cancelable: true, view: window, clientX: x, clientY: y, button: 0, buttons: type === "mouseup" ? 0 : 1 }));
    mouse("mousedown", cx, cy, canvas);
    for (let i = 1; i <= 90; i++) {
      await frame();
      mouse("mousemove", cx + 3 * i, cy + 2 * Math.sin(i / 10) * 40, window);
    }
    mouse("mouseup", cx + 270, cy, window);
    for (let i = 0; i < 90; i++) {
      await frame();
      canvas.dispatchEvent(new WheelEvent("wheel", { bubbles: true, cancelable: true, clientX: cx, clientY: cy, deltaY: i < 45 ? -40 : 40, deltaMode: 0 }));
    }
    // d3-zoom ends a wheel gesture 150 ms after the last step; then the full-detail redraw.
    await new Promise((resolve) => setTimeout(resolve, 600));
    observer.disconnect();
    const paints = probe.paints.slice(first);
    const intervals = paints.slice(1).map((p, i) => p.end - paints[i]!.end);
    return { intervals, longTasks, longestPaint: Math.max(...paints.map((p) => p.ms)) };
  });
}

/** Pointer moves over the canvas on a grid, one per two frames; the hover costs the controller recorded. */
async function hovers(page: Page): Promise<number[]> {
  return page.evaluate(async () => {
    const probe = (window as unknown as { __meshlensGraphProbe: { hovers: number[] } }).__meshlensGraphProbe;
    const canvas = document.querySelector<HTMLCanvasElement>("canvas[role=application]")!;
    const rect = canvas.getBoundingClientRect();
    const frame = () => new Promise((resolve) => requestAnimationFrame(resolve));
    const first = probe.hovers.length;
    for (let i = 0; i < 200; i++) {
      const x = rect.left + ((i * 37) % 97) / 97 * rect.width;
      const y = rect.top + ((i * 53) % 89) / 89 * rect.height;
      canvas.dispatchEvent(new PointerEvent("pointermove", { bubbles: true, clientX: x, clientY: y, buttons: 0 }));
      await frame();
      await frame();
    }
    return probe.hovers.slice(first);
  });
}

interface Size {
  workloads: number;
  edges: number;
  firstFrameTarget: number;
  fpsTarget: number;
  detail: boolean;
}

async function measureSize(baseUrl: string, page: Page, size: Size, figure: Figure): Promise<string> {
  const t0 = performance.now();
  const id = await storeGeneratedSnapshot(size.workloads, size.edges);
  console.log(`  (generated and stored ${size.workloads} workloads / ${size.edges} edges in ${((performance.now() - t0) / 1000).toFixed(1)} s)`);
  await page.goto(`${baseUrl}/snapshots/${id}?g_collapse=none`);
  const nodes = size.workloads + 20; // the workloads and the external hosts
  await page.waitForFunction((n) => (window as unknown as { __meshlensGraphProbe: { paints: { nodes: number }[] } }).__meshlensGraphProbe.paints.some((p) => p.nodes >= n), nodes, { timeout: 120_000 });
  const firstFrame = await page.evaluate((n) => {
    const probe = (window as unknown as { __meshlensGraphProbe: { paints: { end: number; nodes: number }[] } }).__meshlensGraphProbe;
    const arrived = performance.getEntriesByType("resource").find((e) => /\/api\/snapshots\/[^/]+\/graph$/.test(new URL(e.name).pathname)) as PerformanceResourceTiming;
    return (probe.paints.find((p) => p.nodes >= n)!.end - arrived.responseEnd) / 1000;
  }, nodes);
  const label = `${size.workloads}-workloads-${size.edges}-edges`;
  figure(`graph-first-frame-${label}`, firstFrame, "s", `<= ${size.firstFrameTarget} s`);

  await page.waitForTimeout(1000); // let the picker and the first redraws settle
  const interaction = await panAndZoom(page);
  figure(`graph-pan-zoom-fps-${label}`, 1000 / median(interaction.intervals), "fps", `>= ${size.fpsTarget} fps`);
  if (!size.detail) return id;
  // No long task observed means none over 50 ms; the longest paint is then the better bound.
  const longest = interaction.longTasks.length ? Math.max(...interaction.longTasks) : interaction.longestPaint;
  figure(`graph-longest-task-while-interacting-${label}`, longest, "ms", "<= 200 ms");
  console.log(`  (long tasks: ${interaction.longTasks.map((t) => t.toFixed(0)).join(", ") || "none"} ms; longest paint ${interaction.longestPaint.toFixed(0)} ms)`);
  const hover = await hovers(page);
  figure(`graph-hover-highlight-${label}`, median(hover), "ms", "<= 16 ms");
  console.log(`  (hover: ${hover.length} highlights, 95th percentile ${[...hover].sort((a, b) => a - b)[Math.floor(hover.length * 0.95)]?.toFixed(2)} ms)`);
  return id;
}

/** Prints the graph figures; `databaseUrl` is migrated and connected (connectDb) by the caller. */
export async function graphFigures(figure: Figure, databaseUrl: string): Promise<void> {
  if (!hasCurrentBuild()) buildApp();
  const port = await freePort();
  const app = await startApp({ host: "127.0.0.1", port, database: { url: databaseUrl, embedded: false, stop: async () => {} } });
  const browser = await chromium.launch({ executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium", args: CHROMIUM_ARGS });
  try {
    const baseUrl = `http://127.0.0.1:${port}`;
    const session = await benchViewerSession();
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    await context.addCookies([{ name: session.name, value: session.value, url: baseUrl }]);
    const page = await context.newPage();
    // tsx compiles the functions passed to page.evaluate with esbuild's name helper: define it there.
    await page.addInitScript("window.__name = (f) => f;");
    await page.addInitScript(() => {
      (window as unknown as { __meshlensGraphProbe: unknown }).__meshlensGraphProbe = { paints: [], hovers: [] };
    });
    const id = await measureSize(baseUrl, page, { workloads: 5000, edges: 25_000, firstFrameTarget: 1, fpsTarget: 50, detail: true }, figure);
    await measureSize(baseUrl, page, { workloads: 10_000, edges: 50_000, firstFrameTarget: 1.5, fpsTarget: 30, detail: false }, figure);

    // The server's side: the layout is computed on the first request, then served from the cache
    // (gzipped, as the browser asks for it).
    const get = async () => {
      const response = await fetch(`${baseUrl}/api/snapshots/${id}/graph`, { headers: { accept: "application/gzip, application/json;q=0.9", cookie: session.header } });
      if (response.status !== 200) throw new Error(`The graph endpoint answered ${response.status}, not 200.`);
      return response.arrayBuffer();
    };
    await get();
    const times: number[] = [];
    for (let run = 0; run < 5; run++) {
      const t0 = performance.now();
      await get();
      times.push(performance.now() - t0);
    }
    figure("graph-cached-layout-open", median(times), "ms", "<= 100 ms");
  } finally {
    await browser.close();
    app.kill("SIGTERM");
  }
}

// Standalone: its own embedded PostgreSQL, and the figures in the bench's format.
if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  const dataDir = await mkdtemp(join(tmpdir(), "meshlens-graph-bench-"));
  const database = await startEmbeddedPostgres({ dataDir, port: Number(process.env.BENCH_PG_PORT ?? 54348) });
  try {
    await migrateDatabase(database.url);
    connectDb(database.url);
    await graphFigures(benchFigure, database.url);
  } finally {
    await disconnectDb();
    await database.stop();
    await rm(dataDir, { recursive: true, force: true });
  }
}
