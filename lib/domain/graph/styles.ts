/**
 * How the graph's edge states and finding severities look, wherever the graph is drawn: the
 * canvas, the SVG export, the legend, and the PDF report's namespace graph. Pure data.
 */
import type { Severity } from "../model";
import type { EdgeState } from "./model";

/** How an edge state looks. The encoding never relies on colour alone: each state has its own dash pattern. */
export interface EdgeStyle {
  label: string;
  color: string;
  /** Canvas / SVG dash pattern in screen pixels; empty for a solid line. */
  dash: readonly number[];
  /** A small cross at the middle of the edge. */
  cross: boolean;
  /** Drawn at this fixed width instead of by volume. */
  fixedWidth: number | null;
}

export const EDGE_STYLES: Readonly<Record<EdgeState, EdgeStyle>> = {
  mtls: { label: "mTLS", color: "#1a7f37", dash: [], cross: false, fixedWidth: null },
  plaintext: { label: "Plaintext", color: "#cf222e", dash: [6, 4], cross: true, fixedWidth: null },
  mixed: { label: "Partly plaintext", color: "#d9730d", dash: [8, 3, 2, 3], cross: false, fixedWidth: null },
  unknown: { label: "Encryption unknown", color: "#6b7280", dash: [2, 3], cross: false, fixedWidth: null },
  egress: { label: "Leaves the cluster", color: "#2563eb", dash: [10, 4], cross: false, fixedWidth: null },
  "allowed-unused": { label: "Allowed, not used", color: "#a78bfa", dash: [1, 4], cross: false, fixedWidth: 1 },
};

/** Draw order of the states: the quiet ones first, so plaintext ends on top. */
export const EDGE_STATES: readonly EdgeState[] = ["allowed-unused", "unknown", "mtls", "egress", "mixed", "plaintext"];

/** Colours of the ring a node's worst finding puts around it (same hues as the severity badges). */
export const SEVERITY_COLORS: Readonly<Record<Severity, string>> = {
  critical: "#7f1d1d",
  high: "#b42318",
  medium: "#d97706",
  low: "#0284c7",
  info: "#6b7280",
};

