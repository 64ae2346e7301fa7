/**
 * Positions for the graph, computed once per snapshot and the same every time: each namespace is
 * a box of its workloads on a grid (sorted by name), boxes are packed in rows in name order, and
 * the outside world (external hosts, unknown sources, workloads telemetry named but the topology
 * lacks) is a column to the right. Linear time, so a 10,000-workload snapshot lays out in
 * milliseconds where a force simulation would take many seconds; namespaces stay together, and
 * one namespace's contents never move another's.
 */
import type { GraphEdge, GraphNamespace, GraphNode, SnapshotGraph } from "./model";

/** Layout units between two workloads of a box, and around a box's contents. */
export const CELL = 48;
const PADDING = 24;
const TITLE = 28;
const GAP = 64;

export function layoutGraph(nodes: Omit<GraphNode, "x" | "y">[], edges: GraphEdge[]): SnapshotGraph {
  const byNamespace = new Map<string, Omit<GraphNode, "x" | "y">[]>();
  const outside: Omit<GraphNode, "x" | "y">[] = [];
  for (const node of nodes) {
    if (node.namespace === null) {
      outside.push(node);
      continue;
    }
    const list = byNamespace.get(node.namespace);
    if (list) list.push(node);
    else byNamespace.set(node.namespace, [node]);
  }
  const names = [...byNamespace.keys()].sort(compare);
  const boxes = names.map((name) => {
    const members = byNamespace.get(name)!.sort((a, b) => compare(a.id, b.id));
    const columns = Math.max(1, Math.ceil(Math.sqrt(members.length)));
    const rows = Math.ceil(members.length / columns);
    return { name, members, columns, width: columns * CELL + 2 * PADDING, height: rows * CELL + 2 * PADDING + TITLE };
  });

  // Rows of boxes about as wide as the whole is tall: a square-ish picture.
  const area = boxes.reduce((sum, b) => sum + (b.width + GAP) * (b.height + GAP), 0);
  const rowWidth = Math.max(Math.sqrt(area), ...boxes.map((b) => b.width));
  const placed: GraphNode[] = [];
  const namespaces: GraphNamespace[] = [];
  let x = 0;
  let y = 0;
  let rowHeight = 0;
  let width = 0;
  for (const box of boxes) {
    if (x > 0 && x + box.width > rowWidth) {
      x = 0;
      y += rowHeight + GAP;
      rowHeight = 0;
    }
    namespaces.push({ name: box.name, x, y, width: box.width, height: box.height, workloads: box.members.length });
    box.members.forEach((node, i) => {
      const column = i % box.columns;
      const row = Math.floor(i / box.columns);
      placed.push({ ...node, x: x + PADDING + (column + 0.5) * CELL, y: y + TITLE + PADDING + (row + 0.5) * CELL });
    });
    x += box.width + GAP;
    width = Math.max(width, x - GAP);
    rowHeight = Math.max(rowHeight, box.height);
  }
  const height = y + rowHeight;

  // The outside world: a column (or several) right of the namespaces, in a fixed order.
  const order = { unknown: 0, unmatched: 1, external: 2, workload: 3, namespace: 4 } as const;
  outside.sort((a, b) => order[a.kind] - order[b.kind] || compare(a.id, b.id));
  const perColumn = Math.max(1, Math.floor(Math.max(height, CELL * 4) / (CELL * 1.5)));
  const left = width + GAP * 2;
  outside.forEach((node, i) => {
    placed.push({ ...node, x: left + Math.floor(i / perColumn) * CELL * 4, y: (i % perColumn) * CELL * 1.5 + CELL / 2 });
  });
  const outsideColumns = Math.ceil(outside.length / perColumn);
  return {
    nodes: placed,
    namespaces,
    edges,
    width: outside.length ? left + outsideColumns * CELL * 4 : width,
    height: Math.max(height, outside.length ? Math.min(outside.length, perColumn) * CELL * 1.5 : 0),
  };
}

const compare = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
