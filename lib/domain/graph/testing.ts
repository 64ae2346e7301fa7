/** Small hand-made graphs for the graph view's tests. */
import type { GraphEdge, GraphNode, SnapshotGraph } from "./model";

export function node(id: string, extra: Partial<GraphNode> = {}): GraphNode {
  const namespace = id.includes("/") ? id.split("/")[0]! : null;
  return { id, kind: namespace ? "workload" : "external", label: id, namespace, x: 0, y: 0, sidecar: namespace ? true : null, findings: [], worstSeverity: null, ...extra };
}

export function edge(id: string, source: string, target: string, extra: Partial<GraphEdge> = {}): GraphEdge {
  return { id, source, target, layer: "observed", state: "mtls", protocols: ["http"], requests: 10, bytes: 100, connections: 0, mtlsShare: 1, findings: [], ...extra };
}

/**
 * Namespace `a` (box at 0,0 sized 100x60: centre 50,30) with a1, a2; namespace `b` (box at
 * 200,0 sized 40x80: centre 220,40) with b1; the external host `ext`.
 */
export function smallGraph(edges: GraphEdge[], nodes: GraphNode[] = [node("a/a1"), node("a/a2"), node("b/b1"), node("ext")]): SnapshotGraph {
  return {
    nodes,
    edges,
    namespaces: [
      { name: "a", x: 0, y: 0, width: 100, height: 60, workloads: 2 },
      { name: "b", x: 200, y: 0, width: 40, height: 80, workloads: 1 },
    ],
    width: 300,
    height: 80,
  };
}
