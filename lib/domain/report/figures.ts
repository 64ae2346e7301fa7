/**
 * The executive summary's charts as plain numbers: findings by severity, observed edges by
 * encryption, and the geometry of a horizontal bar chart (the SVG only draws what this says).
 */
import { observedState } from "../graph/build";
import type { EdgeState } from "../graph/model";
import { SEVERITIES, type Snapshot } from "../model";

export interface Bar {
  label: string;
  value: number;
}

/** Every severity in order, zeros included, so two reports read alike. */
export function findingsBySeverity(snapshot: Snapshot): Bar[] {
  const counts = new Map<string, number>();
  for (const f of snapshot.findings) counts.set(f.severity, (counts.get(f.severity) ?? 0) + 1);
  return SEVERITIES.map((s) => ({ label: s, value: counts.get(s) ?? 0 }));
}

/** How each state of an observed edge is named in the report. */
export const EDGE_STATE_LABELS: Record<Exclude<EdgeState, "allowed-unused">, string> = {
  mtls: "mTLS",
  mixed: "partly mTLS",
  plaintext: "plaintext",
  unknown: "encryption unknown",
  egress: "leaving the cluster",
};

/** Observed edges by encryption (the graph's edge states), in a fixed order. */
export function edgesByEncryption(snapshot: Snapshot): Bar[] {
  const sidecarOf = new Map(snapshot.workloads.map((w) => [w.id, w.sidecar.injected]));
  const counts = new Map<EdgeState, number>();
  for (const edge of snapshot.edges) {
    const state = observedState(edge, sidecarOf);
    counts.set(state, (counts.get(state) ?? 0) + 1);
  }
  return (Object.keys(EDGE_STATE_LABELS) as (keyof typeof EDGE_STATE_LABELS)[]).map((s) => ({ label: EDGE_STATE_LABELS[s], value: counts.get(s) ?? 0 }));
}

export interface PlacedBar extends Bar {
  /** Top of the bar, and its length (0 for a zero value). */
  y: number;
  width: number;
}

/**
 * Horizontal bars one under the other: the longest value spans `width`, others in proportion
 * (a value > 0 is at least 1 unit long, so it stays visible next to a much larger one).
 */
export function placeBars(bars: readonly Bar[], options: { width: number; rowHeight: number }): PlacedBar[] {
  const max = Math.max(0, ...bars.map((b) => b.value));
  return bars.map((b, i) => ({
    ...b,
    y: i * options.rowHeight,
    width: max === 0 || b.value === 0 ? 0 : Math.max(1, Math.round((b.value / max) * options.width * 10) / 10),
  }));
}
