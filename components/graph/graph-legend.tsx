import type { EdgeState } from "@/lib/domain/graph/model";
import { DIFF_STYLES, EDGE_STATES, EDGE_STYLES, NODE_STYLES, SEVERITY_COLORS } from "./draw";

/** Legend order: worst first. */
const STATES: readonly EdgeState[] = [...EDGE_STATES].reverse();

function EdgeSample({ state }: { state: EdgeState }) {
  const style = EDGE_STYLES[state];
  return (
    <svg width="44" height="12" viewBox="0 0 44 12" aria-hidden="true" focusable="false">
      <line x1="2" y1="6" x2="34" y2="6" stroke={style.color} strokeWidth={style.fixedWidth ?? 2} strokeDasharray={style.dash.join(" ") || undefined} />
      <path d="M42 6 L34 2 L34 10 Z" fill={style.color} />
      {style.cross && <path d="M14 2 L22 10 M14 10 L22 2" stroke={style.color} strokeWidth="2" />}
    </svg>
  );
}

function NodeSample({ shape, fill, stroke, dash }: { shape: "circle" | "square" | "diamond"; fill: string; stroke: string; dash: readonly number[] }) {
  const common = { fill, stroke, strokeWidth: 1.5, strokeDasharray: dash.join(" ") || undefined };
  return (
    <svg width="16" height="16" viewBox="0 0 16 16" aria-hidden="true" focusable="false">
      {shape === "circle" ? <circle cx="8" cy="8" r="6" {...common} /> : shape === "square" ? <rect x="2" y="2" width="12" height="12" rx="2" {...common} /> : <path d="M8 1 L15 8 L8 15 L1 8 Z" {...common} />}
    </svg>
  );
}

const NODES = [
  { key: "sidecar", shape: "circle" },
  { key: "noSidecar", shape: "circle" },
  { key: "external", shape: "square" },
  { key: "unknown", shape: "diamond" },
  { key: "unmatched", shape: "circle" },
  { key: "namespace", shape: "square" },
] as const;

/**
 * What the lines and shapes of the graph mean; the samples use the canvas's own style table.
 * `diff`: the graph carries a diff overlay, whose marks are explained too.
 */
export function GraphLegend({ diff = false }: { diff?: boolean }) {
  return (
    <div className="graph-legend" role="group" aria-label="Legend">
      <ul>
        {STATES.map((state) => (
          <li key={state}>
            <EdgeSample state={state} /> {EDGE_STYLES[state].label}
          </li>
        ))}
      </ul>
      <ul>
        {NODES.map(({ key, shape }) => (
          <li key={key}>
            <NodeSample shape={shape} {...NODE_STYLES[key]} /> {NODE_STYLES[key].label}
          </li>
        ))}
        <li>
          <svg width="16" height="16" viewBox="0 0 16 16" aria-hidden="true" focusable="false">
            <circle cx="8" cy="8" r="6" fill="none" stroke={SEVERITY_COLORS.high} strokeWidth="2.5" />
          </svg>{" "}
          Ring: worst finding (colour by severity)
        </li>
        <li className="hint">Line width: volume of traffic</li>
      </ul>
      {diff && (
        <ul>
          {(["added", "changed"] as const).map((mark) => (
            <li key={mark}>
              <svg width="16" height="16" viewBox="0 0 16 16" aria-hidden="true" focusable="false">
                <rect x="1.5" y="1.5" width="13" height="13" rx="2" fill="none" stroke={DIFF_STYLES[mark].color} strokeWidth="2.5" strokeDasharray={DIFF_STYLES[mark].dash.join(" ") || undefined} />
              </svg>{" "}
              {DIFF_STYLES[mark].label}
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
