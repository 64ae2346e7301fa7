/**
 * What a link to the graph view carries, as `g_*` query parameters, so a copied link reopens the
 * same view: layer, selection, search, filters, focus, collapsed namespaces and viewport. Pure:
 * parameters in, state out, and back; anything malformed is ignored rather than refused (a
 * hand-edited link still opens).
 */
import { SEVERITIES, type Severity } from "../model";
import { NO_FILTERS, type GraphFilters } from "./filter";
import type { EdgeState } from "./model";

export type GraphLayer = "observed" | "allowed" | "findings";
export const GRAPH_LAYERS: readonly GraphLayer[] = ["observed", "allowed", "findings"];
const EDGE_STATES: readonly EdgeState[] = ["mtls", "plaintext", "mixed", "unknown", "egress", "allowed-unused"];

export interface Viewport {
  x: number;
  y: number;
  k: number;
}

export interface GraphViewState {
  layer: GraphLayer;
  selected: string | null;
  query: string;
  filters: GraphFilters;
  focus: string | null;
  /** Collapsed namespaces: a base (null: by the snapshot's size) and the namespaces toggled from it. */
  collapseBase: "collapsed" | "expanded" | null;
  toggled: readonly string[];
  viewport: Viewport | null;
}

export const DEFAULT_VIEW_STATE: GraphViewState = {
  layer: "observed",
  selected: null,
  query: "",
  filters: NO_FILTERS,
  focus: null,
  collapseBase: null,
  toggled: [],
  viewport: null,
};

/** Every parameter the view owns; others (of the page) are left alone. */
export const VIEW_PARAMS = ["g_layer", "g_sel", "g_q", "g_ns", "g_kind", "g_sev", "g_proto", "g_state", "g_focus", "g_collapse", "g_toggle", "g_x", "g_y", "g_k"] as const;
/** Parameters whose change is not a step of its own in the history: typing and panning. */
const REPLACED_PARAMS = new Set(["g_q", "g_x", "g_y", "g_k"]);

const distinct = (values: string[]) => [...new Set(values.filter((v) => v !== ""))];

export function readViewState(params: URLSearchParams): GraphViewState {
  const layer = GRAPH_LAYERS.find((l) => l === params.get("g_layer")) ?? "observed";
  const [x, y, k] = ["g_x", "g_y", "g_k"].map((name) => Number(params.get(name) ?? Number.NaN));
  const viewport = Number.isFinite(x) && Number.isFinite(y) && Number.isFinite(k) && k! > 0 ? { x: x!, y: y!, k: k! } : null;
  const collapse = params.get("g_collapse");
  return {
    layer,
    selected: params.get("g_sel") || null,
    query: params.get("g_q") ?? "",
    filters: {
      namespaces: distinct(params.getAll("g_ns")),
      findingKinds: distinct(params.getAll("g_kind")),
      severities: distinct(params.getAll("g_sev")).filter((s): s is Severity => (SEVERITIES as readonly string[]).includes(s)),
      protocols: distinct(params.getAll("g_proto")),
      states: distinct(params.getAll("g_state")).filter((s): s is EdgeState => (EDGE_STATES as readonly string[]).includes(s)),
    },
    focus: params.get("g_focus") || null,
    collapseBase: collapse === "all" ? "collapsed" : collapse === "none" ? "expanded" : null,
    toggled: distinct(params.getAll("g_toggle")),
    viewport,
  };
}

/** The state's parameters, merged into `params` (others kept); defaults are left out. */
export function writeViewState(params: URLSearchParams, state: GraphViewState): URLSearchParams {
  const out = new URLSearchParams(params);
  for (const name of VIEW_PARAMS) out.delete(name);
  const set = (name: string, value: string | null) => {
    if (value !== null && value !== "") out.set(name, value);
  };
  const add = (name: string, values: readonly string[]) => values.forEach((v) => out.append(name, v));
  set("g_layer", state.layer === "observed" ? null : state.layer);
  set("g_sel", state.selected);
  set("g_q", state.query.trim());
  add("g_ns", state.filters.namespaces);
  add("g_kind", state.filters.findingKinds);
  add("g_sev", state.filters.severities);
  add("g_proto", state.filters.protocols);
  add("g_state", state.filters.states);
  set("g_focus", state.focus);
  set("g_collapse", state.collapseBase === "collapsed" ? "all" : state.collapseBase === "expanded" ? "none" : null);
  add("g_toggle", state.toggled);
  if (state.viewport) {
    set("g_x", String(Math.round(state.viewport.x)));
    set("g_y", String(Math.round(state.viewport.y)));
    set("g_k", String(Number(state.viewport.k.toPrecision(3))));
  }
  return out;
}

/**
 * How a change of the view's parameters goes into the history: a step of its own ("push") when a
 * discrete choice changed (selection, layer, filters, focus, a namespace expanded), in place
 * ("replace") for typing a search or moving the view, nothing when equal.
 */
export function historyMode(before: URLSearchParams, after: URLSearchParams): "push" | "replace" | null {
  let replace = false;
  for (const name of VIEW_PARAMS) {
    const a = before.getAll(name).join("\n");
    const b = after.getAll(name).join("\n");
    if (a === b) continue;
    if (!REPLACED_PARAMS.has(name)) return "push";
    replace = true;
  }
  return replace ? "replace" : null;
}
