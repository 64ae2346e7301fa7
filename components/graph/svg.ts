/**
 * The current view as an SVG document: what the canvas shows (same filters, collapsed namespaces,
 * layer, viewport and styles), at full detail, for reports. Built with DOM calls only: every name
 * from the cluster goes in as a text node, so the markup is escaped by construction.
 */
import type { SnapshotGraph } from "@/lib/domain/graph/model";
import {
  classifyEdges,
  classifyNodes,
  DIFF_STYLES,
  EDGE_STATES,
  EDGE_STYLES,
  edgeMiddle,
  isLoop,
  NAMESPACE_SCALE,
  NODE_RADIUS,
  NODE_STYLES,
  nodeStyleOf,
  outlineScale,
  prepareGraph,
  SEVERITY_COLORS,
  type DrawView,
} from "./draw";

const NS = "http://www.w3.org/2000/svg";

/** Serialised SVG of a view (DrawView as the canvas would draw it). */
export function graphToSvg(doc: Document, graph: SnapshotGraph, view: DrawView): string {
  return new XMLSerializer().serializeToString(buildSvg(doc, graph, view));
}

function buildSvg(doc: Document, graph: SnapshotGraph, view: DrawView): SVGSVGElement {
  const p = prepareGraph(graph);
  const { k, x: tx, y: ty } = view.transform;
  const el = <K extends keyof SVGElementTagNameMap>(name: K, attributes: Record<string, string | number>, parent: Element, text?: string) => {
    const node = doc.createElementNS(NS, name);
    for (const [key, value] of Object.entries(attributes)) node.setAttribute(key, String(value));
    if (text !== undefined) node.textContent = text;
    parent.appendChild(node);
    return node;
  };
  const fmt = (v: number) => Math.round(v * 10) / 10;
  const svg = doc.createElementNS(NS, "svg");
  svg.setAttribute("xmlns", NS);
  svg.setAttribute("width", String(view.width));
  svg.setAttribute("height", String(view.height));
  svg.setAttribute("viewBox", `0 0 ${view.width} ${view.height}`);
  svg.setAttribute("font-family", "system-ui, sans-serif");
  el("title", {}, svg, "Meshlens graph");
  const defs = el("defs", {}, svg);
  for (const state of EDGE_STATES) {
    const marker = el("marker", { id: `arrow-${state}`, viewBox: "0 0 10 10", refX: 10, refY: 5, markerWidth: 6, markerHeight: 6, markerUnits: "userSpaceOnUse", orient: "auto" }, defs);
    el("path", { d: "M0 0 L10 5 L0 10 Z", fill: EDGE_STYLES[state].color }, marker);
  }
  el("rect", { width: view.width, height: view.height, fill: "#ffffff" }, svg);

  const boxes = el("g", { class: "namespaces", fill: "#f1f4f8", stroke: "#c5cbd4" }, svg);
  for (const ns of graph.namespaces) {
    const x = ns.x * k + tx;
    const y = ns.y * k + ty;
    if (x > view.width || y > view.height || x + ns.width * k < 0 || y + ns.height * k < 0) continue;
    el("rect", { x: fmt(x), y: fmt(y), width: fmt(ns.width * k), height: fmt(ns.height * k) }, boxes);
    el("text", { x: fmt(x + 6), y: fmt(y + 14 * k), "dominant-baseline": "middle", "font-size": 12, "font-weight": 600, fill: "#3b4454", stroke: "none" }, boxes, ns.name);
  }

  const r = Math.max(2, NODE_RADIUS * k);
  classifyEdges(p, view);
  classifyNodes(p, view, r);
  const edges = el("g", { class: "edges", fill: "none" }, svg);
  for (const run of p.edgeRuns) {
    const style = EDGE_STYLES[run.state];
    for (let position = run.start; position < run.end; position++) {
      const e = p.edgeOrder[position]!;
      const pass = p.edgeState[e]!;
      if (pass === 0) continue;
      const common = { stroke: style.color, "stroke-width": run.width, "stroke-dasharray": style.dash.join(" ") || "none", opacity: pass === 1 ? 0.12 : 1, "data-state": run.state };
      if (isLoop(p, e)) {
        el("circle", { cx: fmt(p.ex1[e]! * k + tx), cy: fmt(p.ey1[e]! * k + ty), r: fmt(Math.max(2, p.ex2[e]! * k)), ...common }, edges);
        continue;
      }
      el("line", { x1: fmt(p.ex1[e]! * k + tx), y1: fmt(p.ey1[e]! * k + ty), x2: fmt(p.ex2[e]! * k + tx), y2: fmt(p.ey2[e]! * k + ty), "marker-end": `url(#arrow-${run.state})`, ...common }, edges);
      if (style.cross) {
        const [mx, my] = edgeMiddle(p, e, k, tx, ty);
        const c = 3.5 + run.width / 2;
        el("path", { d: `M${fmt(mx - c)} ${fmt(my - c)} L${fmt(mx + c)} ${fmt(my + c)} M${fmt(mx - c)} ${fmt(my + c)} L${fmt(mx + c)} ${fmt(my - c)}`, stroke: style.color, "stroke-width": 2, opacity: common.opacity }, edges);
      }
    }
  }

  const nodes = el("g", { class: "nodes" }, svg);
  const labels = el("g", { class: "labels", "font-size": 11, "text-anchor": "middle", fill: "#1b2330", stroke: "#ffffff", "stroke-width": 3, "paint-order": "stroke" }, svg);
  graph.nodes.forEach((node, i) => {
    const pass = p.nodeDim[i]!;
    if (pass === 0) return;
    const style = NODE_STYLES[nodeStyleOf(node)];
    const x = p.nx[i]! * k + tx;
    const y = p.ny[i]! * k + ty;
    const g = el("g", { opacity: pass === 1 ? 0.2 : 1 }, nodes);
    const common = { fill: style.fill, stroke: style.stroke, "stroke-width": 1.5, "stroke-dasharray": style.dash.join(" ") || "none" };
    if (node.kind === "external" || node.kind === "namespace") {
      const s = node.kind === "namespace" ? r * NAMESPACE_SCALE : r * 0.9;
      el("rect", { x: fmt(x - s), y: fmt(y - s), width: fmt(2 * s), height: fmt(2 * s), rx: fmt(node.kind === "namespace" ? s / 3 : Math.min(3, s / 2)), ...common }, g);
    } else if (node.kind === "unknown") {
      const s = r * 1.2;
      el("path", { d: `M${fmt(x)} ${fmt(y - s)} L${fmt(x + s)} ${fmt(y)} L${fmt(x)} ${fmt(y + s)} L${fmt(x - s)} ${fmt(y)} Z`, ...common }, g);
    } else {
      el("circle", { cx: fmt(x), cy: fmt(y), r: fmt(r), ...common }, g);
    }
    if (node.worstSeverity) el("circle", { cx: fmt(x), cy: fmt(y), r: fmt(r * outlineScale(node.kind) + 3), fill: "none", stroke: SEVERITY_COLORS[node.worstSeverity], "stroke-width": 3 }, g);
    const mark = view.overlay?.nodes.get(node.id);
    if (mark) {
      const s = r * outlineScale(node.kind) + 7;
      el("rect", { x: fmt(x - s), y: fmt(y - s), width: fmt(2 * s), height: fmt(2 * s), fill: "none", stroke: DIFF_STYLES[mark].color, "stroke-width": 3, "stroke-dasharray": DIFF_STYLES[mark].dash.join(" ") || "none" }, g);
    }
    // Every label in full, whatever the zoom: the canvas leaves them out far away, a file can be zoomed into.
    el("text", { x: fmt(x), y: fmt(y + r * outlineScale(node.kind) + 14), opacity: pass === 1 ? 0.35 : 1 }, labels, p.nodeLabels[i]!);
  });
  return svg;
}
