/**
 * The snapshot as a graph (see model.ts): workloads in namespace boxes, the outside world as its
 * own nodes, observed traffic as edges with their encryption, and the paths a rule allows but
 * nobody used (from the over-permissive-path findings). Positions come from layout.ts. Linear in
 * the snapshot's size.
 */
import { SEVERITY_RANK, type Finding, type Severity, type Snapshot, type TrafficEdge, type TrafficPeer } from "../model";
import { peerLabel } from "../snapshot/view";
import { layoutGraph } from "./layout";
import type { EdgeState, GraphEdge, GraphNode, GraphNodeKind, SnapshotGraph } from "./model";


/** The node a traffic peer is drawn as. */
export function peerNodeId(peer: TrafficPeer): string {
  switch (peer.kind) {
    case "workload":
      return peer.id;
    case "external":
      return `external:${peer.host}`;
    case "unmatched":
      return `unmatched:${peer.namespace}/${peer.name}`;
    case "unknown":
      return "unknown";
  }
}

export function buildGraph(snapshot: Snapshot): SnapshotGraph {
  const findingsBySubject = new Map<string, Finding[]>();
  for (const f of snapshot.findings) {
    for (const subject of new Set(f.subjects)) {
      const list = findingsBySubject.get(subject);
      if (list) list.push(f);
      else findingsBySubject.set(subject, [f]);
    }
  }

  const nodes = new Map<string, Omit<GraphNode, "x" | "y">>();
  const addNode = (id: string, kind: GraphNodeKind, label: string, namespace: string | null, sidecar: boolean | null) => {
    if (nodes.has(id)) return;
    const findings = findingsBySubject.get(id) ?? [];
    const worst = findings.reduce<Severity | null>((w, f) => (w === null || SEVERITY_RANK[f.severity] < SEVERITY_RANK[w] ? f.severity : w), null);
    nodes.set(id, { id, kind, label, namespace, sidecar, findings: findings.map((f) => f.id), worstSeverity: worst });
  };
  for (const w of snapshot.workloads) addNode(w.id, "workload", w.id, w.namespace, w.sidecar.injected);
  const addPeer = (peer: TrafficPeer) => {
    const id = peerNodeId(peer);
    if (peer.kind === "workload") addNode(id, "workload", id, peer.id.split("/")[0]!, null);
    else if (peer.kind === "unmatched") addNode(id, "unmatched", peerLabel(peer), null, null);
    else addNode(id, peer.kind, peerLabel(peer), null, null);
  };

  const sidecarOf = new Map(snapshot.workloads.map((w) => [w.id, w.sidecar.injected]));
  const edges: GraphEdge[] = [];
  const pairFindings = (source: string, target: string) => {
    const ofTarget = new Set((findingsBySubject.get(target) ?? []).map((f) => f.id));
    return (findingsBySubject.get(source) ?? []).filter((f) => ofTarget.has(f.id)).map((f) => f.id);
  };
  const observed = new Set<string>();
  snapshot.edges.forEach((edge, i) => {
    addPeer(edge.source);
    addPeer(edge.destination);
    const source = peerNodeId(edge.source);
    const target = peerNodeId(edge.destination);
    observed.add(`${source}>${target}`);
    edges.push({
      id: `o${i}`,
      source,
      target,
      layer: "observed",
      state: observedState(edge, sidecarOf),
      protocols: edge.protocols,
      requests: edge.requests,
      bytes: edge.requestBytes + edge.responseBytes,
      connections: edge.connections,
      mtlsShare: edge.mtlsShare,
      findings: pairFindings(source, target),
    });
  });

  // Paths a rule explicitly allows that nobody used: the over-permissive findings name them
  // (subjects: the destination, the policy, then the unused sources).
  let allowed = 0;
  for (const f of snapshot.findings) {
    if (f.kind !== "over-permissive-path") continue;
    const [target, , ...sources] = f.subjects;
    if (!target || !nodes.has(target)) continue;
    for (const source of sources) {
      if (!nodes.has(source) || observed.has(`${source}>${target}`)) continue;
      observed.add(`${source}>${target}`);
      edges.push({ id: `a${allowed++}`, source, target, layer: "allowed", state: "allowed-unused", protocols: [], requests: 0, bytes: 0, connections: 0, mtlsShare: null, findings: [f.id] });
    }
  }

  return layoutGraph([...nodes.values()], edges);
}

/** How one observed edge reads: encryption as the destination reported it, or leaving the cluster. */
export function observedState(edge: TrafficEdge, sidecarOf: ReadonlyMap<string, boolean>): EdgeState {
  if (edge.destination.kind === "external") return "egress";
  if (edge.mtlsShare === null) {
    // Only the source's proxy saw it: to a workload without a sidecar it went in plaintext.
    const sidecar = edge.destination.kind === "workload" ? sidecarOf.get(edge.destination.id) : undefined;
    return sidecar === false ? "plaintext" : "unknown";
  }
  if (edge.mtlsShare >= 1) return "mtls";
  if (edge.mtlsShare <= 0) return "plaintext";
  return "mixed";
}
