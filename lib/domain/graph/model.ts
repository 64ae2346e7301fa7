/**
 * The snapshot as a graph for the interactive view: nodes with positions computed once per
 * snapshot (lib/domain/graph/layout.ts), namespace boxes, and edges with their security state.
 * Sent to the browser as-is; every string in it comes from the cluster and is hostile: render as
 * text, never as HTML.
 */
import type { Severity } from "../model";

/** "namespace": a collapsed namespace standing for its workloads (only in views, see collapse.ts). */
export type GraphNodeKind = "workload" | "external" | "unknown" | "unmatched" | "namespace";

export interface GraphNode {
  /** A workload id `ns/name[Kind]`, or `external:<host>`, `unknown`, `unmatched:<ns/name>`. */
  id: string;
  kind: GraphNodeKind;
  label: string;
  /** The namespace box it sits in; null for the outside world. */
  namespace: string | null;
  x: number;
  y: number;
  /** Workloads: whether an Istio sidecar runs beside it. */
  sidecar: boolean | null;
  /** Ids of the findings about it (as a subject), and the worst severity among them. */
  findings: string[];
  worstSeverity: Severity | null;
  /** A collapsed namespace: how many nodes it stands for. */
  members?: number;
}

export interface GraphNamespace {
  name: string;
  /** The box: top-left corner and size, in layout units. */
  x: number;
  y: number;
  width: number;
  height: number;
  workloads: number;
  /** In a view: drawn as one node (collapse.ts). */
  collapsed?: boolean;
}

/**
 * How an edge reads: observed traffic that was all mTLS, all plaintext, or both; observed with
 * encryption unknown (only the source reported); leaving the cluster; or allowed by a policy
 * rule but not used in the window.
 */
export type EdgeState = "mtls" | "plaintext" | "mixed" | "unknown" | "egress" | "allowed-unused";

export interface GraphEdge {
  id: string;
  source: string;
  target: string;
  layer: "observed" | "allowed";
  state: EdgeState;
  protocols: string[];
  requests: number;
  bytes: number;
  connections: number;
  /** Share of mTLS per the destination's report, or null. */
  mtlsShare: number | null;
  /** Ids of the findings about this pair. */
  findings: string[];
  /** An edge to or from a collapsed namespace: the ids of the edges it stands for. */
  members?: string[];
}

export interface SnapshotGraph {
  nodes: GraphNode[];
  namespaces: GraphNamespace[];
  edges: GraphEdge[];
  /** The layout's extent. */
  width: number;
  height: number;
}
