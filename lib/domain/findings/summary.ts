/** The headline figures of a snapshot's analysis (see FindingsSummary). */
import type { Finding, FindingsSummary, Severity } from "../model";
import type { FindingContext } from "./context";
import { scanPaths } from "./paths";

export function summarize(context: FindingContext, findings: readonly Finding[]): FindingsSummary {
  const { snapshot, analysis } = context;
  const n = snapshot.workloads.length;
  const bySeverity: Partial<Record<Severity, number>> = {};
  for (const f of findings) bySeverity[f.severity] = (bySeverity[f.severity] ?? 0) + 1;

  const { allowedPaths } = scanPaths(context);
  let externallyReachable = 0;
  for (let s = 0; s < n; s++) if (analysis.networkPolicies.toExternal(s).length > 0) externallyReachable += 1;
  const share = (part: number, whole: number) => (whole === 0 ? 0 : part / whole);

  let observedPaths: number | null = null;
  let externalObserved: number | null = null;
  let mtlsRequestShare: number | null = null;
  let mtlsByteShare: number | null = null;
  if (context.window) {
    observedPaths = context.observedPairs.size;
    externalObserved = [...context.observedFrom.entries()].filter(([, edges]) => edges.some((e) => e.destination.kind === "external")).length;
    // Encryption is known only where a destination proxy reported (see TrafficEdge.mtlsShare);
    // traffic only a source proxy saw went to a peer without a sidecar: plaintext to the mesh.
    let requests = 0;
    let mtlsRequests = 0;
    let bytes = 0;
    let mtlsBytes = 0;
    for (const edge of snapshot.edges) {
      if (edge.destination.kind === "external") continue;
      const mtls = edge.reportedBy === "destination" ? (edge.mtlsShare ?? 0) : 0;
      requests += edge.requests;
      mtlsRequests += edge.requests * mtls;
      const edgeBytes = edge.requestBytes + edge.responseBytes;
      bytes += edgeBytes;
      mtlsBytes += edgeBytes * mtls;
    }
    mtlsRequestShare = requests > 0 ? mtlsRequests / requests : null;
    mtlsByteShare = bytes > 0 ? mtlsBytes / bytes : null;
  }
  return {
    findings: bySeverity,
    mtlsRequestShare,
    mtlsByteShare,
    isolatedForIngress: share(analysis.networkPolicies.isolatedForIngress.filter(Boolean).length, n),
    isolatedForEgress: share(analysis.networkPolicies.isolatedForEgress.filter(Boolean).length, n),
    allowedPaths,
    observedPaths,
    externallyReachable,
    externalObserved,
  };
}
