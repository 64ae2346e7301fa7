/**
 * `npm run bench`: performance figures on this machine, one per line:
 * `name: value unit (target: ...)`. Uses a throwaway embedded PostgreSQL (or BENCH_DATABASE_URL).
 * `npm run bench -- viewers report` runs only those groups (see GROUPS).
 */
import { mkdtemp, rm } from "node:fs/promises";
import { cpus, freemem, tmpdir, totalmem } from "node:os";
import { join } from "node:path";
import { analyzeMesh } from "@/lib/domain/engine/mesh";
import { readManifests } from "@/lib/domain/manifests";
import { snapshotView } from "@/lib/domain/snapshot/view";
import { connectDb, disconnectDb } from "@/lib/server/db/client";
import { startEmbeddedPostgres } from "@/lib/server/db/embedded";
import { migrateDatabase } from "@/lib/server/db/migrate";
import { importManifests } from "@/lib/server/snapshots/import";
import { getSnapshot } from "@/lib/server/snapshots/store";
import { analyzeFigures } from "./bench/analyze";
import { captureFigures } from "./bench/capture";
import { diffFigures } from "./bench/diff";
import { benchFigure } from "./bench/figure";
import { generateManifests } from "./bench/generate-manifests";
import { graphFigures } from "./bench/graph";
import { reportFigures } from "./bench/report";
import { viewersFigures } from "./bench/viewers";

const WORKLOADS = 5000;
const POLICIES = 2000;

const figure = benchFigure;

const GROUPS = ["engine", "analyze", "diff", "growth", "store", "capture", "graph", "report", "viewers"] as const;
const asked = process.argv.slice(2);
const unknownGroup = asked.find((a) => !(GROUPS as readonly string[]).includes(a));
if (unknownGroup) {
  console.error(`bench: unknown group "${unknownGroup}"; the groups are ${GROUPS.join(", ")}.`);
  process.exit(2);
}
const wanted = (group: (typeof GROUPS)[number]) => asked.length === 0 || asked.includes(group);

/** A generated cluster, read as the importer reads it (the YAML text is not kept). */
const generatedCluster = (options: Parameters<typeof generateManifests>[0]) => readManifests([{ path: "generated.yaml", content: generateManifests(options) }]);

/** The heap in use after a full collection. */
function heapAfterGc(): number {
  globalThis.gc?.();
  return process.memoryUsage().heapUsed;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

console.log(
  `machine: ${cpus()[0]?.model ?? "unknown cpu"}, ${cpus().length} cores, ` +
    `${(totalmem() / 2 ** 30).toFixed(0)} GiB (${(freemem() / 2 ** 30).toFixed(0)} GiB free), node ${process.version}`,
);

/** The engine's full answer: every ordered pair of workloads, and each workload to and from outside. */
function engineFigure(workloads: number, policies: number, target: string) {
  const read = generatedCluster({ workloads, policies, namespaces: Math.max(1, workloads / 50), defaultDeny: true, seed: 7 });
  const times: number[] = [];
  let pairs = 0;
  for (let run = 0; run < 3; run++) {
    const t0 = performance.now();
    const analysis = analyzeMesh(read);
    pairs = 0;
    const n = read.workloads.length;
    for (let s = 0; s < n; s++) {
      analysis.networkPolicies.toExternal(s);
      analysis.fromExternal(s);
      for (const group of analysis.peersOf(s)) pairs += group.destinations.length;
    }
    times.push((performance.now() - t0) / 1000);
  }
  figure(`engine-full-answer-${workloads}-workloads-${policies}-policies`, median(times), "s", target);
  console.log(`  (${pairs} allowed workload pairs of ${read.workloads.length * (read.workloads.length - 1)})`);
}

if (wanted("engine")) engineFigure(1000, 300, "<= 0.3 s");

/**
 * At 10,000 workloads the answer is kept compact: per workload, its rules with the workloads
 * each admits as bitmaps, from which one pair or one workload's peers are answered on demand.
 */
function compactEngineFigures() {
  const read = generatedCluster({ workloads: 10_000, policies: 3000, networkPolicyShare: 2 / 3, namespaces: 200, defaultDeny: true, seed: 11 });
  const nps = read.policies.filter((p) => p.kind === "NetworkPolicy").length;
  const aps = read.policies.length - nps;
  const heapBefore = heapAfterGc();
  const t0 = performance.now();
  const analysis = analyzeMesh(read);
  const seconds = (performance.now() - t0) / 1000;
  // What the analysis keeps alive beyond its input, once built (before questions fill its caches).
  const heapMiB = (heapAfterGc() - heapBefore) / 2 ** 20;
  const label = `${read.workloads.length}-workloads-${nps}-networkpolicies-${aps}-authorizationpolicies`;
  figure(`engine-compact-${label}`, seconds, "s", "<= 5 s");
  figure(`engine-compact-memory-${label}`, heapMiB, "MiB", "<= 2048 MiB");
  const n = read.workloads.length;
  let state = 1;
  const next = () => (state = (state * 48271) % 2147483647) % n;
  const queries = 20_000;
  let t1 = performance.now();
  let groups = 0;
  for (let q = 0; q < queries; q++) groups += analysis.between(next(), next()).groups.length; // the explanation too
  void groups;
  figure("engine-compact-one-pair", ((performance.now() - t1) / queries) * 1000, "µs", "<= 1000 µs");
  const sample = 200;
  t1 = performance.now();
  for (let q = 0; q < sample; q++) analysis.peersOf(next());
  figure("engine-compact-one-workload-peers", (performance.now() - t1) / sample, "ms", "<= 1 ms");
}

if (wanted("engine")) compactEngineFigures();
if (wanted("analyze")) analyzeFigures(figure);
if (wanted("diff")) diffFigures(figure);

/**
 * How the compact answer grows: with workloads (policies at 30% of them), then with policies
 * (5,000 workloads). Time and heap of the analysis, and the mean time of one workload's peers.
 */
function growthFigures() {
  const series: [workloads: number, policies: number][] = [
    [1000, 300],
    [2500, 750],
    [5000, 1500],
    [10_000, 3000],
    [5000, 500],
    [5000, 3000],
    [5000, 6000],
  ];
  // One call per figure: a finished measurement's analysis then lives in no frame, and is freed.
  for (const [workloads, policies] of series) growthFigure(workloads, policies);
}

function growthFigure(workloads: number, policies: number) {
  {
    const read = generatedCluster({ workloads, policies, networkPolicyShare: 2 / 3, namespaces: Math.max(1, workloads / 50), defaultDeny: true, seed: 3 });
    const heapBefore = heapAfterGc();
    const t0 = performance.now();
    const analysis = analyzeMesh(read);
    const seconds = (performance.now() - t0) / 1000;
    const heapMiB = (heapAfterGc() - heapBefore) / 2 ** 20;
    const n = read.workloads.length;
    for (let q = 0; q < 20; q++) analysis.peersOf((q * 104729) % n); // warm-up
    const t1 = performance.now();
    const sample = 100;
    for (let q = 0; q < sample; q++) analysis.peersOf((q * 7919) % n);
    const peersMs = (performance.now() - t1) / sample;
    const label = `engine-growth-${workloads}-workloads-${read.policies.length}-policies`;
    figure(`${label}-analysis`, seconds, "s", "record");
    figure(`${label}-memory`, heapMiB, "MiB", "record");
    figure(`${label}-one-workload-peers`, peersMs, "ms", "record");
  }
}

if (wanted("growth")) growthFigures();

const dataDir = await mkdtemp(join(tmpdir(), "meshlens-bench-"));
const database = process.env.BENCH_DATABASE_URL
  ? { url: process.env.BENCH_DATABASE_URL, stop: async () => {} }
  : await startEmbeddedPostgres({ dataDir, port: 54349 });
try {
  await migrateDatabase(database.url);
  connectDb(database.url);

  if (wanted("store")) await storeFigures();
  if (wanted("capture")) await captureFigures(figure);
  if (wanted("graph")) await graphFigures(figure, database.url);
  if (wanted("report")) await reportFigures(figure);
  if (wanted("viewers")) await viewersFigures(figure, database.url);
} finally {
  await disconnectDb();
  await database.stop();
  await rm(dataDir, { recursive: true, force: true });
}

/** Storing a generated cluster, and loading it back for its page. */
async function storeFigures() {
  const yaml = generateManifests({ workloads: WORKLOADS, policies: POLICIES, namespaces: 100 });
  console.log(`input: ${WORKLOADS} workloads (Deployments + Services), ${POLICIES} policies, ${(yaml.length / 2 ** 20).toFixed(1)} MiB of YAML`);

  const stores: number[] = [];
  let id = "";
  for (let run = 0; run < 3; run++) {
    const t0 = performance.now();
    const result = await importManifests([{ path: "generated.yaml", content: yaml }], { name: `bench ${run}`, cluster: "bench" });
    stores.push((performance.now() - t0) / 1000);
    id = result.snapshot.id;
  }
  figure("store-5000-workloads-2000-policies", median(stores), "s", "<= 5 s");

  const loads: number[] = [];
  for (let run = 0; run < 7; run++) {
    const t0 = performance.now();
    const { snapshot } = await getSnapshot(id);
    snapshotView(snapshot);
    loads.push((performance.now() - t0) / 1000);
  }
  figure("load-snapshot-page-5000-workloads", median(loads), "s", "<= 0.5 s");
}
