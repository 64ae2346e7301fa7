/**
 * Collapsed namespaces: a namespace drawn as one node at the centre of its box, standing for its
 * workloads, with their edges merged per (source, target, layer). Positions come from the layout
 * and never change, so expanding a namespace moves nothing else. Pure: a view of a graph in, a
 * view out.
 */
import { SEVERITY_RANK, type Severity } from "../model";
import type { EdgeState, GraphEdge, GraphNode, SnapshotGraph } from "./model";

/** Snapshots with more workloads than this open with every namespace collapsed. */
export const COLLAPSE_THRESHOLD = 1000;

/** Id of the node a collapsed namespace becomes. */
export const namespaceNodeId = (namespace: string) => `namespace:${namespace}`;

/**
 * Which state a merged edge shows: the worst of its members, so one plaintext edge inside a
 * collapsed namespace still reads as plaintext. Plaintext > partly plaintext > unknown >
 * leaves the cluster > mTLS > allowed but unused (the last only ever merges with itself: layers
 * are merged separately).
 */
export const STATE_PRECEDENCE: readonly EdgeState[] = ["plaintext", "mixed", "unknown", "egress", "mtls", "allowed-unused"];

/** Whether a graph is large enough to open collapsed. */
export function opensCollapsed(graph: SnapshotGraph): boolean {
  return graph.nodes.reduce((n, node) => n + (node.kind === "workload" ? 1 : 0), 0) > COLLAPSE_THRESHOLD;
}

/**
 * The graph with the given namespaces collapsed. Returns the same object when nothing is
 * collapsed, so drawing indexes cached per graph object are kept.
 */
export function collapseGraph(graph: SnapshotGraph, collapsed: ReadonlySet<string>): SnapshotGraph {
  const boxes = graph.namespaces.filter((ns) => collapsed.has(ns.name));
  if (boxes.length === 0) return graph;

  const representative = new Map<string, string>();
  const members = new Map<string, GraphNode[]>();
  const nodes: GraphNode[] = [];
  for (const node of graph.nodes) {
    if (node.namespace !== null && collapsed.has(node.namespace)) {
      representative.set(node.id, namespaceNodeId(node.namespace));
      const list = members.get(node.namespace);
      if (list) list.push(node);
      else members.set(node.namespace, [node]);
    } else {
      nodes.push(node);
    }
  }
  for (const box of boxes) {
    const inside = members.get(box.name) ?? [];
    if (inside.length === 0) continue; // a filtered view may have emptied it
    nodes.push({
      id: namespaceNodeId(box.name),
      kind: "namespace",
      label: box.name,
      namespace: box.name,
      x: box.x + box.width / 2,
      y: box.y + box.height / 2,
      sidecar: null,
      findings: union(inside.map((n) => n.findings)),
      worstSeverity: worst(inside.map((n) => n.worstSeverity)),
      members: inside.length,
    });
  }

  const edges: GraphEdge[] = [];
  const groups = new Map<string, GraphEdge[]>();
  for (const edge of graph.edges) {
    const source = representative.get(edge.source) ?? edge.source;
    const target = representative.get(edge.target) ?? edge.target;
    if (source === edge.source && target === edge.target) {
      edges.push(edge);
      continue;
    }
    const key = `${edge.layer}|${source}>${target}`;
    const list = groups.get(key);
    if (list) list.push(edge);
    else groups.set(key, [edge]);
  }
  for (const list of groups.values()) {
    const first = list[0]!;
    edges.push(mergeEdges(list, representative.get(first.source) ?? first.source, representative.get(first.target) ?? first.target));
  }
  return {
    ...graph,
    nodes,
    edges,
    namespaces: graph.namespaces.map((ns) => (collapsed.has(ns.name) ? { ...ns, collapsed: true } : ns)),
  };
}

/** One edge for edges of one layer that now join the same two nodes. */
function mergeEdges(list: GraphEdge[], source: string, target: string): GraphEdge {
  const layer = list[0]!.layer;
  let requests = 0;
  let bytes = 0;
  let connections = 0;
  let shareWeight = 0;
  let shareSum = 0;
  let state = list[0]!.state;
  for (const edge of list) {
    requests += edge.requests;
    bytes += edge.bytes;
    connections += edge.connections;
    if (STATE_PRECEDENCE.indexOf(edge.state) < STATE_PRECEDENCE.indexOf(state)) state = edge.state;
    if (edge.mtlsShare !== null) {
      // Weighted by volume: the share of all merged requests and connections that were mTLS.
      const weight = Math.max(1, edge.requests + edge.connections);
      shareWeight += weight;
      shareSum += edge.mtlsShare * weight;
    }
  }
  return {
    id: `${layer === "allowed" ? "allowed:" : ""}${source}>${target}`,
    source,
    target,
    layer,
    state,
    protocols: [...new Set(list.flatMap((e) => e.protocols))].sort(),
    requests,
    bytes,
    connections,
    mtlsShare: shareWeight > 0 ? shareSum / shareWeight : null,
    findings: union(list.map((e) => e.findings)),
    members: list.flatMap((e) => e.members ?? [e.id]),
  };
}

/** The namespaces of a graph's boxes that are collapsed, from a base ("all" or "none") and the ones toggled from it. */
export function collapsedSet(graph: SnapshotGraph, base: "collapsed" | "expanded", toggled: readonly string[]): Set<string> {
  const flip = new Set(toggled);
  return new Set(graph.namespaces.map((ns) => ns.name).filter((name) => (base === "collapsed") !== flip.has(name)));
}

function union(lists: readonly string[][]): string[] {
  return [...new Set(lists.flat())];
}

function worst(severities: readonly (Severity | null)[]): Severity | null {
  return severities.reduce<Severity | null>((w, s) => (s !== null && (w === null || SEVERITY_RANK[s] < SEVERITY_RANK[w]) ? s : w), null);
}
