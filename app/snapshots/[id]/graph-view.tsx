"use client";

import { useQuery } from "@tanstack/react-query";
import { useSearchParams } from "next/navigation";
import { useCallback, useDeferredValue, useEffect, useId, useMemo, useRef, useState, type FormEvent } from "react";
import { formatCount } from "@/components/format";
import { GraphCanvas, type GraphCanvasHandle, type GraphLayer, type Viewport } from "@/components/graph/graph-canvas";
import { GraphLegend } from "@/components/graph/graph-legend";
import { labelText } from "@/components/label-chips";
import { snapshotGraphQuery, snapshotViewQuery, type SnapshotViewResponse } from "@/components/queries";
import type { SnapshotGraph } from "@/lib/domain/graph/model";
import { GraphSelection, type GraphSelectionItem } from "./graph-selection";

const LAYERS: readonly { value: GraphLayer; label: string }[] = [
  { value: "observed", label: "Observed traffic" },
  { value: "allowed", label: "Allowed paths" },
  { value: "findings", label: "Findings only" },
];

/** What a copied link reopens: the layer, the selection, the search and the viewport. */
interface GraphUrlState {
  layer: GraphLayer;
  selected: string | null;
  query: string;
  viewport: Viewport | null;
}

/** Reads the g_* query parameters, ignoring anything malformed. */
function readUrlState(params: URLSearchParams): GraphUrlState {
  const layer = LAYERS.find((l) => l.value === params.get("g_layer"))?.value ?? "observed";
  const [x, y, k] = ["g_x", "g_y", "g_k"].map((name) => Number(params.get(name) ?? Number.NaN));
  const viewport = Number.isFinite(x) && Number.isFinite(y) && Number.isFinite(k) && k! > 0 ? { x: x!, y: y!, k: k! } : null;
  return { layer, selected: params.get("g_sel") || null, query: params.get("g_q") ?? "", viewport };
}

/**
 * Updates query parameters in place. history.replaceState rather than router.replace: Next keeps
 * useSearchParams in step with it, and it does not ask the server to render the page again on
 * every pan. Other parameters (a tab, say) are kept.
 */
function writeUrlState(patch: Record<string, string | null>) {
  const url = new URL(window.location.href);
  for (const [name, value] of Object.entries(patch)) {
    if (value === null || value === "") url.searchParams.delete(name);
    else url.searchParams.set(name, value);
  }
  if (url.href !== window.location.href) window.history.replaceState(null, "", url);
}

/** The Graph tab: loads the graph (and the findings, from the page's view) and shows it. */
export function GraphView({ id }: { id: string }) {
  const graph = useQuery(snapshotGraphQuery(id));
  const view = useQuery(snapshotViewQuery(id));
  const params = useSearchParams();
  const [initial] = useState(() => readUrlState(new URLSearchParams(params.toString())));
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
  return <GraphExplorer id={id} graph={graph.data} view={view.data} initial={initial} />;
}

function GraphExplorer({ id, graph, view, initial }: { id: string; graph: SnapshotGraph; view: SnapshotViewResponse | undefined; initial: GraphUrlState }) {
  const [layer, setLayer] = useState(initial.layer);
  const [selected, setSelected] = useState(initial.selected);
  const [query, setQuery] = useState(initial.query);
  const [exportError, setExportError] = useState<string | null>(null);
  const canvas = useRef<GraphCanvasHandle>(null);
  const viewportTimer = useRef<number | undefined>(undefined);
  const ids = useId();

  const nodes = useMemo(() => new Map(graph.nodes.map((n) => [n.id, n])), [graph]);
  const edges = useMemo(() => new Map(graph.edges.map((e) => [e.id, e])), [graph]);
  const findings = useMemo(() => new Map((view?.findings ?? []).map((f) => [f.id, f])), [view]);
  const workloads = useMemo(() => new Map((view?.workloads ?? []).map((w) => [w.id, w])), [view]);

  // Search: a node's label and its workload's labels (`app=web`), in id order.
  const searchIndex = useMemo(
    () => graph.nodes.map((n) => ({ id: n.id, text: `${n.label} ${labelText(workloads.get(n.id)?.labels ?? null)}`.toLowerCase() })).sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0)),
    [graph, workloads],
  );
  const matchesOf = useCallback((text: string) => {
    const needle = text.trim().toLowerCase();
    return needle ? searchIndex.filter((s) => s.text.includes(needle)).map((s) => s.id) : null;
  }, [searchIndex]);
  const deferredQuery = useDeferredValue(query);
  const matches = useMemo(() => matchesOf(deferredQuery), [matchesOf, deferredQuery]);
  const highlight = useMemo(() => (matches ? new Set(matches) : null), [matches]);

  useEffect(() => {
    writeUrlState({ g_layer: layer === "observed" ? null : layer, g_sel: selected, g_q: query.trim() || null });
  }, [layer, selected, query]);
  useEffect(() => () => window.clearTimeout(viewportTimer.current), []);

  const onViewportChange = useCallback((v: Viewport) => {
    window.clearTimeout(viewportTimer.current);
    viewportTimer.current = window.setTimeout(() => writeUrlState({ g_x: String(Math.round(v.x)), g_y: String(Math.round(v.y)), g_k: String(Number(v.k.toPrecision(3))) }), 300);
  }, []);
  const onSelect = useCallback((nodeOrEdge: string | null) => setSelected(nodeOrEdge), []);

  const item = useMemo((): GraphSelectionItem | null => {
    const findingsOf = (list: string[]) => list.flatMap((f) => findings.get(f) ?? []);
    const node = selected === null ? undefined : nodes.get(selected);
    if (node) return { kind: "node", node, workload: workloads.get(node.id), findings: findingsOf(node.findings) };
    const edge = selected === null ? undefined : edges.get(selected);
    if (!edge) return null;
    const label = (nodeId: string) => nodes.get(nodeId)?.label ?? nodeId;
    return { kind: "edge", edge, source: label(edge.source), target: label(edge.target), findings: findingsOf(edge.findings) };
  }, [selected, nodes, edges, findings, workloads]);

  const onSearch = (event: FormEvent) => {
    event.preventDefault();
    const first = matchesOf(query)?.[0];
    if (first === undefined) return;
    canvas.current?.zoomTo(first);
    setSelected(first);
  };

  const exportPng = async () => {
    setExportError(null);
    try {
      const blob = await canvas.current!.toPng();
      const url = URL.createObjectURL(blob);
      const a = document.createElement("a");
      a.href = url;
      a.download = `${id.replace(/[^A-Za-z0-9_-]+/g, "_")}-graph.png`;
      a.click();
      URL.revokeObjectURL(url);
    } catch (error) {
      setExportError(error instanceof Error ? error.message : String(error));
    }
  };

  return (
    <div className="graph-view">
      <div className="graph-toolbar">
        <fieldset className="graph-layers">
          <legend>Show</legend>
          {LAYERS.map((l) => (
            <label key={l.value}>
              <input type="radio" name={`${ids}-layer`} value={l.value} checked={layer === l.value} onChange={() => setLayer(l.value)} /> {l.label}
            </label>
          ))}
        </fieldset>
        <form role="search" aria-label="Graph search" className="field" onSubmit={onSearch}>
          <label htmlFor={`${ids}-search`}>Find nodes</label>
          <input id={`${ids}-search`} type="search" value={query} placeholder="Name or label, Enter to go" onChange={(e) => setQuery(e.target.value)} />
        </form>
        <p role="status" className="graph-status">
          {matches && `${formatCount(matches.length)} of ${formatCount(graph.nodes.length)} nodes match`}
        </p>
        <div className="graph-actions">
          <button type="button" className="button" onClick={() => canvas.current?.fit()}>
            Zoom to fit
          </button>
          <button type="button" className="button" onClick={() => void exportPng()}>
            Export PNG
          </button>
        </div>
      </div>
      {exportError && (
        <p role="alert" className="alert alert-error">
          Could not export the image: {exportError}
        </p>
      )}
      <div className="graph-layout">
        <div className="graph-main">
          <GraphCanvas
            ref={canvas}
            graph={graph}
            layer={layer}
            selected={selected}
            highlight={highlight}
            onSelect={onSelect}
            initialViewport={initial.viewport}
            onViewportChange={onViewportChange}
            label={`Graph of ${formatCount(graph.nodes.length)} nodes and ${formatCount(graph.edges.length)} edges`}
          />
          <GraphLegend />
        </div>
        <aside className="graph-aside" aria-live="polite" aria-label="Selection">
          <GraphSelection item={item} onClear={() => setSelected(null)} />
        </aside>
      </div>
    </div>
  );
}
