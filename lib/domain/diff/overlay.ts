/**
 * The graph overlay of a diff: what to colour on the head snapshot's graph (lib/domain/graph),
 * keyed as the graph keys nodes (`peerNodeId`) and edges (`source>target`). Only what exists in
 * the head can be coloured: removed workloads and vanished traffic are listed by the diff page.
 */
import type { SnapshotDiff } from "./model";

export type OverlayMark = "added" | "changed";

export interface DiffOverlay {
  nodes: Map<string, OverlayMark>;
  edges: Map<string, OverlayMark>;
}

export const overlayEdgeKey = (source: string, target: string) => `${source}>${target}`;

/**
 * Nodes: workloads added or changed, and outside peers (external hosts, unknown, unmatched) first
 * seen in the head. Edges: observed traffic that appeared ("added") or changed encryption
 * ("changed"); then the allowed paths gained or changed among the diff's listed items (the graph
 * draws allowed paths only where a finding names them). Observed traffic wins over allowed paths.
 */
export function diffOverlay(diff: SnapshotDiff): DiffOverlay {
  const nodes = new Map<string, OverlayMark>();
  for (const w of diff.workloads.added.items) nodes.set(w.id, "added");
  for (const w of diff.workloads.changed.items) nodes.set(w.id, "changed");
  for (const peer of diff.edges.peersAdded) nodes.set(peer, "added");

  const edges = new Map<string, OverlayMark>();
  for (const e of diff.edges.appeared.items) edges.set(overlayEdgeKey(e.source, e.destination), "added");
  for (const e of diff.edges.encryptionChanged.items) edges.set(overlayEdgeKey(e.source, e.destination), "changed");
  const mark = (source: string, destination: string, how: OverlayMark) => {
    const key = overlayEdgeKey(source, destination);
    if (!edges.has(key)) edges.set(key, how);
  };
  for (const p of diff.paths.gained.items) mark(p.source, p.destination, "added");
  for (const p of diff.paths.changed.items) mark(p.source, p.destination, "changed");
  return { nodes, edges };
}
