/**
 * The diff overlay hook: another view (a snapshot diff) marks nodes and edges as added or changed,
 * and the graph draws them with a halo. Marks are given on the full graph (workload ids, and
 * `source>target` for edges); this maps them onto what a view draws, where a collapsed namespace
 * stands for its workloads and a merged edge for its members.
 */
import type { SnapshotGraph } from "./model";

export type DiffMark = "added" | "changed";

export interface DiffOverlay {
  /** By node id. */
  nodes: ReadonlyMap<string, DiffMark>;
  /** By `source>target` (node ids of the full graph). */
  edges: ReadonlyMap<string, DiffMark>;
}

/** The overlay by the ids a view draws: node ids and edge ids. */
export interface ResolvedOverlay {
  nodes: Map<string, DiffMark>;
  edges: Map<string, DiffMark>;
}

/**
 * Marks of the full graph carried onto a view of it. A collapsed namespace is "added" when every
 * marked member inside it is added and all its members are marked, else "changed" when any
 * member is marked; a merged edge likewise from its member edges.
 */
export function resolveOverlay(full: SnapshotGraph, view: SnapshotGraph, overlay: DiffOverlay): ResolvedOverlay {
  const nodes = new Map<string, DiffMark>();
  const edges = new Map<string, DiffMark>();
  const pairOf = new Map(full.edges.map((e) => [e.id, `${e.source}>${e.target}`]));
  const merge = (marks: (DiffMark | undefined)[]): DiffMark | undefined => {
    const marked = marks.filter((m) => m !== undefined);
    if (marked.length === 0) return undefined;
    return marked.length === marks.length && marked.every((m) => m === "added") ? "added" : "changed";
  };

  const membersByNamespace = new Map<string, (DiffMark | undefined)[]>();
  for (const node of full.nodes) {
    if (node.namespace === null) continue;
    const list = membersByNamespace.get(node.namespace) ?? [];
    list.push(overlay.nodes.get(node.id));
    membersByNamespace.set(node.namespace, list);
  }
  for (const node of view.nodes) {
    const mark = node.kind === "namespace" ? merge(membersByNamespace.get(node.namespace!) ?? []) : overlay.nodes.get(node.id);
    if (mark) nodes.set(node.id, mark);
  }
  for (const edge of view.edges) {
    const mark = edge.members ? merge(edge.members.map((id) => overlay.edges.get(pairOf.get(id) ?? ""))) : overlay.edges.get(`${edge.source}>${edge.target}`);
    if (mark) edges.set(edge.id, mark);
  }
  return { nodes, edges };
}
