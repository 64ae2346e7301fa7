/** @jsxImportSource @/lib/server/report/html */
/**
 * The report's vector drawings: bar charts and the namespace graph, as inline SVG that React
 * renders (every label is a text node, so cluster names stay text in the PDF).
 */
import { placeBars, type Bar } from "@/lib/domain/report/figures";
import type { NamespaceEdge, NamespaceGraph, NamespaceNode } from "@/lib/domain/report/namespace-graph";
import type { EdgeState } from "@/lib/domain/graph/model";
import { EDGE_STYLES, SEVERITY_COLORS } from "@/lib/domain/graph/styles";

/** The app graph's own styles (lib/domain/graph/styles.ts): the report reads like the screen. */
export { EDGE_STYLES, SEVERITY_COLORS } from "@/lib/domain/graph/styles";

/** An SVG stroke-dasharray for a style's dash pattern (absent for a solid line). */
const dashArray = (state: EdgeState) => (EDGE_STYLES[state].dash.length > 0 ? EDGE_STYLES[state].dash.join(" ") : undefined);

/** Horizontal bars with their labels and values; `colours` per label where they mean something. */
export function BarChart({ title, bars, colours }: { title: string; bars: readonly Bar[]; colours?: Record<string, string> }) {
  const labelWidth = 150;
  const barWidth = 300;
  const rowHeight = 22;
  const placed = placeBars(bars, { width: barWidth, rowHeight });
  const height = placed.length * rowHeight;
  return (
    <figure className="chart">
      <svg viewBox={`0 0 ${labelWidth + barWidth + 60} ${height}`} width={labelWidth + barWidth + 60} height={height} role="img" aria-label={title}>
        {placed.map((b) => (
          <g key={b.label}>
            <text x={labelWidth - 8} y={b.y + 15} textAnchor="end" className="chart-label">
              {b.label}
            </text>
            <rect x={labelWidth} y={b.y + 4} width={b.width} height={rowHeight - 8} fill={colours?.[b.label] ?? "#374151"} />
            <text x={labelWidth + b.width + 6} y={b.y + 15} className="chart-value">
              {b.value}
            </text>
          </g>
        ))}
      </svg>
      <figcaption>{title}</figcaption>
    </figure>
  );
}

const nodeRadius = (n: NamespaceNode) => Math.min(22, 7 + Math.sqrt(n.workloads) * 2.5);
/** Long names are shortened on the drawing only; the tables print them whole. */
const shorten = (text: string, max = 28) => (text.length > max ? `${text.slice(0, max - 1)}…` : text);

function edgePath(edge: NamespaceEdge, byId: ReadonlyMap<string, NamespaceNode>): string {
  const s = byId.get(edge.source)!;
  const t = byId.get(edge.target)!;
  const dx = t.x - s.x;
  const dy = t.y - s.y;
  const length = Math.hypot(dx, dy) || 1;
  // Bend to the right of the direction of travel, so A→B and B→A are two visible curves.
  const cx = (s.x + t.x) / 2 - (dy / length) * length * 0.12;
  const cy = (s.y + t.y) / 2 + (dx / length) * length * 0.12;
  // End at the target's rim, not its centre, so the arrowhead shows.
  const ex = t.x - ((t.x - cx) / Math.hypot(t.x - cx, t.y - cy)) * (nodeRadius(t) + 2);
  const ey = t.y - ((t.y - cy) / Math.hypot(t.x - cx, t.y - cy)) * (nodeRadius(t) + 2);
  const r = (v: number) => Math.round(v * 10) / 10;
  return `M${r(s.x)} ${r(s.y)} Q${r(cx)} ${r(cy)} ${r(ex)} ${r(ey)}`;
}

/** Namespaces on a circle, observed traffic between them; namespaces with findings ringed in their worst severity's colour. */
export function NamespaceGraphSvg({ graph }: { graph: NamespaceGraph }) {
  const byId = new Map(graph.nodes.map((n) => [n.id, n]));
  const fontSize = graph.nodes.length > 40 ? 6 : graph.nodes.length > 16 ? 8 : 10;
  return (
    <svg viewBox={`0 0 ${graph.size} ${graph.size}`} width="100%" role="img" aria-label="Namespaces and the observed traffic between them" className="graph">
      <defs>
        {Object.entries(EDGE_STYLES).map(([state, style]) => (
          <marker key={state} id={`arrow-${state}`} viewBox="0 0 10 10" refX="9" refY="5" markerUnits="userSpaceOnUse" markerWidth="9" markerHeight="9" orient="auto-start-reverse">
            <path d="M0 0 L10 5 L0 10 z" fill={style.color} />
          </marker>
        ))}
      </defs>
      {graph.edges.map((e) => {
        return (
          <path
            key={`${e.source}>${e.target}`}
            d={edgePath(e, byId)}
            fill="none"
            stroke={EDGE_STYLES[e.state].color}
            strokeWidth={Math.min(4, 0.8 + Math.log2(e.edges))}
            strokeDasharray={dashArray(e.state)}
            markerEnd={`url(#arrow-${e.state})`}
          />
        );
      })}
      {graph.nodes.map((n) => {
        const r = nodeRadius(n);
        const ring = n.worstSeverity ? SEVERITY_COLORS[n.worstSeverity] : "#6b7280";
        const below = n.y >= graph.size / 2;
        return (
          <g key={n.id}>
            <circle cx={n.x} cy={n.y} r={r} fill={n.kind === "namespace" ? "#ffffff" : "#e5e7eb"} stroke={ring} strokeWidth={n.findings ? 3.5 : 1} strokeDasharray={n.kind === "namespace" ? undefined : "3 2"} />
            <text x={n.x} y={below ? n.y + r + fontSize + 2 : n.y - r - fontSize - 4} textAnchor="middle" fontSize={fontSize} className="node-label">
              {shorten(n.id)}
            </text>
            <text x={n.x} y={below ? n.y + r + 2 * fontSize + 3 : n.y - r - 3} textAnchor="middle" fontSize={fontSize * 0.85} fill={n.findings ? ring : "#4b5563"}>
              {n.kind === "namespace" ? `${n.workloads} wl` : ""}
              {n.findings ? ` · ${n.findings} finding${n.findings === 1 ? "" : "s"}` : ""}
              {n.internalEdges ? ` · ${n.internalEdges} internal` : ""}
            </text>
          </g>
        );
      })}
    </svg>
  );
}

/** One short line in the style of an edge state, for the legend. */
export function EdgeSample({ state }: { state: EdgeState }) {
  return (
    <svg viewBox="0 0 40 10" width="40" height="10" aria-hidden="true">
      <line x1="0" y1="5" x2="40" y2="5" stroke={EDGE_STYLES[state].color} strokeWidth="2" strokeDasharray={dashArray(state)} />
    </svg>
  );
}
