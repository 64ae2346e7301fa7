/**
 * The report figure of `npm run bench`: the PDF audit report of a stored snapshot of 5,000
 * workloads with about 500 findings, from the database to the finished PDF (both Chromium
 * passes), as `GET /api/snapshots/{id}/report.pdf` and `meshlens report` produce it.
 */
import { stringify } from "yaml";
import { withFindings } from "@/lib/domain/findings";
import { readManifests } from "@/lib/domain/manifests";
import type { Snapshot, TrafficEdge } from "@/lib/domain/model";
import { snapshotFromManifests } from "@/lib/domain/snapshot/from-manifests";
import { closeReportBrowser, snapshotReportPdf } from "@/lib/server/report";
import { createSnapshot } from "@/lib/server/snapshots/store";
import { generatedEdge } from "./edges";
import { generateObjects } from "./generate-manifests";

type Figure = (name: string, value: number, unit: string, target: string) => void;

/**
 * A generated cluster as a team that has done most of the work has it: mesh-wide STRICT mTLS,
 * every namespace isolated both ways (egress only inside the cluster and to DNS), allow rules per
 * caller; then an hour of telemetry along nine rules in ten (the tenth is unused), with one call
 * in twenty plaintext. Findings are the exceptions, not one per workload: about 500.
 */
export function reportBenchSnapshot(): Snapshot {
  const objects = generateObjects({ workloads: 5000, policies: 1400, namespaces: 100, networkPolicyShare: 1, seed: 5 });
  const calls: [source: string, destination: string][] = [];
  for (const o of objects) {
    if (o.kind !== "NetworkPolicy") continue;
    const metadata = o.metadata as { name: string; namespace: string };
    const spec = o.spec as { podSelector: { matchLabels: { app: string } }; ingress: { from: { namespaceSelector: { matchLabels: Record<string, string> }; podSelector: { matchLabels: { app: string } } }[] }[] };
    const from = spec.ingress[0]!.from[0]!;
    if (Number(metadata.name.slice("allow-".length)) % 10 === 0) continue;
    calls.push([`${from.namespaceSelector.matchLabels["kubernetes.io/metadata.name"]}/${from.podSelector.matchLabels.app}[Deployment]`, `${metadata.namespace}/${spec.podSelector.matchLabels.app}[Deployment]`]);
  }
  for (let i = 0; i < 100; i++) {
    objects.push({
      apiVersion: "networking.k8s.io/v1",
      kind: "NetworkPolicy",
      metadata: { name: "default-deny", namespace: `team-${String(i).padStart(3, "0")}` },
      spec: {
        podSelector: {},
        policyTypes: ["Ingress", "Egress"],
        egress: [
          { to: [{ namespaceSelector: {} }] },
          { to: [{ namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "kube-system" } } }], ports: [{ protocol: "UDP", port: 53 }, { protocol: "TCP", port: 53 }] },
        ],
      },
    });
  }
  objects.push({ apiVersion: "security.istio.io/v1", kind: "PeerAuthentication", metadata: { name: "default", namespace: "istio-system" }, spec: { mtls: { mode: "STRICT" } } });
  const read = readManifests([{ path: "generated.yaml", content: objects.map((o) => stringify(o)).join("---\n") }]);

  const byId = new Map(read.workloads.map((w) => [w.id, w]));
  const seen = new Set<string>();
  const edges: TrafficEdge[] = [];
  for (const [sourceId, destinationId] of calls) {
    const [source, destination] = [byId.get(sourceId)!, byId.get(destinationId)!];
    // Under STRICT mTLS a caller without a sidecar is refused by a meshed destination: no traffic.
    if (source === destination || seen.has(`${sourceId}>${destinationId}`) || (!source.sidecar.injected && destination.sidecar.injected)) continue;
    seen.add(`${sourceId}>${destinationId}`);
    // Without a sidecar at the destination only the source's proxy reports (encryption unknown to it).
    edges.push(generatedEdge(source, destination, destination.sidecar.injected ? (edges.length % 20 === 0 ? 0 : 1) : null));
  }
  const window = { start: "2026-01-01T11:00:00.000Z", end: "2026-01-01T12:00:00.000Z" };
  return withFindings(
    snapshotFromManifests(read, {
      name: "bench report",
      cluster: "bench",
      capturedAt: new Date(window.end),
      files: ["generated.yaml"],
      edges,
      telemetry: { state: "captured", prometheus: "generated", window, unmatched: [] },
    }),
  );
}

/** Needs a connected database (bench.ts's). */
export async function reportFigures(figure: Figure): Promise<void> {
  const snapshot = reportBenchSnapshot();
  const { id } = await createSnapshot(snapshot);
  const bySeverity = Object.entries(snapshot.findingsSummary?.findings ?? {}).map(([s, n]) => `${n} ${s}`).join(", ");
  console.log(`input: ${snapshot.workloads.length} workloads, ${snapshot.policies.length} policies, ${snapshot.edges.length} observed edges; ${snapshot.findings.length} findings (${bySeverity})`);
  try {
    const t0 = performance.now();
    const report = await snapshotReportPdf(id, { generatedBy: "bench" });
    figure("report-5000-workloads-500-findings", (performance.now() - t0) / 1000, "s", "<= 20 s");
    console.log(`  (${report.pages} pages, ${(report.pdf.length / 2 ** 20).toFixed(1)} MiB; ${snapshot.findings.length} findings)`);
  } finally {
    await closeReportBrowser();
  }
}
