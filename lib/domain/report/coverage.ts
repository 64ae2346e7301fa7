/**
 * Policy coverage per namespace for the PDF report: how many workloads NetworkPolicies isolate
 * in each direction (a namespace has default deny when every workload is isolated, the same test
 * as the no-default-deny finding), how many policies of each kind it has, and the mTLS mode its
 * sidecars enforce (the engine's PeerAuthentication resolution).
 */
import { resolvePeerAuthentication, type MtlsMode } from "../engine/istio/mtls";
import { analyzeNetworkPolicies } from "../engine/network-policy/evaluate";
import type { Snapshot } from "../model";

export interface CoverageRow {
  namespace: string;
  workloads: number;
  sidecars: number;
  /** Workloads a NetworkPolicy isolates for ingress, and for egress. */
  isolatedIngress: number;
  isolatedEgress: number;
  networkPolicies: number;
  authorizationPolicies: number;
  peerAuthentications: number;
  /** Workloads with a sidecar by the weakest mode on any of their ports; then those without one. */
  mtls: Partial<Record<MtlsMode, number>>;
  noSidecar: number;
}

/** Weakest first: a workload counts under the weakest mode any of its ports accepts. */
const WEAKNESS: MtlsMode[] = ["DISABLE", "PERMISSIVE", "STRICT"];

/** One row per namespace of the snapshot, in the snapshot's order (sorted by name on ingest). */
export function coverageRows(snapshot: Snapshot): CoverageRow[] {
  const rows = new Map<string, CoverageRow>();
  const row = (namespace: string) => {
    let r = rows.get(namespace);
    if (!r) {
      r = { namespace, workloads: 0, sidecars: 0, isolatedIngress: 0, isolatedEgress: 0, networkPolicies: 0, authorizationPolicies: 0, peerAuthentications: 0, mtls: {}, noSidecar: 0 };
      rows.set(namespace, r);
    }
    return r;
  };
  for (const ns of snapshot.namespaces) row(ns.name);

  const networkPolicies = analyzeNetworkPolicies({ workloads: snapshot.workloads, namespaces: snapshot.namespaces, policies: snapshot.policies });
  const { byWorkload } = resolvePeerAuthentication({ workloads: snapshot.workloads, policies: snapshot.policies, meshConfig: snapshot.meshConfig });
  snapshot.workloads.forEach((w, i) => {
    const r = row(w.namespace);
    r.workloads += 1;
    if (networkPolicies.isolatedForIngress[i]) r.isolatedIngress += 1;
    if (networkPolicies.isolatedForEgress[i]) r.isolatedEgress += 1;
    const mtls = byWorkload.get(w.id);
    if (!w.sidecar.injected || !mtls || mtls.noSidecar) {
      r.noSidecar += 1;
      return;
    }
    r.sidecars += 1;
    const modes = [mtls.mode.mode, ...Object.values(mtls.ports).map((p) => p.mode)];
    const weakest = WEAKNESS.find((m) => modes.includes(m))!;
    r.mtls[weakest] = (r.mtls[weakest] ?? 0) + 1;
  });
  for (const p of snapshot.policies) {
    const r = row(p.namespace);
    if (p.kind === "NetworkPolicy") r.networkPolicies += 1;
    else if (p.kind === "AuthorizationPolicy") r.authorizationPolicies += 1;
    else if (p.kind === "PeerAuthentication") r.peerAuthentications += 1;
  }
  return [...rows.values()];
}

/** "yes" when every workload is isolated, "no (2 of 5 open)", or "no workloads". */
export function defaultDenyText(isolated: number, workloads: number): string {
  if (workloads === 0) return "no workloads";
  return isolated === workloads ? "yes" : `no (${workloads - isolated} of ${workloads} open)`;
}

/** "STRICT 7, PERMISSIVE 1, no sidecar 2", weakest first; "–" without workloads. */
export function mtlsText(row: Pick<CoverageRow, "mtls" | "noSidecar">): string {
  const parts = WEAKNESS.filter((m) => row.mtls[m]).map((m) => `${m} ${row.mtls[m]}`);
  if (row.noSidecar) parts.unshift(`no sidecar ${row.noSidecar}`);
  return parts.length ? parts.join(", ") : "–";
}
