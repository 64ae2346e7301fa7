/**
 * The snapshot at namespace level for the PDF report: one node per namespace (plus the outside
 * world and unidentified sources), observed traffic aggregated per ordered pair of nodes, and
 * the findings each namespace has. A report page cannot show 5,000 workloads; it can show 100
 * namespaces. Positions on a circle, in name order, so the same snapshot draws the same picture.
 */
import { observedState } from "../graph/build";
import type { EdgeState } from "../graph/model";
import { SEVERITY_RANK, type Severity, type Snapshot, type TrafficPeer } from "../model";
import { compare } from "../manifests/sort";
import { findingNamespace } from "../snapshot/view";

export const OUTSIDE = "outside the cluster";
export const UNKNOWN = "unknown sources";

export interface NamespaceNode {
  /** The namespace name, or {@link OUTSIDE} / {@link UNKNOWN}. */
  id: string;
  kind: "namespace" | "outside" | "unknown";
  workloads: number;
  findings: number;
  worstSeverity: Severity | null;
  /** Observed edges between workloads of this namespace (drawn as a count, not a loop). */
  internalEdges: number;
  x: number;
  y: number;
}

export interface NamespaceEdge {
  source: string;
  target: string;
  /** Observed workload-level edges aggregated here, by their state. */
  states: Partial<Record<EdgeState, number>>;
  edges: number;
  requests: number;
  /** The state drawn: the least safe one present (plaintext before mixed before unknown...). */
  state: EdgeState;
}

export interface NamespaceGraph {
  nodes: NamespaceNode[];
  /** The heaviest edges (by workload edges, then requests), at most `maxEdges`. */
  edges: NamespaceEdge[];
  /** Edges left out by `maxEdges`. */
  omittedEdges: number;
  size: number;
}

/** Least safe first: an aggregated edge is drawn in the worst state it holds. */
const STATE_ORDER: EdgeState[] = ["plaintext", "mixed", "unknown", "egress", "mtls", "allowed-unused"];

function nodeOf(peer: TrafficPeer): string {
  switch (peer.kind) {
    case "workload":
      return peer.id.slice(0, peer.id.indexOf("/"));
    case "unmatched":
      return peer.namespace;
    case "external":
      return OUTSIDE;
    case "unknown":
      return UNKNOWN;
  }
}

/** Aggregates the snapshot; `size` is the square drawing's side in SVG units. */
export function namespaceGraph(snapshot: Snapshot, options: { size: number; maxEdges: number }): NamespaceGraph {
  const names = new Set(snapshot.namespaces.map((n) => n.name));
  const nodes = new Map<string, Omit<NamespaceNode, "x" | "y">>();
  const node = (id: string) => {
    let n = nodes.get(id);
    if (!n) {
      const kind = id === OUTSIDE ? "outside" : id === UNKNOWN ? "unknown" : "namespace";
      n = { id, kind, workloads: 0, findings: 0, worstSeverity: null, internalEdges: 0 };
      nodes.set(id, n);
    }
    return n;
  };
  for (const ns of snapshot.namespaces) node(ns.name);
  for (const w of snapshot.workloads) node(w.namespace).workloads += 1;
  for (const f of snapshot.findings) {
    const ns = findingNamespace(f, names);
    if (!ns) continue;
    const n = node(ns);
    n.findings += 1;
    if (n.worstSeverity === null || SEVERITY_RANK[f.severity] < SEVERITY_RANK[n.worstSeverity]) n.worstSeverity = f.severity;
  }

  const sidecarOf = new Map(snapshot.workloads.map((w) => [w.id, w.sidecar.injected]));
  const byPair = new Map<string, NamespaceEdge>();
  for (const edge of snapshot.edges) {
    const source = nodeOf(edge.source);
    const target = nodeOf(edge.destination);
    node(source);
    node(target);
    if (source === target && source !== OUTSIDE && source !== UNKNOWN) {
      node(source).internalEdges += 1;
      continue;
    }
    const key = `${source}\u0000${target}`;
    let agg = byPair.get(key);
    if (!agg) {
      agg = { source, target, states: {}, edges: 0, requests: 0, state: "mtls" };
      byPair.set(key, agg);
    }
    const state = observedState(edge, sidecarOf);
    agg.states[state] = (agg.states[state] ?? 0) + 1;
    agg.edges += 1;
    agg.requests += edge.requests;
  }
  for (const agg of byPair.values()) agg.state = STATE_ORDER.find((s) => agg.states[s]) ?? "mtls";

  const edges = [...byPair.values()].sort((a, b) => b.edges - a.edges || b.requests - a.requests || compare(a.source, b.source) || compare(a.target, b.target));
  const kept = edges.slice(0, options.maxEdges);

  // Namespaces in name order, then the outside world and unknown sources last.
  const ordered = [...nodes.values()].sort((a, b) => (a.kind === "namespace") !== (b.kind === "namespace") ? (a.kind === "namespace" ? -1 : 1) : compare(a.id, b.id));
  const centre = options.size / 2;
  const radius = options.size * 0.36;
  const placed = ordered.map((n, i) => {
    // Start at the top and go clockwise; round so the SVG text is the same on every machine.
    const angle = -Math.PI / 2 + (2 * Math.PI * i) / Math.max(1, ordered.length);
    return { ...n, x: round(centre + radius * Math.cos(angle)), y: round(centre + radius * Math.sin(angle)) };
  });
  return { nodes: placed, edges: kept, omittedEdges: edges.length - kept.length, size: options.size };
}

const round = (v: number) => Math.round(v * 10) / 10;
