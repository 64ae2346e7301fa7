/**
 * The analysis figure of `npm run bench`: findings for a generated cluster of 5,000 workloads
 * with 25,000 observed edges (as `meshlens analyze` computes them once telemetry is read).
 */
import { withFindings } from "@/lib/domain/findings";
import { buildGraph } from "@/lib/domain/graph/build";
import { readManifests } from "@/lib/domain/manifests";
import type { TrafficEdge } from "@/lib/domain/model";
import { snapshotFromManifests } from "@/lib/domain/snapshot/from-manifests";
import { generatedEdge } from "./edges";
import { generateManifests } from "./generate-manifests";

export function analyzeFigures(figure: (name: string, value: number, unit: string, target: string) => void) {
  const read = readManifests([{ path: "generated.yaml", content: generateManifests({ workloads: 5000, policies: 2000, namespaces: 100, defaultDeny: true, seed: 9 }) }]);
  let state = 4242;
  const next = () => (state = (state * 48271) % 2147483647) % read.workloads.length;
  const seen = new Set<string>();
  const edges: TrafficEdge[] = [];
  while (edges.length < 25_000) {
    const [s, d] = [read.workloads[next()]!, read.workloads[next()]!];
    if (s === d || seen.has(`${s.id}>${d.id}`)) continue;
    seen.add(`${s.id}>${d.id}`);
    edges.push(generatedEdge(s, d, edges.length % 10 === 0 ? 0 : 1));
  }
  const window = { start: "2026-01-01T11:00:00.000Z", end: "2026-01-01T12:00:00.000Z" };
  const snapshot = snapshotFromManifests(read, {
    name: "bench",
    cluster: "bench",
    capturedAt: new Date(window.end),
    files: ["generated.yaml"],
    edges,
    telemetry: { state: "captured", prometheus: "generated", window, unmatched: [] },
  });
  const t0 = performance.now();
  const analysed = withFindings(snapshot);
  const seconds = (performance.now() - t0) / 1000;
  console.log(`input: ${read.workloads.length} workloads, ${read.policies.length} policies, ${edges.length} observed edges; ${analysed.findings.length} findings`);
  figure("analyze-5000-workloads-25000-edges", seconds, "s", "<= 10 s");

  // The graph view's data: nodes, boxes and edges with the layout, as the API sends it.
  const t1 = performance.now();
  const json = JSON.stringify(buildGraph(analysed));
  figure("graph-layout-5000-workloads-25000-edges", performance.now() - t1, "ms", "record (then cached)");
  console.log(`  (graph JSON: ${(json.length / 2 ** 20).toFixed(1)} MiB)`);
}
