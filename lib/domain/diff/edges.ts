/**
 * Observed traffic that appeared, disappeared, or changed encryption, by source and destination
 * peer as the graph draws them (`peerNodeId`). A snapshot can hold several edges for one pair
 * (one per destination service): they are added up first.
 */
import { peerNodeId } from "../graph/build";
import { compare } from "../manifests/sort";
import type { Snapshot, TrafficEdge } from "../model";
import { bounded, type EdgeItem, type EncryptionChange, type ObservedEncryption, type SnapshotDiff } from "./model";

export function diffEdges(base: Snapshot, head: Snapshot, limit: number): SnapshotDiff["edges"] {
  const before = observedPairs(base);
  const after = observedPairs(head);
  const appeared = [...after.values()].filter((e) => !before.has(key(e)));
  const disappeared = [...before.values()].filter((e) => !after.has(key(e)));
  const encryptionChanged: EncryptionChange[] = [];
  for (const now of after.values()) {
    const was = before.get(key(now));
    if (was && was.encryption !== now.encryption) {
      encryptionChanged.push({
        source: now.source,
        destination: now.destination,
        before: was.encryption,
        after: now.encryption,
        mtlsShareBefore: was.mtlsShare,
        mtlsShareAfter: now.mtlsShare,
      });
    }
  }
  const peersBefore = otherPeers(base);
  const peersAfter = otherPeers(head);
  return {
    appeared: bounded(appeared.sort(byEnds), limit),
    disappeared: bounded(disappeared.sort(byEnds), limit),
    encryptionChanged: bounded(encryptionChanged.sort(byEnds), limit),
    peersAdded: [...peersAfter].filter((p) => !peersBefore.has(p)).sort(compare),
    peersRemoved: [...peersBefore].filter((p) => !peersAfter.has(p)).sort(compare),
  };
}

const key = (e: { source: string; destination: string }) => `${e.source}>${e.destination}`;
const byEnds = (a: { source: string; destination: string }, b: { source: string; destination: string }) =>
  compare(a.source, b.source) || compare(a.destination, b.destination);

/** The snapshot's observed traffic, one item per (source, destination) peer pair. */
function observedPairs(snapshot: Snapshot): Map<string, EdgeItem> {
  const grouped = new Map<string, TrafficEdge[]>();
  for (const edge of snapshot.edges) {
    const k = `${peerNodeId(edge.source)}>${peerNodeId(edge.destination)}`;
    const list = grouped.get(k);
    if (list) list.push(edge);
    else grouped.set(k, [edge]);
  }
  const sidecar = new Map(snapshot.workloads.map((w) => [w.id, w.sidecar.injected]));
  const pairs = new Map<string, EdgeItem>();
  for (const [k, edges] of grouped) {
    const first = edges[0]!;
    const mtlsShare = combinedShare(edges);
    const destinationSidecar = first.destination.kind === "workload" ? sidecar.get(first.destination.id) : undefined;
    pairs.set(k, {
      source: peerNodeId(first.source),
      destination: peerNodeId(first.destination),
      protocols: [...new Set(edges.flatMap((e) => e.protocols))].sort(compare),
      requests: sum(edges, (e) => e.requests),
      bytes: sum(edges, (e) => e.requestBytes + e.responseBytes),
      connections: sum(edges, (e) => e.connections),
      encryption: observedEncryption(mtlsShare, destinationSidecar),
      mtlsShare,
    });
  }
  return pairs;
}

/**
 * The mTLS share over the edges a destination proxy reported, weighted by what the share is of
 * (requests and connections; an edge with neither counts once). Null when none was reported.
 */
function combinedShare(edges: readonly TrafficEdge[]): number | null {
  let units = 0;
  let mtls = 0;
  for (const e of edges) {
    if (e.mtlsShare === null) continue;
    const weight = e.requests + e.connections || 1;
    units += weight;
    mtls += e.mtlsShare * weight;
  }
  return units === 0 ? null : mtls / units;
}

/**
 * How the traffic travelled: as the destination proxy reported (all mTLS, all plaintext, or
 * both); without that report, plaintext when the destination is a workload without a sidecar
 * (nothing there could have terminated mTLS), else unknown. The graph reads edges the same way.
 */
export function observedEncryption(mtlsShare: number | null, destinationSidecar: boolean | undefined): ObservedEncryption {
  if (mtlsShare === null) return destinationSidecar === false ? "plaintext" : "unknown";
  if (mtlsShare >= 1) return "mtls";
  if (mtlsShare <= 0) return "plaintext";
  return "mixed";
}

/** Graph nodes of observed traffic that are not workloads of the snapshot. */
function otherPeers(snapshot: Snapshot): Set<string> {
  const peers = new Set<string>();
  for (const edge of snapshot.edges) {
    for (const peer of [edge.source, edge.destination]) if (peer.kind !== "workload") peers.add(peerNodeId(peer));
  }
  return peers;
}

const sum = (edges: readonly TrafficEdge[], f: (e: TrafficEdge) => number) => edges.reduce((total, e) => total + f(e), 0);
