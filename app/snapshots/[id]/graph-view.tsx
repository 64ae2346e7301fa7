"use client";

import { useQuery } from "@tanstack/react-query";
import { useSearchParams } from "next/navigation";
import { useCallback, useDeferredValue, useEffect, useId, useMemo, useRef, useState, type FormEvent } from "react";
import { formatCount } from "@/components/format";
import { GraphCanvas, type GraphCanvasHandle, type PickKind, type Viewport } from "@/components/graph/graph-canvas";
import { GraphLegend } from "@/components/graph/graph-legend";
import { labelText } from "@/components/label-chips";
import { snapshotGraphQuery, snapshotViewQuery, type SnapshotViewResponse } from "@/components/queries";
import { collapsedSet, collapseGraph, namespaceNodeId, opensCollapsed } from "@/lib/domain/graph/collapse";
import { filterGraph, focusGraph, type FindingFacts } from "@/lib/domain/graph/filter";
import type { SnapshotGraph } from "@/lib/domain/graph/model";
import { resolveOverlay, type DiffOverlay } from "@/lib/domain/graph/overlay";
import { GRAPH_LAYERS, historyMode, readViewState, writeViewState, type GraphLayer, type GraphViewState } from "@/lib/domain/graph/view-state";
import { GraphFiltersForm } from "./graph-filters";
import { GraphSelection, type GraphSelectionItem } from "./graph-selection";

const LAYER_LABELS: Record<GraphLayer, string> = { observed: "Observed traffic", allowed: "Allowed paths", findings: "Findings only" };

/** The view's state but the viewport, which the canvas owns (and writes to the URL itself). */
type ViewState = Omit<GraphViewState, "viewport">;

const currentParams = () => new URLSearchParams(window.location.search);
const urlWith = (params: URLSearchParams) => {
  const search = params.toString();
  return `${window.location.pathname}${search ? `?${search}` : ""}${window.location.hash}`;
};

/**
 * The Graph tab: loads the graph (and the findings, from the page's view) and shows it. `overlay`
 * marks nodes and edges a diff found added or changed (lib/domain/graph/overlay.ts).
 */
export function GraphView({ id, overlay = null }: { id: string; overlay?: DiffOverlay | null }) {
  const graph = useQuery(snapshotGraphQuery(id));
  const view = useQuery(snapshotViewQuery(id));
  const params = useSearchParams();
  const [initial] = useState(() => readViewState(new URLSearchParams(params.toString())));
  if (!graph.data) {
    return graph.error ? (
      <p role="alert" className="alert alert-error">
        Could not load the graph: {graph.error.message}
      </p>
    ) : (
      <p className="muted">Loading the graph…</p>
    );
  }
  if (graph.data.nodes.length === 0) return <p className="muted">This snapshot has no workloads or traffic to draw.</p>;
  return <GraphExplorer id={id} graph={graph.data} view={view.data} initial={initial} overlay={overlay} />;
}

interface ExplorerProps {
  id: string;
  graph: SnapshotGraph;
  view: SnapshotViewResponse | undefined;
  initial: GraphViewState;
  overlay: DiffOverlay | null;
}

function GraphExplorer({ id, graph, view, initial, overlay }: ExplorerProps) {
  const [state, setState] = useState<ViewState>(initial);
  const [announcement, setAnnouncement] = useState("");
  const [exportError, setExportError] = useState<string | null>(null);
  const canvas = useRef<GraphCanvasHandle>(null);
  const viewportTimer = useRef<number | undefined>(undefined);
  const pendingViewport = useRef<Viewport | null>(null);
  const firstWrite = useRef(true);
  const ids = useId();
  const update = useCallback((patch: Partial<ViewState>) => setState((s) => ({ ...s, ...patch })), []);

  // What is drawn: filters on the whole graph, then collapsed namespaces, then the focus.
  const findingOf = useMemo(() => new Map<string, FindingFacts>((view?.findings ?? []).map((f) => [f.id, f])), [view]);
  const collapsed = useMemo(
    () => collapsedSet(graph, state.collapseBase ?? (opensCollapsed(graph) ? "collapsed" : "expanded"), state.toggled),
    [graph, state.collapseBase, state.toggled],
  );
  const filtered = useMemo(() => filterGraph(graph, state.filters, findingOf), [graph, state.filters, findingOf]);
  const grouped = useMemo(() => collapseGraph(filtered, collapsed), [filtered, collapsed]);
  const shown = useMemo(() => (state.focus ? focusGraph(grouped, state.focus) : grouped), [grouped, state.focus]);
  const resolved = useMemo(() => (overlay ? resolveOverlay(graph, shown, overlay) : null), [graph, shown, overlay]);

  const nodes = useMemo(() => new Map([...graph.nodes, ...shown.nodes].map((n) => [n.id, n])), [graph, shown]);
  const edges = useMemo(() => new Map([...graph.edges, ...shown.edges].map((e) => [e.id, e])), [graph, shown]);
  const findings = useMemo(() => new Map((view?.findings ?? []).map((f) => [f.id, f])), [view]);
  const workloads = useMemo(() => new Map((view?.workloads ?? []).map((w) => [w.id, w])), [view]);
  const options = useMemo(
    () => ({
      namespaces: graph.namespaces.map((ns) => ns.name),
      findingKinds: [...new Set((view?.findings ?? []).map((f) => f.kind))].sort(),
      protocols: [...new Set(graph.edges.flatMap((e) => e.protocols))].sort(),
    }),
    [graph, view],
  );

  // Search: a node's label and its workload's labels (`app=web`), among what is drawn, in id order.
  const searchIndex = useMemo(
    () => shown.nodes.map((n) => ({ id: n.id, text: `${n.label} ${labelText(workloads.get(n.id)?.labels ?? null)}`.toLowerCase() })).sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0)),
    [shown, workloads],
  );
  const matchesOf = useCallback(
    (text: string) => {
      const needle = text.trim().toLowerCase();
      return needle ? searchIndex.filter((s) => s.text.includes(needle)).map((s) => s.id) : null;
    },
    [searchIndex],
  );
  const deferredQuery = useDeferredValue(state.query);
  const matches = useMemo(() => matchesOf(deferredQuery), [matchesOf, deferredQuery]);
  const highlight = useMemo(() => (matches ? new Set(matches) : null), [matches]);

  /** Writes a pending viewport into the current history entry before the history moves on. */
  const flushViewport = useCallback(() => {
    window.clearTimeout(viewportTimer.current);
    const v = pendingViewport.current;
    pendingViewport.current = null;
    if (!v) return;
    const params = currentParams();
    const next = writeViewState(params, { ...readViewState(params), viewport: v });
    if (next.toString() !== params.toString()) window.history.replaceState(null, "", urlWith(next));
  }, []);

  // The state into the URL: a history step for discrete choices, in place for typing (view-state.ts).
  useEffect(() => {
    flushViewport();
    const params = currentParams();
    const next = writeViewState(params, { ...state, viewport: readViewState(params).viewport });
    const mode = firstWrite.current ? (next.toString() === params.toString() ? null : "replace") : historyMode(params, next);
    firstWrite.current = false;
    if (mode === "push") window.history.pushState(null, "", urlWith(next));
    else if (mode === "replace") window.history.replaceState(null, "", urlWith(next));
  }, [state, flushViewport]);

  // Back and forward: the entry's state and viewport come back.
  useEffect(() => {
    const onPopState = () => {
      window.clearTimeout(viewportTimer.current);
      pendingViewport.current = null;
      const { viewport, ...restored } = readViewState(currentParams());
      setState(restored);
      if (viewport) canvas.current?.setViewport(viewport);
    };
    window.addEventListener("popstate", onPopState);
    return () => window.removeEventListener("popstate", onPopState);
  }, []);
  useEffect(() => () => window.clearTimeout(viewportTimer.current), []);

  const onViewportChange = useCallback(
    (v: Viewport) => {
      pendingViewport.current = v;
      window.clearTimeout(viewportTimer.current);
      viewportTimer.current = window.setTimeout(flushViewport, 300);
    },
    [flushViewport],
  );

  const setExpanded = useCallback(
    (namespace: string, expand: boolean) => {
      setState((s) => {
        const base = s.collapseBase ?? (opensCollapsed(graph) ? "collapsed" : "expanded");
        const isCollapsed = collapsedSet(graph, base, s.toggled).has(namespace);
        if (isCollapsed !== expand) return s;
        const toggled = s.toggled.includes(namespace) ? s.toggled.filter((t) => t !== namespace) : [...s.toggled, namespace];
        return { ...s, toggled, selected: expand ? null : namespaceNodeId(namespace) };
      });
      setAnnouncement(`Namespace ${namespace} ${expand ? "expanded" : "collapsed"}.`);
    },
    [graph],
  );

  // A click or Enter on a collapsed namespace expands it; on anything else, selects it.
  const onSelect = useCallback(
    (nodeOrEdge: string | null, kind: PickKind | null) => {
      const node = kind === "node" && nodeOrEdge !== null ? shown.nodes.find((n) => n.id === nodeOrEdge) : undefined;
      if (node?.kind === "namespace") setExpanded(node.namespace!, true);
      else update({ selected: nodeOrEdge });
    },
    [shown, setExpanded, update],
  );

  const item = useMemo((): GraphSelectionItem | null => {
    const findingsOf = (list: string[]) => list.flatMap((f) => findings.get(f) ?? []);
    const node = state.selected === null ? undefined : nodes.get(state.selected);
    if (node) return { kind: "node", node, workload: workloads.get(node.id), findings: findingsOf(node.findings) };
    const edge = state.selected === null ? undefined : edges.get(state.selected);
    if (!edge) return null;
    const label = (nodeId: string) => nodes.get(nodeId)?.label ?? nodeId;
    const memberStates = edge.members?.map((m) => edges.get(m)?.state ?? edge.state);
    return { kind: "edge", edge, source: label(edge.source), target: label(edge.target), findings: findingsOf(edge.findings), memberStates };
  }, [state.selected, nodes, edges, findings, workloads]);

  const onSearch = (event: FormEvent) => {
    event.preventDefault();
    const first = matchesOf(state.query)?.[0];
    if (first === undefined) return;
    canvas.current?.zoomTo(first);
    update({ selected: first });
  };

  const download = async (make: () => Promise<Blob>, suffix: string) => {
    setExportError(null);
    try {
      const url = URL.createObjectURL(await make());
      const a = document.createElement("a");
      a.href = url;
      a.download = `${id.replace(/[^A-Za-z0-9_-]+/g, "_")}-graph.${suffix}`;
      a.click();
      URL.revokeObjectURL(url);
    } catch (error) {
      setExportError(error instanceof Error ? error.message : String(error));
    }
  };

  const selectedNode = item?.kind === "node" ? item.node : null;
  const actions = item && (
    <p className="graph-selection-actions">
      <button type="button" className="button" onClick={() => canvas.current?.zoomToSelection(state.selected!)}>
        Zoom to selection
      </button>
      {selectedNode && state.focus !== selectedNode.id && (
        <button type="button" className="button" onClick={() => update({ focus: selectedNode.id })}>
          Focus on its neighbourhood
        </button>
      )}
      {selectedNode?.kind === "namespace" && (
        <button type="button" className="button" onClick={() => setExpanded(selectedNode.namespace!, true)}>
          Expand namespace
        </button>
      )}
      {selectedNode?.kind === "workload" && selectedNode.namespace !== null && (
        <button type="button" className="button" onClick={() => setExpanded(selectedNode.namespace!, false)}>
          Collapse namespace {selectedNode.namespace}
        </button>
      )}
    </p>
  );

  const filteredOut = graph.nodes.length - filtered.nodes.length;
  return (
    <div className="graph-view">
      <div className="graph-toolbar">
        <fieldset className="graph-layers">
          <legend>Show</legend>
          {GRAPH_LAYERS.map((l) => (
            <label key={l}>
              <input type="radio" name={`${ids}-layer`} value={l} checked={state.layer === l} onChange={() => update({ layer: l })} /> {LAYER_LABELS[l]}
            </label>
          ))}
        </fieldset>
        <form role="search" aria-label="Graph search" className="field" onSubmit={onSearch}>
          <label htmlFor={`${ids}-search`}>Find nodes</label>
          <input id={`${ids}-search`} type="search" value={state.query} placeholder="Name or label, Enter to go" onChange={(e) => update({ query: e.target.value })} />
        </form>
        <p role="status" className="graph-status">
          {[
            matches && `${formatCount(matches.length)} of ${formatCount(shown.nodes.length)} nodes match`,
            filteredOut > 0 && `filters hide ${formatCount(filteredOut)} of ${formatCount(graph.nodes.length)} nodes`,
            announcement,
          ]
            .filter(Boolean)
            .join("; ")}
        </p>
        <div className="graph-actions">
          <button type="button" className="button" onClick={() => canvas.current?.fit()}>
            Zoom to fit
          </button>
          <button type="button" className="button" onClick={() => update({ collapseBase: "expanded", toggled: [] })}>
            Expand all
          </button>
          <button type="button" className="button" onClick={() => update({ collapseBase: "collapsed", toggled: [] })}>
            Collapse all
          </button>
          <button type="button" className="button" onClick={() => void download(() => canvas.current!.toPng(), "png")}>
            Export PNG
          </button>
          <button type="button" className="button" onClick={() => void download(async () => new Blob([canvas.current!.toSvg()], { type: "image/svg+xml" }), "svg")}>
            Export SVG
          </button>
        </div>
      </div>
      <GraphFiltersForm filters={state.filters} options={options} onChange={(filters) => update({ filters })} />
      {state.focus && (
        <p className="graph-focus">
          Focused on <span className="cell-name">{nodes.get(state.focus)?.label ?? state.focus}</span> and its direct peers.{" "}
          <button type="button" className="button" onClick={() => update({ focus: null })}>
            Show everything
          </button>
        </p>
      )}
      {exportError && (
        <p role="alert" className="alert alert-error">
          Could not export the image: {exportError}
        </p>
      )}
      <div className="graph-layout">
        <div className="graph-main">
          <GraphCanvas
            ref={canvas}
            graph={shown}
            layer={state.layer}
            selected={state.selected}
            highlight={highlight}
            overlay={resolved}
            onSelect={onSelect}
            initialViewport={initial.viewport}
            onViewportChange={onViewportChange}
            label={`Graph of ${formatCount(shown.nodes.length)} nodes and ${formatCount(shown.edges.length)} edges`}
          />
          <GraphLegend diff={overlay !== null} />
          <p className="hint">
            The same data as tables, for screen readers and keyboard use: <a href="#snapshot-tabs">the Workloads, Traffic and Findings tabs</a>.
          </p>
        </div>
        <aside className="graph-aside" aria-live="polite" aria-label="Selection">
          <GraphSelection item={item} actions={actions} onClear={() => {
              update({ selected: null });
              canvas.current?.focus(); // back where the walk left off
            }} />
        </aside>
      </div>
    </div>
  );
}
