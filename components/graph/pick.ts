/**
 * What is under the pointer: the nearest node (d3-quadtree), else the nearest edge within a few
 * pixels. Edges are found through a uniform grid built once per graph: each edge is listed in
 * the cells its segment crosses, so a query tests only the edges near the pointer, whatever the
 * graph's size.
 */
import { quadtree, type Quadtree } from "d3";
import { edgeInLayer, isLoop, NODE_RADIUS, type GraphLayer, type PreparedGraph } from "./draw";

export interface Picked {
  kind: "node" | "edge";
  index: number;
  id: string;
}

/** Pointer tolerance around edges and small nodes, in screen pixels. */
const TOLERANCE = 5;
/** At most this many grid cells along the graph's longer side. */
const MAX_CELLS = 128;

export interface Picker {
  /** The node or edge at a point in layout units, at zoom `k`, among what `layer` draws. */
  pick(x: number, y: number, k: number, layer: GraphLayer): Picked | null;
  /** Builds the edge index while `more()` allows (else the first pick that needs it finishes it); true once built. */
  warm(more: () => boolean): boolean;
}

export function createPicker(p: PreparedGraph): Picker {
  const nodes = quadtree<number>()
    .x((i) => p.nx[i]!)
    .y((i) => p.ny[i]!)
    .addAll(Array.from(p.nodeOrder));
  let grid: EdgeGrid | null = null;
  const builder = edgeGridBuilder(p);
  const stamps = new Int32Array(p.edgeFlags.length);
  let query = 0;

  return {
    warm(more) {
      grid ??= builder.run(more);
      return grid !== null;
    },
    pick(x, y, k, layer) {
      const node = pickNode(nodes, x, y, k);
      if (node !== undefined) return { kind: "node", index: node, id: p.graph.nodes[node]!.id };
      grid ??= builder.run(() => true)!;
      const tolerance = TOLERANCE / k;
      const { cell, columns, rows, minX, minY, offsets, items } = grid;
      const c0 = Math.max(0, Math.floor((x - tolerance - minX) / cell) - 1);
      const c1 = Math.min(columns - 1, Math.floor((x + tolerance - minX) / cell) + 1);
      const r0 = Math.max(0, Math.floor((y - tolerance - minY) / cell) - 1);
      const r1 = Math.min(rows - 1, Math.floor((y + tolerance - minY) / cell) + 1);
      query += 1;
      let best = -1;
      let bestDistance = Infinity;
      for (let r = r0; r <= r1; r++) {
        for (let c = c0; c <= c1; c++) {
          const id = r * columns + c;
          for (let j = offsets[id]!; j < offsets[id + 1]!; j++) {
            const e = items[j]!;
            if (stamps[e] === query) continue;
            stamps[e] = query;
            if (!edgeInLayer(p, e, layer)) continue;
            const d = edgeDistance(p, e, x, y);
            const reach = (TOLERANCE + p.edgeWidths[e]! / 2) / k;
            if (d <= reach && d < bestDistance) {
              best = e;
              bestDistance = d;
            }
          }
        }
      }
      return best < 0 ? null : { kind: "edge", index: best, id: p.graph.edges[best]!.id };
    },
  };
}

function pickNode(nodes: Quadtree<number>, x: number, y: number, k: number): number | undefined {
  // Nodes are never drawn smaller than 2 px: keep them clickable when zoomed far out.
  return nodes.find(x, y, Math.max(NODE_RADIUS * 1.2, (TOLERANCE + 2) / k));
}

/** Distance from a point to an edge as drawn, in layout units. */
function edgeDistance(p: PreparedGraph, e: number, x: number, y: number): number {
  const x1 = p.ex1[e]!;
  const y1 = p.ey1[e]!;
  if (isLoop(p, e)) return Math.abs(Math.hypot(x - x1, y - y1) - p.ex2[e]!);
  const dx = p.ex2[e]! - x1;
  const dy = p.ey2[e]! - y1;
  const squared = dx * dx + dy * dy;
  const t = squared === 0 ? 0 : Math.max(0, Math.min(1, ((x - x1) * dx + (y - y1) * dy) / squared));
  return Math.hypot(x - (x1 + t * dx), y - (y1 + t * dy));
}

interface EdgeGrid {
  cell: number;
  columns: number;
  rows: number;
  minX: number;
  minY: number;
  /** Compressed rows: the edges of cell i are items[offsets[i]..offsets[i+1]). */
  offsets: Int32Array;
  items: Int32Array;
}

/**
 * Builds the edge grid in slices: `run(more)` indexes edges while `more()` allows, and returns the
 * grid once every edge is in (null before), so the work can be spread over idle time.
 */
function edgeGridBuilder(p: PreparedGraph): { run(more: () => boolean): EdgeGrid | null } {
  const m = p.edgeFlags.length;
  let minX = Infinity;
  let minY = Infinity;
  let maxX = -Infinity;
  let maxY = -Infinity;
  for (let i = 0; i < p.nx.length; i++) {
    minX = Math.min(minX, p.nx[i]!);
    maxX = Math.max(maxX, p.nx[i]!);
    minY = Math.min(minY, p.ny[i]!);
    maxY = Math.max(maxY, p.ny[i]!);
  }
  if (minX > maxX) minX = maxX = minY = maxY = 0;
  minX -= NODE_RADIUS * 2;
  minY -= NODE_RADIUS * 2;
  const cell = Math.max(96, (Math.max(maxX - minX, maxY - minY) + NODE_RADIUS * 2) / MAX_CELLS);
  const columns = Math.floor((maxX + NODE_RADIUS * 2 - minX) / cell) + 1;
  const rows = Math.floor((maxY + NODE_RADIUS * 2 - minY) / cell) + 1;
  const cellOf = (x: number, y: number) => {
    const c = Math.min(columns - 1, Math.max(0, Math.floor((x - minX) / cell)));
    const r = Math.min(rows - 1, Math.max(0, Math.floor((y - minY) / cell)));
    return r * columns + c;
  };
  // Walk each segment in steps of half a cell: every point of it is then within a quarter cell
  // of a listed cell, so a query that adds one ring of cells around the pointer finds it.
  const walk = (e: number, visit: (cell: number) => void) => {
    const x1 = p.ex1[e]!;
    const y1 = p.ey1[e]!;
    if (Number.isNaN(x1)) return;
    if (isLoop(p, e)) {
      visit(cellOf(x1, y1));
      return;
    }
    const dx = p.ex2[e]! - x1;
    const dy = p.ey2[e]! - y1;
    const steps = Math.ceil(Math.hypot(dx, dy) / (cell / 2)) + 1;
    let last = -1;
    for (let s = 0; s <= steps; s++) {
      const id = cellOf(x1 + (dx * s) / steps, y1 + (dy * s) / steps);
      if (id !== last) visit(id);
      last = id;
    }
  };
  const cells: number[][] = Array.from({ length: columns * rows }, () => []);
  let next = 0;
  return {
    run(more) {
      while (next < m) {
        const e = next++;
        walk(e, (id) => cells[id]!.push(e));
        if ((next & 31) === 0 && next < m && !more()) return null;
      }
      const offsets = new Int32Array(cells.length + 1);
      cells.forEach((list, i) => (offsets[i + 1] = offsets[i]! + list.length));
      const items = new Int32Array(offsets[cells.length]!);
      cells.forEach((list, i) => items.set(list, offsets[i]!));
      return { cell, columns, rows, minX, minY, offsets, items };
    },
  };
}
