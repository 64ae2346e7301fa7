/**
 * The graph on a 2D canvas, outside React: namespace boxes, edges styled by their security state,
 * nodes by kind, sidecar and worst finding. Everything is drawn in screen pixels (positions go
 * through the zoom transform once each), so line widths, dash patterns and text keep their size
 * at every zoom level. Per-graph work (indexes, edge geometry, draw order) happens once, in
 * `prepareGraph`; a frame only walks typed arrays.
 *
 * Labels come from the cluster: they are drawn with fillText, which never interprets them.
 */
import type { EdgeState, GraphNode, SnapshotGraph } from "@/lib/domain/graph/model";
import type { DiffMark, ResolvedOverlay } from "@/lib/domain/graph/overlay";
import type { GraphLayer } from "@/lib/domain/graph/view-state";
import type { Severity } from "@/lib/domain/model";

/** Which edges are drawn: observed traffic, observed plus paths allowed but unused, or only what has findings. */
export type { GraphLayer };

/** A d3-zoom transform: screen = world * k + (x, y). */
export interface Transform {
  x: number;
  y: number;
  k: number;
}

export interface DrawView {
  transform: Transform;
  layer: GraphLayer;
  hovered: string | null;
  selected: string | null;
  /** Nodes a search matched: everything else is faded. Null when not searching. */
  highlight: ReadonlySet<string> | null;
  /** The node the keyboard is on, drawn with a focus ring. */
  focused?: string | null;
  /** A pan or zoom is under way: cheaper frame (thin edges, no labels, no arrowheads). */
  moving: boolean;
  /** Full detail whatever the cost (for an export): no simplification of dense views. */
  full?: boolean;
  /** Nodes and edges a diff marks as added or changed (by the ids of this graph). */
  overlay?: ResolvedOverlay | null;
  /** CSS pixels, and device pixels per CSS pixel. */
  width: number;
  height: number;
  dpr: number;
}

// The edge and severity styles are shared with the PDF report's drawings: one table, one look.
export { EDGE_STATES, EDGE_STYLES, SEVERITY_COLORS, type EdgeStyle } from "@/lib/domain/graph/styles";
import { EDGE_STATES, EDGE_STYLES, SEVERITY_COLORS } from "@/lib/domain/graph/styles";

/** Node looks, shared with the legend. */
export const NODE_STYLES = {
  sidecar: { label: "Workload with sidecar", fill: "#ffffff", stroke: "#1b2330", dash: [] as number[] },
  noSidecar: { label: "Workload without sidecar", fill: "#e5e7eb", stroke: "#1b2330", dash: [3, 2] },
  external: { label: "External host", fill: "#dbeafe", stroke: "#1d4ed8", dash: [] as number[] },
  unknown: { label: "Unknown source", fill: "#f3f4f6", stroke: "#4b5563", dash: [] as number[] },
  unmatched: { label: "Not in the topology", fill: "#fef3c7", stroke: "#92400e", dash: [1, 2] },
  namespace: { label: "Collapsed namespace (select to expand)", fill: "#e0e7ff", stroke: "#3730a3", dash: [] as number[] },
} as const;

/** The halo of a diff mark (overlay.ts): a colour and an outline pattern of its own. */
export const DIFF_STYLES: Readonly<Record<DiffMark, { label: string; color: string; dash: readonly number[] }>> = {
  added: { label: "Added (diff)", color: "#0d9488", dash: [] },
  changed: { label: "Changed (diff)", color: "#c026d3", dash: [5, 3] },
};
/** A collapsed namespace is drawn this much larger than a workload. */
export const NAMESPACE_SCALE = 1.6;
export type NodeStyleKey = keyof typeof NODE_STYLES;
const NODE_STYLE_KEYS = Object.keys(NODE_STYLES) as NodeStyleKey[];

/** Node radius in layout units (workloads sit 48 units apart). */
export const NODE_RADIUS = 9;
/** Edges are offset this far (layout units) to their right, so A→B and B→A do not overlap. */
const EDGE_OFFSET = 2.5;
/** Zoom from which node labels are drawn. */
export const LABEL_ZOOM = 0.9;
/** Collapsed namespaces are few and far apart: their labels show from further out. */
const NAMESPACE_LABEL_ZOOM = 0.25;
/** Above this many edges a pan or zoom draws no edges at all. */
const MOVING_EDGE_LIMIT = 20_000;
/**
 * Level of detail by "ink": the total on-screen length of the edges in view, in CSS pixels.
 * Dashes cost in proportion to it (about 0.15 µs a pixel in Chromium's software canvas), and past
 * a few hundred thousand pixels the view is a hairball where no dash pattern can be read anyway:
 * above DASH_INK edges are drawn solid (arrowheads and crosses too are dropped), above WIDTH_INK
 * also one pixel wide. Zooming in brings the full encoding back.
 */
const DASH_INK = 400_000;
const WIDTH_INK = 1_500_000;
const ACCENT = "#1f5fbf";
const SEVERITY_ORDER: readonly Severity[] = ["info", "low", "medium", "high", "critical"];

const EDGE_FLAG_ALLOWED = 1;
const EDGE_FLAG_FINDINGS = 2;
const EDGE_FLAG_LOOP = 4;

/** Width of an edge in screen pixels: by volume, 1 to 6. */
export function edgeWidth(requests: number, connections: number): number {
  return Math.min(6, 1 + Math.log10(1 + Math.max(0, requests) + Math.max(0, connections)));
}

/** A run of edges in draw order sharing a state and a width (one stroke call each). */
interface EdgeRun {
  state: EdgeState;
  width: number;
  start: number;
  end: number;
}

/** A graph indexed for drawing and picking; computed once per graph object. */
export interface PreparedGraph {
  graph: SnapshotGraph;
  nodeIndex: ReadonlyMap<string, number>;
  edgeIndex: ReadonlyMap<string, number>;
  nx: Float64Array;
  ny: Float64Array;
  nodeFindings: Uint8Array;
  /** Node indexes by id, the keyboard's walking order. */
  nodeOrder: Int32Array;
  /** Short labels: a workload's name without its namespace. */
  nodeLabels: string[];
  nodeGroups: Record<NodeStyleKey, Int32Array>;
  severityGroups: { severity: Severity; nodes: Int32Array }[];
  /** The extent of the nodes and namespace boxes, in layout units (what "zoom to fit" shows). */
  bounds: { x0: number; y0: number; x1: number; y1: number };
  /** Edge geometry in layout units, trimmed to the node outlines (for loops: x1,y1 = centre, x2 = radius). */
  ex1: Float64Array;
  ey1: Float64Array;
  ex2: Float64Array;
  ey2: Float64Array;
  /** Unit direction of each edge. */
  eux: Float64Array;
  euy: Float64Array;
  edgeSource: Int32Array;
  edgeTarget: Int32Array;
  edgeFlags: Uint8Array;
  edgeWidths: Float32Array;
  edgeOrder: Int32Array;
  edgeRuns: EdgeRun[];
  /** Scratch per frame: 0 hidden, 1 faded, 2 drawn. Reused, never reallocated. */
  edgeState: Uint8Array;
  nodeDim: Uint8Array;
  highlightOf: ReadonlySet<string> | null;
  highlightMask: Uint8Array;
}

const prepared = new WeakMap<SnapshotGraph, PreparedGraph>();

/** The graph's drawing indexes, built on first use and kept while the graph object lives. */
export function prepareGraph(graph: SnapshotGraph): PreparedGraph {
  const known = prepared.get(graph);
  if (known) return known;
  const { nodes, edges } = graph;
  const n = nodes.length;
  const m = edges.length;
  const nodeIndex = new Map<string, number>();
  const nx = new Float64Array(n);
  const ny = new Float64Array(n);
  const nodeFindings = new Uint8Array(n);
  const nodeLabels: string[] = new Array<string>(n);
  const groups: Record<NodeStyleKey, number[]> = { sidecar: [], noSidecar: [], external: [], unknown: [], unmatched: [], namespace: [] };
  const bySeverity = new Map<Severity, number[]>();
  nodes.forEach((node, i) => {
    nodeIndex.set(node.id, i);
    nx[i] = node.x;
    ny[i] = node.y;
    nodeFindings[i] = node.findings.length > 0 ? 1 : 0;
    nodeLabels[i] = shortLabel(node);
    groups[nodeStyleOf(node)].push(i);
    if (node.worstSeverity) {
      const list = bySeverity.get(node.worstSeverity);
      if (list) list.push(i);
      else bySeverity.set(node.worstSeverity, [i]);
    }
  });
  const nodeOrder = Int32Array.from(nodes.map((_, i) => i).sort((a, b) => compare(nodes[a]!.id, nodes[b]!.id)));
  const bounds = { x0: Infinity, y0: Infinity, x1: -Infinity, y1: -Infinity };
  const extend = (x0: number, y0: number, x1: number, y1: number) => {
    bounds.x0 = Math.min(bounds.x0, x0);
    bounds.y0 = Math.min(bounds.y0, y0);
    bounds.x1 = Math.max(bounds.x1, x1);
    bounds.y1 = Math.max(bounds.y1, y1);
  };
  for (let i = 0; i < n; i++) extend(nx[i]! - NODE_RADIUS * 2, ny[i]! - NODE_RADIUS * 2, nx[i]! + NODE_RADIUS * 2, ny[i]! + NODE_RADIUS * 4);
  for (const box of graph.namespaces) extend(box.x, box.y, box.x + box.width, box.y + box.height);
  if (bounds.x0 > bounds.x1) Object.assign(bounds, { x0: 0, y0: 0, x1: 1, y1: 1 });

  const edgeIndex = new Map<string, number>();
  const ex1 = new Float64Array(m);
  const ey1 = new Float64Array(m);
  const ex2 = new Float64Array(m);
  const ey2 = new Float64Array(m);
  const eux = new Float64Array(m);
  const euy = new Float64Array(m);
  const edgeSource = new Int32Array(m);
  const edgeTarget = new Int32Array(m);
  const edgeFlags = new Uint8Array(m);
  const edgeWidths = new Float32Array(m);
  edges.forEach((edge, i) => {
    edgeIndex.set(edge.id, i);
    const s = nodeIndex.get(edge.source) ?? -1;
    const t = nodeIndex.get(edge.target) ?? -1;
    edgeSource[i] = s;
    edgeTarget[i] = t;
    const style = EDGE_STYLES[edge.state];
    edgeWidths[i] = style.fixedWidth ?? Math.round(edgeWidth(edge.requests, edge.connections) * 2) / 2;
    let flags = (edge.layer === "allowed" ? EDGE_FLAG_ALLOWED : 0) | (edge.findings.length > 0 ? EDGE_FLAG_FINDINGS : 0);
    if (s < 0 || t < 0) {
      // An edge to a node the graph lacks cannot be drawn; keep it out of every frame.
      ex1[i] = ey1[i] = ex2[i] = ey2[i] = Number.NaN;
    } else if (s === t) {
      flags |= EDGE_FLAG_LOOP;
      ex1[i] = nx[s]! + NODE_RADIUS * 0.9;
      ey1[i] = ny[s]! - NODE_RADIUS * 0.9;
      ex2[i] = NODE_RADIUS * 0.6;
      ey2[i] = 0;
    } else {
      const dx = nx[t]! - nx[s]!;
      const dy = ny[t]! - ny[s]!;
      const length = Math.hypot(dx, dy);
      const ux = dx / length;
      const uy = dy / length;
      eux[i] = ux;
      euy[i] = uy;
      const trimS = NODE_RADIUS * outlineScale(nodes[s]!.kind);
      const trimT = NODE_RADIUS * outlineScale(nodes[t]!.kind);
      const trim = length > trimS + trimT + 2;
      const ox = -uy * EDGE_OFFSET;
      const oy = ux * EDGE_OFFSET;
      ex1[i] = nx[s]! + (trim ? ux * trimS : 0) + ox;
      ey1[i] = ny[s]! + (trim ? uy * trimS : 0) + oy;
      ex2[i] = nx[t]! - (trim ? ux * (trimT + 1) : 0) + ox;
      ey2[i] = ny[t]! - (trim ? uy * (trimT + 1) : 0) + oy;
    }
    edgeFlags[i] = flags;
  });

  // Draw order: by state, then width, so a frame strokes one path per (state, width) run.
  const rank = new Map(EDGE_STATES.map((s, i) => [s, i]));
  const order = edges.map((_, i) => i).sort((a, b) => rank.get(edges[a]!.state)! - rank.get(edges[b]!.state)! || edgeWidths[a]! - edgeWidths[b]!);
  const edgeRuns: EdgeRun[] = [];
  order.forEach((e, position) => {
    const last = edgeRuns.at(-1);
    const state = edges[e]!.state;
    if (last && last.state === state && last.width === edgeWidths[e]) last.end = position + 1;
    else edgeRuns.push({ state, width: edgeWidths[e]!, start: position, end: position + 1 });
  });

  const result: PreparedGraph = {
    graph,
    nodeIndex,
    edgeIndex,
    nx,
    ny,
    nodeFindings,
    nodeOrder,
    nodeLabels,
    nodeGroups: Object.fromEntries(NODE_STYLE_KEYS.map((k) => [k, Int32Array.from(groups[k])])) as Record<NodeStyleKey, Int32Array>,
    severityGroups: SEVERITY_ORDER.filter((s) => bySeverity.has(s)).map((severity) => ({ severity, nodes: Int32Array.from(bySeverity.get(severity)!) })),
    bounds,
    ex1,
    ey1,
    ex2,
    ey2,
    eux,
    euy,
    edgeSource,
    edgeTarget,
    edgeFlags,
    edgeWidths,
    edgeOrder: Int32Array.from(order),
    edgeRuns,
    edgeState: new Uint8Array(m),
    nodeDim: new Uint8Array(n),
    highlightOf: null,
    highlightMask: new Uint8Array(n),
  };
  prepared.set(graph, result);
  return result;
}

/** Whether an edge is part of a layer at all (faded or not). */
export function edgeInLayer(p: PreparedGraph, edge: number, layer: GraphLayer): boolean {
  if (Number.isNaN(p.ex1[edge]!)) return false;
  return layer !== "observed" || (p.edgeFlags[edge]! & EDGE_FLAG_ALLOWED) === 0;
}

export const isLoop = (p: PreparedGraph, edge: number) => (p.edgeFlags[edge]! & EDGE_FLAG_LOOP) !== 0;

/** Draws one frame. */
export function drawGraph(ctx: CanvasRenderingContext2D, graph: SnapshotGraph, view: DrawView): void {
  drawGraphBase(ctx, graph, view);
  drawGraphOverlay(ctx, graph, view);
}

/** How much of the edge encoding a frame can afford. */
interface EdgeDetail {
  dashes: boolean;
  widths: boolean;
  /** Arrowheads and the plaintext cross. */
  marks: boolean;
}

/**
 * Everything but hover, selection and focus: what a view can cache as a bitmap while only those
 * change.
 */
export function drawGraphBase(ctx: CanvasRenderingContext2D, graph: SnapshotGraph, view: DrawView): void {
  const p = prepareGraph(graph);
  const { k } = view.transform;
  ctx.setTransform(view.dpr, 0, 0, view.dpr, 0, 0);
  ctx.globalAlpha = 1;
  ctx.fillStyle = "#ffffff";
  ctx.fillRect(0, 0, view.width, view.height);

  updateHighlight(p, view.highlight);
  drawNamespaces(ctx, graph, view);
  const nodeRadius = Math.max(2, NODE_RADIUS * k);

  const skipEdges = view.moving && graph.edges.length > MOVING_EDGE_LIMIT;
  if (view.overlay && !skipEdges) drawEdgeMarks(ctx, p, view, view.overlay);
  let simplified = false;
  if (!skipEdges) {
    const ink = classifyEdges(p, view);
    const detail: EdgeDetail = view.full
      ? { dashes: true, widths: true, marks: nodeRadius >= 3 }
      : { dashes: ink <= DASH_INK, widths: !view.moving && ink <= WIDTH_INK, marks: !view.moving && ink <= DASH_INK && nodeRadius >= 3 };
    simplified = !view.moving && !detail.dashes;
    drawEdgePass(ctx, p, view, 1, detail);
    drawEdgePass(ctx, p, view, 2, detail);
  }

  classifyNodes(p, view, nodeRadius);
  drawNodes(ctx, p, view, nodeRadius, 1);
  drawNodes(ctx, p, view, nodeRadius, 2);
  if (view.overlay) drawNodeMarks(ctx, p, view, view.overlay, nodeRadius);
  if (!view.moving && k >= NAMESPACE_LABEL_ZOOM) drawNodeLabels(ctx, p, view, nodeRadius);
  if (simplified) drawNote(ctx, view, "Dense view: line styles show when you zoom in");
  ctx.globalAlpha = 1;
}

/** Hover, selection and keyboard focus, over a base frame drawn with the same view. */
export function drawGraphOverlay(ctx: CanvasRenderingContext2D, graph: SnapshotGraph, view: DrawView): void {
  const p = prepareGraph(graph);
  ctx.setTransform(view.dpr, 0, 0, view.dpr, 0, 0);
  drawEmphasis(ctx, p, view, Math.max(2, NODE_RADIUS * view.transform.k));
}

function drawNote(ctx: CanvasRenderingContext2D, view: DrawView, text: string) {
  ctx.globalAlpha = 1;
  ctx.font = "12px system-ui, sans-serif";
  ctx.textAlign = "left";
  ctx.textBaseline = "bottom";
  const width = ctx.measureText(text).width;
  ctx.fillStyle = "rgb(255 255 255 / 85%)";
  ctx.fillRect(4, view.height - 24, width + 12, 20);
  ctx.fillStyle = "#3b4454";
  ctx.fillText(text, 10, view.height - 8);
}

export function updateHighlight(p: PreparedGraph, highlight: ReadonlySet<string> | null) {
  if (p.highlightOf === highlight) return;
  p.highlightOf = highlight;
  p.highlightMask.fill(0);
  if (!highlight) return;
  for (const id of highlight) {
    const i = p.nodeIndex.get(id);
    if (i !== undefined) p.highlightMask[i] = 1;
  }
}

/** Marks each node hidden (off screen), faded or drawn for this frame, in p.nodeDim. */
export function classifyNodes(p: PreparedGraph, view: DrawView, nodeRadius: number): void {
  const { k, x: tx, y: ty } = view.transform;
  updateHighlight(p, view.highlight);
  const nodeMargin = nodeRadius * NAMESPACE_SCALE * 1.2 + 6;
  for (let i = 0; i < p.nodeDim.length; i++) {
    const sx = p.nx[i]! * k + tx;
    const sy = p.ny[i]! * k + ty;
    const outside = sx < -nodeMargin || sy < -nodeMargin || sx > view.width + nodeMargin || sy > view.height + nodeMargin;
    // 0 hidden (off screen), 1 faded, 2 drawn.
    p.nodeDim[i] = outside ? 0 : nodeFaded(p, i, view) ? 1 : 2;
  }
}

function nodeFaded(p: PreparedGraph, i: number, view: DrawView): boolean {
  if (view.highlight) return p.highlightMask[i] === 0;
  return view.layer === "findings" && p.nodeFindings[i] === 0;
}

/** Marks each edge hidden (off layer or off screen), faded or drawn for this frame in p.edgeState; returns the ink in view. */
export function classifyEdges(p: PreparedGraph, view: DrawView): number {
  const { k, x: tx, y: ty } = view.transform;
  const { width, height, layer, highlight } = view;
  const margin = 12;
  let ink = 0;
  for (let e = 0; e < p.edgeState.length; e++) {
    if (!edgeInLayer(p, e, layer)) {
      p.edgeState[e] = 0;
      continue;
    }
    const loop = isLoop(p, e);
    const x1 = p.ex1[e]! * k + tx;
    const y1 = p.ey1[e]! * k + ty;
    const x2 = loop ? x1 : p.ex2[e]! * k + tx;
    const y2 = loop ? y1 : p.ey2[e]! * k + ty;
    if ((x1 < -margin && x2 < -margin) || (y1 < -margin && y2 < -margin) || (x1 > width + margin && x2 > width + margin) || (y1 > height + margin && y2 > height + margin)) {
      p.edgeState[e] = 0;
      continue;
    }
    let faded = layer === "findings" && (p.edgeFlags[e]! & EDGE_FLAG_FINDINGS) === 0;
    if (highlight && !faded) faded = p.highlightMask[p.edgeSource[e]!] === 0 && p.highlightMask[p.edgeTarget[e]!] === 0;
    p.edgeState[e] = faded ? 1 : 2;
    // On-screen length, clipped roughly: a line across the view costs no more than the view's diagonal.
    ink += loop ? 6 * p.ex2[e]! * k : Math.min(Math.abs(x2 - x1) + Math.abs(y2 - y1), width + height);
  }
  return ink;
}

/** Strokes the edges of one class (faded or drawn), one path per run of equal style. */
function drawEdgePass(ctx: CanvasRenderingContext2D, p: PreparedGraph, view: DrawView, pass: 1 | 2, detail: EdgeDetail) {
  const { k, x: tx, y: ty } = view.transform;
  ctx.globalAlpha = pass === 1 ? 0.12 : 1;
  ctx.lineCap = "butt";
  for (const run of p.edgeRuns) {
    const style = EDGE_STYLES[run.state];
    let any = false;
    ctx.beginPath();
    for (let position = run.start; position < run.end; position++) {
      const e = p.edgeOrder[position]!;
      if (p.edgeState[e] !== pass) continue;
      any = true;
      addEdgePath(ctx, p, e, k, tx, ty);
    }
    if (!any) continue;
    ctx.strokeStyle = style.color;
    ctx.lineWidth = detail.widths ? run.width : Math.min(1, run.width);
    ctx.setLineDash(detail.dashes ? (style.dash as number[]) : []);
    ctx.stroke();
    if (!detail.marks) continue;

    // Arrowheads at the targets, and the plaintext cross, in the same colour.
    ctx.setLineDash([]);
    ctx.fillStyle = style.color;
    ctx.beginPath();
    const head = Math.min(4 + run.width * 1.5, NODE_RADIUS * k);
    for (let position = run.start; position < run.end; position++) {
      const e = p.edgeOrder[position]!;
      if (p.edgeState[e] !== pass || isLoop(p, e)) continue;
      const x = p.ex2[e]! * k + tx;
      const y = p.ey2[e]! * k + ty;
      const ux = p.eux[e]!;
      const uy = p.euy[e]!;
      const w = head * 0.55;
      ctx.moveTo(x, y);
      ctx.lineTo(x - ux * head - uy * w, y - uy * head + ux * w);
      ctx.lineTo(x - ux * head + uy * w, y - uy * head - ux * w);
      ctx.closePath();
    }
    ctx.fill();
    if (style.cross) {
      ctx.beginPath();
      const c = 3.5 + run.width / 2;
      for (let position = run.start; position < run.end; position++) {
        const e = p.edgeOrder[position]!;
        if (p.edgeState[e] !== pass) continue;
        const [mx, my] = edgeMiddle(p, e, k, tx, ty);
        ctx.moveTo(mx - c, my - c);
        ctx.lineTo(mx + c, my + c);
        ctx.moveTo(mx - c, my + c);
        ctx.lineTo(mx + c, my - c);
      }
      ctx.lineWidth = 2;
      ctx.stroke();
    }
  }
  ctx.setLineDash([]);
}

function addEdgePath(ctx: CanvasRenderingContext2D, p: PreparedGraph, e: number, k: number, tx: number, ty: number) {
  const x1 = p.ex1[e]! * k + tx;
  const y1 = p.ey1[e]! * k + ty;
  if (isLoop(p, e)) {
    const r = Math.max(2, p.ex2[e]! * k);
    ctx.moveTo(x1 + r, y1);
    ctx.arc(x1, y1, r, 0, Math.PI * 2);
    return;
  }
  ctx.moveTo(x1, y1);
  ctx.lineTo(p.ex2[e]! * k + tx, p.ey2[e]! * k + ty);
}

/** The middle of an edge on screen (the top of a loop). */
export function edgeMiddle(p: PreparedGraph, e: number, k: number, tx: number, ty: number): [number, number] {
  if (isLoop(p, e)) return [p.ex1[e]! * k + tx, (p.ey1[e]! - p.ex2[e]!) * k + ty];
  return [((p.ex1[e]! + p.ex2[e]!) / 2) * k + tx, ((p.ey1[e]! + p.ey2[e]!) / 2) * k + ty];
}

function drawNamespaces(ctx: CanvasRenderingContext2D, graph: SnapshotGraph, view: DrawView) {
  const { k, x: tx, y: ty } = view.transform;
  ctx.lineWidth = 1;
  ctx.setLineDash([]);
  ctx.fillStyle = "#f1f4f8";
  ctx.strokeStyle = "#c5cbd4";
  ctx.beginPath();
  for (const ns of graph.namespaces) {
    const x = ns.x * k + tx;
    const y = ns.y * k + ty;
    const w = ns.width * k;
    const h = ns.height * k;
    if (x > view.width || y > view.height || x + w < 0 || y + h < 0) continue;
    ctx.rect(x, y, w, h);
  }
  ctx.fill();
  ctx.stroke();

  // Names once the title band (28 layout units) is tall enough to hold them.
  if (view.moving || 28 * k < 12) return;
  const size = Math.min(14, Math.max(10, 28 * k * 0.5));
  ctx.font = `600 ${size}px system-ui, sans-serif`;
  ctx.fillStyle = "#3b4454";
  ctx.textBaseline = "middle";
  ctx.textAlign = "left";
  for (const ns of graph.namespaces) {
    const x = ns.x * k + tx;
    const y = ns.y * k + ty;
    const w = ns.width * k;
    if (x > view.width || y > view.height || x + w < 0 || y + ns.height * k < 0) continue;
    ctx.fillText(truncate(ns.name, Math.floor((w - 12) / (size * 0.6))), x + 6, y + 14 * k);
  }
}

function drawNodes(ctx: CanvasRenderingContext2D, p: PreparedGraph, view: DrawView, r: number, pass: 1 | 2) {
  const { k, x: tx, y: ty } = view.transform;
  ctx.globalAlpha = pass === 1 ? 0.2 : 1;
  ctx.lineWidth = r >= 4 ? 1.5 : 1;
  for (const key of NODE_STYLE_KEYS) {
    const style = NODE_STYLES[key];
    const list = p.nodeGroups[key];
    ctx.beginPath();
    let any = false;
    for (let j = 0; j < list.length; j++) {
      const i = list[j]!;
      if (p.nodeDim[i] !== pass) continue;
      any = true;
      const x = p.nx[i]! * k + tx;
      const y = p.ny[i]! * k + ty;
      if (key === "external") {
        const s = r * 0.9;
        ctx.roundRect(x - s, y - s, 2 * s, 2 * s, Math.min(3, s / 2));
      } else if (key === "namespace") {
        const s = r * NAMESPACE_SCALE;
        ctx.roundRect(x - s, y - s, 2 * s, 2 * s, s / 3);
      } else if (key === "unknown") {
        const s = r * 1.2;
        ctx.moveTo(x, y - s);
        ctx.lineTo(x + s, y);
        ctx.lineTo(x, y + s);
        ctx.lineTo(x - s, y);
        ctx.closePath();
      } else {
        ctx.moveTo(x + r, y);
        ctx.arc(x, y, r, 0, Math.PI * 2);
      }
    }
    if (!any) continue;
    ctx.fillStyle = style.fill;
    ctx.fill();
    ctx.strokeStyle = style.stroke;
    ctx.setLineDash(style.dash);
    ctx.stroke();
  }
  ctx.setLineDash([]);

  // The worst finding's severity as a ring around the node.
  ctx.lineWidth = r >= 4 ? 3 : 2;
  for (const { severity, nodes } of p.severityGroups) {
    ctx.beginPath();
    let any = false;
    for (let j = 0; j < nodes.length; j++) {
      const i = nodes[j]!;
      if (p.nodeDim[i] !== pass) continue;
      any = true;
      const x = p.nx[i]! * k + tx;
      const y = p.ny[i]! * k + ty;
      const ring = r * outlineScale(p.graph.nodes[i]!.kind) + 3;
      ctx.moveTo(x + ring, y);
      ctx.arc(x, y, ring, 0, Math.PI * 2);
    }
    if (!any) continue;
    ctx.strokeStyle = SEVERITY_COLORS[severity];
    ctx.stroke();
  }
  ctx.globalAlpha = 1;
}

/** Hover, selection and keyboard focus, drawn over everything else. */
function drawEmphasis(ctx: CanvasRenderingContext2D, p: PreparedGraph, view: DrawView, r: number) {
  const { k, x: tx, y: ty } = view.transform;
  const ringAt = (id: string | null | undefined, extra: number, width: number, alpha: number, dash: number[]) => {
    const i = id == null ? undefined : p.nodeIndex.get(id);
    if (i === undefined) return false;
    ctx.beginPath();
    ctx.arc(p.nx[i]! * k + tx, p.ny[i]! * k + ty, r * outlineScale(p.graph.nodes[i]!.kind) + extra, 0, Math.PI * 2);
    ctx.globalAlpha = alpha;
    ctx.strokeStyle = ACCENT;
    ctx.lineWidth = width;
    ctx.setLineDash(dash);
    ctx.stroke();
    ctx.setLineDash([]);
    return true;
  };
  const haloAt = (id: string | null, alpha: number) => {
    const e = id === null ? undefined : p.edgeIndex.get(id);
    if (e === undefined || !edgeInLayer(p, e, view.layer)) return;
    const style = EDGE_STYLES[p.graph.edges[e]!.state];
    ctx.beginPath();
    addEdgePath(ctx, p, e, k, tx, ty);
    ctx.globalAlpha = alpha;
    ctx.strokeStyle = ACCENT;
    ctx.lineWidth = p.edgeWidths[e]! + 6;
    ctx.setLineDash([]);
    ctx.stroke();
    ctx.globalAlpha = 1;
    ctx.strokeStyle = style.color;
    ctx.lineWidth = p.edgeWidths[e]!;
    ctx.setLineDash(style.dash as number[]);
    ctx.stroke();
    ctx.setLineDash([]);
  };
  if (!ringAt(view.hovered, 5, 2, 0.5, [])) haloAt(view.hovered, 0.25);
  if (!ringAt(view.selected, 6, 3, 1, [])) haloAt(view.selected, 0.45);
  ringAt(view.focused, 10, 2, 1, [4, 3]);
  ctx.globalAlpha = 1;
}

function drawNodeLabels(ctx: CanvasRenderingContext2D, p: PreparedGraph, view: DrawView, r: number) {
  const { k, x: tx, y: ty } = view.transform;
  ctx.font = "11px system-ui, sans-serif";
  ctx.textAlign = "center";
  ctx.textBaseline = "top";
  ctx.lineJoin = "round";
  ctx.lineWidth = 3;
  ctx.strokeStyle = "#ffffff";
  // Workloads sit one cell (48 units) apart; the outside world's column is four cells wide.
  const inside = Math.max(4, Math.floor((48 * k - 4) / 6));
  const outside = Math.max(4, Math.floor((4 * 48 * k - 8) / 6));
  for (let i = 0; i < p.nodeDim.length; i++) {
    const dim = p.nodeDim[i]!;
    if (dim === 0) continue;
    const kind = p.graph.nodes[i]!.kind;
    if (k < LABEL_ZOOM && kind !== "namespace") continue;
    const x = p.nx[i]! * k + tx;
    const y = p.ny[i]! * k + ty + r * outlineScale(kind) + 7;
    const text = truncate(p.nodeLabels[i]!, p.graph.nodes[i]!.namespace === null || kind === "namespace" ? outside : inside);
    ctx.globalAlpha = dim === 1 ? 0.35 : 1;
    ctx.strokeText(text, x, y);
    ctx.fillStyle = "#1b2330";
    ctx.fillText(text, x, y);
  }
  ctx.globalAlpha = 1;
}

/** Diff halos under the edges a diff marks. */
function drawEdgeMarks(ctx: CanvasRenderingContext2D, p: PreparedGraph, view: DrawView, overlay: ResolvedOverlay) {
  const { k, x: tx, y: ty } = view.transform;
  for (const [id, mark] of overlay.edges) {
    const e = p.edgeIndex.get(id);
    if (e === undefined || !edgeInLayer(p, e, view.layer)) continue;
    ctx.beginPath();
    addEdgePath(ctx, p, e, k, tx, ty);
    ctx.globalAlpha = 0.35;
    ctx.strokeStyle = DIFF_STYLES[mark].color;
    ctx.lineWidth = p.edgeWidths[e]! + 8;
    ctx.setLineDash([]);
    ctx.stroke();
  }
  ctx.globalAlpha = 1;
}

/** Diff outlines around the nodes a diff marks: solid for added, dashed for changed. */
function drawNodeMarks(ctx: CanvasRenderingContext2D, p: PreparedGraph, view: DrawView, overlay: ResolvedOverlay, r: number) {
  const { k, x: tx, y: ty } = view.transform;
  ctx.lineWidth = 3;
  for (const [id, mark] of overlay.nodes) {
    const i = p.nodeIndex.get(id);
    if (i === undefined || p.nodeDim[i] === 0) continue;
    const style = DIFF_STYLES[mark];
    const s = r * outlineScale(p.graph.nodes[i]!.kind) + 7;
    ctx.beginPath();
    ctx.roundRect(p.nx[i]! * k + tx - s, p.ny[i]! * k + ty - s, 2 * s, 2 * s, 2);
    ctx.strokeStyle = style.color;
    ctx.setLineDash(style.dash as number[]);
    ctx.stroke();
  }
  ctx.setLineDash([]);
}

export function nodeStyleOf(node: GraphNode): NodeStyleKey {
  switch (node.kind) {
    case "workload":
      return node.sidecar === false ? "noSidecar" : "sidecar";
    case "external":
      return "external";
    case "unknown":
      return "unknown";
    case "unmatched":
      return "unmatched";
    case "namespace":
      return "namespace";
  }
}

/** How far a node's outline reaches from its centre, in units of the workload radius. */
export function outlineScale(kind: GraphNode["kind"]): number {
  return kind === "namespace" ? NAMESPACE_SCALE * 1.2 : kind === "unknown" ? 1.2 : 1;
}

/** `web/frontend[Deployment]` in the web box reads as `frontend`. */
function shortLabel(node: GraphNode): string {
  let label = node.label;
  if (node.kind === "workload" && node.namespace !== null && label.startsWith(`${node.namespace}/`)) {
    label = label.slice(node.namespace.length + 1).replace(/\[[^\]]*\]$/, "");
  }
  if (node.kind === "namespace") label = `${label} (${node.members ?? 0})`;
  return label;
}

function truncate(text: string, max: number): string {
  if (max < 2) return "";
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

const compare = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
