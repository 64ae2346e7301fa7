/**
 * What every finding detector reads: the snapshot, the engine's answer for it (what the policies
 * allow), and the observed traffic indexed by workload pair. Built once per analysis.
 */
import { analyzeMesh, type MeshAnalysis } from "../engine/mesh";
import type { Finding, FindingKind, Snapshot, TimeWindow, TrafficEdge } from "../model";

export interface FindingContext {
  snapshot: Snapshot;
  /** The engine's answer; its workload indices are the snapshot's `workloads` indices. */
  analysis: MeshAnalysis;
  /** Workload id -> index into `snapshot.workloads`. */
  index: ReadonlyMap<string, number>;
  /** Observed edges between two workloads of the snapshot, by {@link pairKey}. */
  observedPairs: ReadonlyMap<string, TrafficEdge[]>;
  /** Per workload id, its observed edges as source and as destination (any peer kind). */
  observedFrom: ReadonlyMap<string, TrafficEdge[]>;
  observedTo: ReadonlyMap<string, TrafficEdge[]>;
  /**
   * The telemetry window when telemetry was captured. Null: no telemetry, so detectors that
   * compare what is allowed with what was observed must not report anything.
   */
  window: TimeWindow | null;
}

/** A detector turns the context into findings of its kinds. Pure and deterministic. */
export type Detector = (context: FindingContext) => Finding[];

export const pairKey = (source: string, destination: string) => `${source}>${destination}`;

/** A finding id: the kind and what it is about, e.g. `no-default-deny:blog`. */
export const findingId = (kind: FindingKind, ...parts: string[]) => `${kind}:${parts.join(",")}`;

export function buildContext(snapshot: Snapshot, analysis: MeshAnalysis = analyzeMesh(snapshot)): FindingContext {
  const index = new Map(snapshot.workloads.map((w, i) => [w.id, i]));
  const observedPairs = new Map<string, TrafficEdge[]>();
  const observedFrom = new Map<string, TrafficEdge[]>();
  const observedTo = new Map<string, TrafficEdge[]>();
  const push = (map: Map<string, TrafficEdge[]>, key: string, edge: TrafficEdge) => {
    const list = map.get(key);
    if (list) list.push(edge);
    else map.set(key, [edge]);
  };
  for (const edge of snapshot.edges) {
    if (edge.source.kind === "workload") push(observedFrom, edge.source.id, edge);
    if (edge.destination.kind === "workload") push(observedTo, edge.destination.id, edge);
    if (edge.source.kind === "workload" && edge.destination.kind === "workload") push(observedPairs, pairKey(edge.source.id, edge.destination.id), edge);
  }
  const telemetry = snapshot.telemetry;
  return { snapshot, analysis, index, observedPairs, observedFrom, observedTo, window: telemetry?.state === "captured" ? telemetry.window : null };
}
