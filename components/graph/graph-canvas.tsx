"use client";

import { useEffect, useId, useImperativeHandle, useRef, useState, type Ref } from "react";
import type { SnapshotGraph } from "@/lib/domain/graph/model";
import type { ResolvedOverlay } from "@/lib/domain/graph/overlay";
import { GraphController, type ControllerCallbacks, type PickKind, type Viewport } from "./controller";
import type { GraphLayer } from "./draw";

export type { GraphLayer, PickKind, Viewport };

/** What the view can ask of the canvas. */
export interface GraphCanvasHandle {
  /** Zooms so the whole graph shows. */
  fit(): void;
  /** Centres a node (zooming in to read it); false if the graph has no such node. */
  zoomTo(nodeId: string): boolean;
  /** Zooms to a node or an edge (both its ends); false if the graph has neither. */
  zoomToSelection(id: string): boolean;
  /** Moves to a viewport without reporting it as the user's move (history navigation). */
  setViewport(viewport: Viewport): void;
  /** The current view as a PNG, drawn at full detail. */
  toPng(): Promise<Blob>;
  /** The current view as SVG text, at full detail. */
  toSvg(): string;
  /** Moves keyboard focus to the canvas. */
  focus(): void;
}

export interface GraphCanvasProps {
  graph: SnapshotGraph;
  layer: GraphLayer;
  /** A node or edge id. */
  selected: string | null;
  /** Nodes to bring forward (search matches); null shows everything alike. */
  highlight?: ReadonlySet<string> | null;
  /** Diff marks (lib/domain/graph/overlay.ts), by this graph's ids. */
  overlay?: ResolvedOverlay | null;
  onSelect: ControllerCallbacks["onSelect"];
  onHover?: ControllerCallbacks["onHover"];
  /** Where to start on the first graph; without one the graph is zoomed to fit. */
  initialViewport?: Viewport | null;
  /** Every pan and zoom step (debounce before doing anything costly). */
  onViewportChange?: ControllerCallbacks["onViewportChange"];
  /** The canvas's accessible name. */
  label: string;
  ref?: Ref<GraphCanvasHandle>;
}

/**
 * The graph on one canvas. React renders the frame around it; drawing, zoom, picking, the
 * tooltip and keyboard walking belong to a GraphController (components/graph/controller.ts), and
 * the graph stays out of React state.
 */
export function GraphCanvas({ graph, layer, selected, highlight = null, overlay = null, initialViewport = null, label, ref, onSelect, onHover, onViewportChange }: GraphCanvasProps) {
  const canvasRef = useRef<HTMLCanvasElement>(null);
  const tooltipRef = useRef<HTMLDivElement>(null);
  const liveRef = useRef<HTMLParagraphElement>(null);
  const controllerRef = useRef<GraphController | null>(null);
  const callbacksRef = useRef<ControllerCallbacks>({ onSelect, onHover, onViewportChange });
  const helpId = useId();

  useEffect(() => {
    callbacksRef.current = { onSelect, onHover, onViewportChange };
  }, [onSelect, onHover, onViewportChange]);

  useEffect(() => {
    const controller = new GraphController({ canvas: canvasRef.current!, tooltip: tooltipRef.current!, live: liveRef.current! }, () => callbacksRef.current);
    controllerRef.current = controller;
    return () => {
      controller.destroy();
      controllerRef.current = null;
    };
  }, []);

  // The saved viewport applies to the first graph only (the controller keeps it for later ones).
  const [firstViewport] = useState(initialViewport);
  useEffect(() => {
    controllerRef.current?.setGraph(graph, firstViewport);
  }, [graph, firstViewport]);

  useEffect(() => {
    controllerRef.current?.setView({ layer, selected, highlight, overlay });
  }, [layer, selected, highlight, overlay]);

  useImperativeHandle(
    ref,
    () => ({
      fit: () => controllerRef.current?.fit(),
      zoomTo: (id) => controllerRef.current?.zoomTo(id) ?? false,
      zoomToSelection: (id) => controllerRef.current?.zoomToSelection(id) ?? false,
      setViewport: (viewport) => controllerRef.current?.setViewport(viewport),
      toPng: () => controllerRef.current?.toPng() ?? Promise.reject(new Error("The graph is not shown yet.")),
      focus: () => canvasRef.current?.focus(),
      toSvg: () => {
        if (!controllerRef.current) throw new Error("The graph is not shown yet.");
        return controllerRef.current.toSvg();
      },
    }),
    [],
  );

  return (
    <div className="graph-canvas">
      <canvas ref={canvasRef} tabIndex={0} role="application" aria-roledescription="graph" aria-label={label} aria-describedby={helpId} />
      <p id={helpId} className="visually-hidden">
        Arrow keys, N and P move from node to node, Enter selects (or expands a collapsed namespace), Escape clears the
        selection, plus and minus zoom, 0 fits the graph. The tables hold the same data.
      </p>
      {/* Text set by the controller with textContent: labels come from the cluster. */}
      <div ref={tooltipRef} className="graph-tooltip" hidden aria-hidden="true" />
      <p ref={liveRef} className="visually-hidden" aria-live="polite" />
    </div>
  );
}
