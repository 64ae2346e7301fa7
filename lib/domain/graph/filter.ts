/**
 * Filters of the graph view: what stays drawn when the user narrows it by namespace, finding kind
 * or severity, protocol, edge state, or focuses on one node's neighbourhood. Pure, and positions
 * are untouched: a filtered view is the same picture with things left out.
 */
import type { Severity } from "../model";
import type { EdgeState, GraphEdge, SnapshotGraph } from "./model";

export interface GraphFilters {
  /** Nodes in these namespaces, and the edges to and from them (with their other ends). */
  namespaces: readonly string[];
  /** Nodes and edges with a finding of one of these kinds... */
  findingKinds: readonly string[];
  /** ...and of one of these severities. */
  severities: readonly Severity[];
  /** Edges that carried one of these protocols (edges with no observed traffic have none). */
  protocols: readonly string[];
  /** Edges in one of these states. */
  states: readonly EdgeState[];
}

export const NO_FILTERS: GraphFilters = { namespaces: [], findingKinds: [], severities: [], protocols: [], states: [] };

/** What the filters need to know of a finding (from the snapshot's findings). */
export interface FindingFacts {
  kind: string;
  severity: Severity;
}

export const hasFilters = (f: GraphFilters) =>
  f.namespaces.length + f.findingKinds.length + f.severities.length + f.protocols.length + f.states.length > 0;

/**
 * The graph with only what the filters keep. An edge is kept when it passes every criterion set
 * (state, protocol, a finding of the kinds and severities, an end in the namespaces). A node is
 * kept when it is an end of a kept edge, or, unless an edge criterion (state, protocol) is set,
 * when it passes the node criteria itself (its namespace, its findings). Namespace boxes without
 * a kept node are left out. Returns the same object when no filter is set.
 */
export function filterGraph(graph: SnapshotGraph, filters: GraphFilters, findingOf: ReadonlyMap<string, FindingFacts>): SnapshotGraph {
  if (!hasFilters(filters)) return graph;
  const namespaces = new Set(filters.namespaces);
  const kinds = new Set(filters.findingKinds);
  const severities = new Set(filters.severities);
  const protocols = new Set(filters.protocols);
  const states = new Set(filters.states);
  const byFindings = kinds.size + severities.size > 0;
  const findingMatches = (ids: readonly string[]) =>
    ids.some((id) => {
      const f = findingOf.get(id);
      return f !== undefined && (kinds.size === 0 || kinds.has(f.kind)) && (severities.size === 0 || severities.has(f.severity));
    });
  const namespaceOf = new Map(graph.nodes.map((n) => [n.id, n.namespace]));
  const inNamespaces = (id: string) => {
    const ns = namespaceOf.get(id);
    return ns != null && namespaces.has(ns);
  };

  const edges = graph.edges.filter(
    (e: GraphEdge) =>
      (states.size === 0 || states.has(e.state)) &&
      (protocols.size === 0 || e.protocols.some((p) => protocols.has(p))) &&
      (!byFindings || findingMatches(e.findings)) &&
      (namespaces.size === 0 || inNamespaces(e.source) || inNamespaces(e.target)),
  );
  const keep = new Set<string>();
  for (const e of edges) keep.add(e.source).add(e.target);
  if (states.size + protocols.size === 0) {
    for (const n of graph.nodes) {
      if ((namespaces.size === 0 || (n.namespace !== null && namespaces.has(n.namespace))) && (!byFindings || findingMatches(n.findings))) keep.add(n.id);
    }
  }
  return restrict(graph, keep, edges);
}

/**
 * One node's neighbourhood: the node, its direct peers (either direction) and the edges between
 * any two of them. The graph unchanged when it has no such node.
 */
export function focusGraph(graph: SnapshotGraph, nodeId: string): SnapshotGraph {
  if (!graph.nodes.some((n) => n.id === nodeId)) return graph;
  const keep = new Set([nodeId]);
  for (const e of graph.edges) {
    if (e.source === nodeId) keep.add(e.target);
    if (e.target === nodeId) keep.add(e.source);
  }
  return restrict(
    graph,
    keep,
    graph.edges.filter((e) => keep.has(e.source) && keep.has(e.target)),
  );
}

function restrict(graph: SnapshotGraph, keep: ReadonlySet<string>, edges: GraphEdge[]): SnapshotGraph {
  const nodes = graph.nodes.filter((n) => keep.has(n.id));
  const boxes = new Set(nodes.map((n) => n.namespace));
  return { ...graph, nodes, edges, namespaces: graph.namespaces.filter((ns) => boxes.has(ns.name)) };
}
