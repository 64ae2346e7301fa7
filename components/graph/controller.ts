/**
 * Everything imperative about the graph canvas, outside React: the canvas size (ResizeObserver,
 * devicePixelRatio), d3-zoom, redraws coalesced to one per animation frame, picking, the hover
 * tooltip and keyboard navigation. GraphCanvas creates one per mounted canvas and feeds it props.
 */
import { select, zoom, zoomIdentity, type D3ZoomEvent, type ZoomBehavior, type ZoomTransform } from "d3";
import { plural } from "@/components/format";
import type { SnapshotGraph } from "@/lib/domain/graph/model";
import type { Viewport } from "@/lib/domain/graph/view-state";
import { drawGraph, drawGraphBase, drawGraphOverlay, EDGE_STYLES, prepareGraph, type DrawView, type GraphLayer, type PreparedGraph } from "./draw";
import { createPicker, type Picked, type Picker } from "./pick";
import { graphToSvg } from "./svg";

export type { Viewport };

/** What the view sets besides the graph. */
export type ViewOptions = Pick<DrawView, "layer" | "selected" | "highlight" | "overlay">;

/**
 * Measurement hook for the bench (scripts/bench/graph.ts): present only when the page defines
 * `window.__meshlensGraphProbe` before it loads; the controller then records its paints into it.
 */
export interface GraphProbe {
  /** performance.now() at the end of each paint, and how long it took (ms). */
  paints: { end: number; ms: number; moving: boolean; nodes: number }[];
  /** Main-thread time (ms) from a pointer move over something new to its highlight drawn. */
  hovers: number[];
}
const requestIdle = (callback: (deadline?: IdleDeadline) => void): number =>
  typeof requestIdleCallback === "function" ? requestIdleCallback(callback) : window.setTimeout(callback, 50);
const cancelIdle = (handle: number) => (typeof cancelIdleCallback === "function" ? cancelIdleCallback(handle) : window.clearTimeout(handle));
const probe = (): GraphProbe | undefined => (globalThis as { __meshlensGraphProbe?: GraphProbe }).__meshlensGraphProbe;

export type PickKind = "node" | "edge";

export interface ControllerCallbacks {
  onSelect(id: string | null, kind: PickKind | null): void;
  onHover?(id: string | null, kind: PickKind | null): void;
  onViewportChange?(viewport: Viewport): void;
}

export interface ControllerElements {
  canvas: HTMLCanvasElement;
  /** Positioned over the canvas; its text is set here (textContent only: labels are cluster data). */
  tooltip: HTMLElement;
  /** An aria-live region announcing the node the keyboard is on. */
  live: HTMLElement;
}

const MAX_ZOOM = 16;
/** A moving frame drawn in full must fit in this (ms), else frames drop below 60 per second. */
const MOVING_FRAME_BUDGET = 10;
const FIT_PADDING = 24;

export class GraphController {
  private readonly behavior: ZoomBehavior<HTMLCanvasElement, unknown>;
  private readonly resize: ResizeObserver;
  private graph: SnapshotGraph | null = null;
  private prepared: PreparedGraph | null = null;
  private picker: Picker | null = null;
  private transform: ZoomTransform = zoomIdentity;
  private view: ViewOptions = { layer: "observed", selected: null, highlight: null, overlay: null };
  private width = 0;
  private height = 0;
  private dpr = 1;
  private moving = false;
  private hovered: Picked | null = null;
  /** Position in prepared.nodeOrder of the keyboard's node, or -1. */
  private focused = -1;
  /** The focus ring shows only while the keyboard drives the canvas (not after a click). */
  private keyboard = false;
  private frame = 0;
  /** How long the last moving frame drawn in full took (ms): past the budget, moving frames reuse the bitmap. */
  private movingFrameMs = 0;
  private idle = 0;
  private pointerFrame = 0;
  private pointer: { x: number; y: number } | null = null;
  /**
   * The last still frame without hover, selection and focus, and what it was drawn for: moving
   * the pointer over a large graph then costs a copy of this bitmap, not a full redraw.
   */
  private base: HTMLCanvasElement | null = null;
  private baseFor: readonly unknown[] = [];
  /** Where to start once the canvas has a size: a saved viewport, or fit. */
  private pendingViewport: Viewport | "fit" | null = null;

  constructor(
    private readonly elements: ControllerElements,
    private readonly callbacks: () => ControllerCallbacks,
  ) {
    const { canvas } = elements;
    this.behavior = zoom<HTMLCanvasElement, unknown>()
      .scaleExtent([0.01, MAX_ZOOM])
      .on("start", () => {
        this.moving = true;
        this.hideTooltip();
      })
      .on("zoom", (event: D3ZoomEvent<HTMLCanvasElement, unknown>) => {
        this.transform = event.transform;
        this.schedule();
        const { x, y, k } = event.transform;
        // The automatic first placement is not the user's view: it is not reported (nor put in the URL).
        if (!this.placing) this.callbacks().onViewportChange?.({ x, y, k });
      })
      .on("end", () => {
        this.moving = false;
        this.schedule();
      });
    select(canvas).call(this.behavior);
    this.resize = new ResizeObserver(() => this.measure());
    this.resize.observe(canvas);
    canvas.addEventListener("pointermove", this.onPointerMove);
    canvas.addEventListener("pointerdown", this.onPointerDown);
    canvas.addEventListener("pointerleave", this.onPointerLeave);
    canvas.addEventListener("click", this.onClick);
    canvas.addEventListener("keydown", this.onKeyDown);
    canvas.addEventListener("focus", this.onFocusChange);
    canvas.addEventListener("blur", this.onFocusChange);
  }

  destroy(): void {
    const { canvas } = this.elements;
    this.resize.disconnect();
    select(canvas).on(".zoom", null);
    canvas.removeEventListener("pointermove", this.onPointerMove);
    canvas.removeEventListener("pointerdown", this.onPointerDown);
    canvas.removeEventListener("pointerleave", this.onPointerLeave);
    canvas.removeEventListener("click", this.onClick);
    canvas.removeEventListener("keydown", this.onKeyDown);
    canvas.removeEventListener("focus", this.onFocusChange);
    canvas.removeEventListener("blur", this.onFocusChange);
    cancelAnimationFrame(this.frame);
    cancelAnimationFrame(this.pointerFrame);
    cancelIdle(this.idle);
  }

  /**
   * A new graph, or a new view of it (filtered, collapsed): indexes are rebuilt. The first one
   * starts at `viewport`, or fits; later ones keep the viewport, since positions never change.
   */
  setGraph(graph: SnapshotGraph, viewport: Viewport | null): void {
    if (graph === this.graph) return;
    const first = this.graph === null;
    this.graph = graph;
    this.prepared = prepareGraph(graph);
    this.picker = null; // built on first pointer move
    this.movingFrameMs = 0;
    this.hovered = null;
    this.focused = -1;
    this.setView(this.view); // the keyboard continues from the selection, if still drawn
    if (first) this.pendingViewport = viewport ?? "fit";
    this.applyPendingViewport();
    this.schedule();
    // Picking indexes are built in slices while idle, so the first hover does not wait for them
    // and no slice holds the main thread for long.
    const prepared = this.prepared;
    cancelIdle(this.idle);
    const slice = (deadline?: IdleDeadline) => {
      if (this.prepared !== prepared) return;
      // Not while the view moves: its frames come first.
      if (this.moving) {
        this.idle = requestIdle(slice);
        return;
      }
      this.picker ??= createPicker(prepared);
      const until = performance.now() + 8;
      if (!this.picker.warm(() => !this.moving && (deadline ? deadline.timeRemaining() > 2 : performance.now() < until))) this.idle = requestIdle(slice);
    };
    this.idle = requestIdle(slice);
  }

  /** Moves the view to a viewport (the history's), without reporting it back as the user's move. */
  setViewport(viewport: Viewport): void {
    if (!this.graph || this.width === 0) {
      this.pendingViewport = viewport;
      return;
    }
    this.pendingViewport = viewport;
    this.applyPendingViewport();
  }

  setView(view: ViewOptions): void {
    this.view = view;
    // The keyboard continues from what was selected.
    const node = view.selected === null ? undefined : this.prepared?.nodeIndex.get(view.selected);
    if (node !== undefined && this.prepared) this.focused = this.prepared.nodeOrder.indexOf(node);
    this.schedule();
  }

  /** Zooms so the whole graph (as drawn: filtered, collapsed) shows. */
  fit(): void {
    if (!this.prepared || this.width === 0) {
      this.pendingViewport = "fit";
      return;
    }
    this.fitBounds(this.prepared.bounds, 2);
  }

  /** Zooms to the selection: a node centred and readable, an edge with both its ends. */
  zoomToSelection(id: string): boolean {
    const p = this.prepared;
    if (!p) return false;
    const e = p.edgeIndex.get(id);
    if (e === undefined) return this.zoomTo(id);
    const [s, t] = [p.edgeSource[e]!, p.edgeTarget[e]!];
    if (s < 0 || t < 0) return false;
    const pad = 48;
    this.fitBounds({ x0: Math.min(p.nx[s]!, p.nx[t]!) - pad, y0: Math.min(p.ny[s]!, p.ny[t]!) - pad, x1: Math.max(p.nx[s]!, p.nx[t]!) + pad, y1: Math.max(p.ny[s]!, p.ny[t]!) + pad }, 3);
    return true;
  }

  private fitBounds(b: PreparedGraph["bounds"], maxK: number): void {
    const w = Math.max(1, b.x1 - b.x0);
    const h = Math.max(1, b.y1 - b.y0);
    const k = Math.max(0.001, Math.min(maxK, (this.width - 2 * FIT_PADDING) / w, (this.height - 2 * FIT_PADDING) / h));
    this.apply(zoomIdentity.translate((this.width - w * k) / 2 - b.x0 * k, (this.height - h * k) / 2 - b.y0 * k).scale(k));
  }

  /** Centres a node, zooming in far enough to read its label. False if there is no such node. */
  zoomTo(id: string): boolean {
    const i = this.prepared?.nodeIndex.get(id);
    if (i === undefined || !this.prepared) return false;
    const k = Math.max(this.transform.k, 1.5);
    this.centre(i, k);
    return true;
  }

  /** The current view as a PNG, drawn afresh at full detail. */
  toPng(): Promise<Blob> {
    const graph = this.graph;
    if (!graph || this.width === 0) return Promise.reject(new Error("The graph is not shown yet."));
    const canvas = document.createElement("canvas");
    canvas.width = Math.round(this.width * this.dpr);
    canvas.height = Math.round(this.height * this.dpr);
    const ctx = canvas.getContext("2d");
    if (!ctx) return Promise.reject(new Error("This browser cannot draw the graph."));
    drawGraph(ctx, graph, { ...this.drawView(), moving: false, full: true, hovered: null, focused: null });
    return new Promise((resolve, reject) =>
      canvas.toBlob((blob) => (blob ? resolve(blob) : reject(new Error("The browser could not encode the image."))), "image/png"),
    );
  }

  /** The current view as an SVG document (text), at full detail. */
  toSvg(): string {
    if (!this.graph || this.width === 0) throw new Error("The graph is not shown yet.");
    return graphToSvg(document, this.graph, { ...this.drawView(), moving: false, full: true, hovered: null, focused: null });
  }

  private drawView(): DrawView {
    const { x, y, k } = this.transform;
    const order = this.prepared?.nodeOrder;
    const focusedNode = this.keyboard && this.focused >= 0 && order ? order[this.focused] : undefined;
    return {
      ...this.view,
      transform: { x, y, k },
      hovered: this.hovered?.id ?? null,
      focused: focusedNode === undefined ? null : this.graph!.nodes[focusedNode]!.id,
      moving: this.moving,
      width: this.width,
      height: this.height,
      dpr: this.dpr,
    };
  }

  private schedule(): void {
    if (this.frame) return;
    this.frame = requestAnimationFrame(() => {
      this.frame = 0;
      this.paint();
    });
  }

  private paint(): void {
    const started = performance.now();
    this.paintFrame();
    const record = probe();
    if (record && this.graph) record.paints.push({ end: performance.now(), ms: performance.now() - started, moving: this.moving, nodes: this.graph.nodes.length });
  }

  private paintFrame(): void {
    const { canvas } = this.elements;
    const ctx = canvas.getContext("2d");
    if (!ctx || !this.graph || this.width === 0) return;
    const view = this.drawView();
    if (view.moving) {
      if (this.movingFrameMs > MOVING_FRAME_BUDGET && this.moveBitmap(ctx, view)) return;
      const started = performance.now();
      drawGraph(ctx, this.graph, view);
      this.movingFrameMs = performance.now() - started;
      return;
    }
    const key = [this.graph, view.layer, view.highlight, view.overlay, view.transform.x, view.transform.y, view.transform.k, view.dpr, canvas.width, canvas.height];
    const base = (this.base ??= document.createElement("canvas"));
    const baseCtx = base.getContext("2d");
    if (!baseCtx) {
      drawGraph(ctx, this.graph, view);
      return;
    }
    if (key.some((value, i) => value !== this.baseFor[i])) {
      if (base.width !== canvas.width) base.width = canvas.width;
      if (base.height !== canvas.height) base.height = canvas.height;
      drawGraphBase(baseCtx, this.graph, view);
      this.baseFor = key;
    }
    ctx.setTransform(1, 0, 0, 1, 0, 0);
    ctx.drawImage(base, 0, 0);
    drawGraphOverlay(ctx, this.graph, view);
  }

  /**
   * A moving frame from the last still one: the cached bitmap scaled and shifted by how the view
   * changed since, in one drawImage, whatever the graph's size. What the bitmap did not cover
   * stays blank until the gesture ends and the full frame is drawn. False without a bitmap of
   * this graph.
   */
  private moveBitmap(ctx: CanvasRenderingContext2D, view: DrawView): boolean {
    const [graph, layer, highlight, overlay, bx, by, bk] = this.baseFor as [unknown, unknown, unknown, unknown, number, number, number];
    if (!this.base || graph !== this.graph || layer !== view.layer || highlight !== view.highlight || overlay !== view.overlay) return false;
    // screen_now = s * screen_then + (dx, dy), in CSS pixels; the bitmap is in device pixels.
    const { x, y, k } = view.transform;
    const s = k / bk;
    const dx = x - bx * s;
    const dy = y - by * s;
    ctx.setTransform(1, 0, 0, 1, 0, 0);
    ctx.fillStyle = "#ffffff";
    ctx.fillRect(0, 0, ctx.canvas.width, ctx.canvas.height);
    ctx.setTransform(s, 0, 0, s, dx * view.dpr, dy * view.dpr);
    ctx.drawImage(this.base, 0, 0);
    drawGraphOverlay(ctx, this.graph!, view);
    return true;
  }

  private measure(): void {
    const { canvas } = this.elements;
    const width = canvas.clientWidth;
    const height = canvas.clientHeight;
    const dpr = window.devicePixelRatio || 1;
    if (width === this.width && height === this.height && dpr === this.dpr) return;
    this.width = width;
    this.height = height;
    this.dpr = dpr;
    // A hidden tab measures 0: keep the last bitmap, draw again once shown.
    if (width === 0 || height === 0) return;
    canvas.width = Math.round(width * dpr);
    canvas.height = Math.round(height * dpr);
    this.applyPendingViewport();
    this.paint(); // now, not next frame: resizing cleared the bitmap
  }

  private applyPendingViewport(): void {
    if (!this.graph || this.width === 0 || this.pendingViewport === null) return;
    const pending = this.pendingViewport;
    this.pendingViewport = null;
    const fitK = this.fitScale(this.graph);
    this.behavior.scaleExtent([Math.min(fitK / 4, 0.5), Math.max(MAX_ZOOM, fitK)]);
    this.placing = true;
    try {
      if (pending === "fit") this.fit();
      else this.apply(zoomIdentity.translate(pending.x, pending.y).scale(pending.k));
    } finally {
      this.placing = false;
    }
  }

  /** The zoom that shows the whole layout (of which a view is a part). */
  private fitScale(graph: SnapshotGraph): number {
    if (graph.width <= 0 || graph.height <= 0) return 1;
    const k = Math.min((this.width - 2 * FIT_PADDING) / graph.width, (this.height - 2 * FIT_PADDING) / graph.height);
    // A handful of nodes would otherwise fill the screen.
    return Math.max(0.001, Math.min(2, k));
  }

  /** True while the view is placed automatically (first fit, or the viewport from the URL). */
  private placing = false;

  private apply(transform: ZoomTransform): void {
    select(this.elements.canvas).call(this.behavior.transform, transform);
  }

  private centre(node: number, k: number): void {
    const p = this.prepared!;
    this.apply(zoomIdentity.translate(this.width / 2 - p.nx[node]! * k, this.height / 2 - p.ny[node]! * k).scale(k));
  }

  private pickAt(clientX: number, clientY: number): Picked | null {
    if (!this.prepared || this.width === 0) return null;
    const rect = this.elements.canvas.getBoundingClientRect();
    const [x, y] = this.transform.invert([clientX - rect.left, clientY - rect.top]);
    this.picker ??= createPicker(this.prepared);
    return this.picker.pick(x, y, this.transform.k, this.view.layer);
  }

  private readonly onPointerMove = (event: PointerEvent) => {
    if (event.buttons !== 0 || this.moving) return;
    this.pointer = { x: event.clientX, y: event.clientY };
    if (this.pointerFrame) return;
    this.pointerFrame = requestAnimationFrame(() => {
      this.pointerFrame = 0;
      if (!this.pointer) return;
      const started = performance.now();
      const hit = this.pickAt(this.pointer.x, this.pointer.y);
      if (hit?.id !== this.hovered?.id || hit?.kind !== this.hovered?.kind) {
        this.hovered = hit;
        // Drawn in this frame, not the next: the highlight follows the pointer without lag.
        cancelAnimationFrame(this.frame);
        this.frame = 0;
        this.paint();
        probe()?.hovers.push(performance.now() - started);
        this.callbacks().onHover?.(hit?.id ?? null, hit?.kind ?? null);
      }
      this.showTooltip(hit, this.pointer);
    });
  };

  private readonly onPointerLeave = () => {
    this.pointer = null;
    this.hideTooltip();
    if (this.hovered) {
      this.hovered = null;
      this.schedule();
      this.callbacks().onHover?.(null, null);
    }
  };

  private readonly onClick = (event: MouseEvent) => {
    const hit = this.pickAt(event.clientX, event.clientY);
    if (hit?.kind === "node" && this.prepared) this.focused = this.prepared.nodeOrder.indexOf(hit.index);
    this.callbacks().onSelect(hit?.id ?? null, hit?.kind ?? null);
  };

  private readonly onFocusChange = (event: FocusEvent) => {
    this.keyboard = event.type === "focus" && this.elements.canvas.matches(":focus-visible");
    this.schedule();
  };

  private readonly onPointerDown = () => {
    if (!this.keyboard) return;
    this.keyboard = false;
    this.schedule();
  };

  private readonly onKeyDown = (event: KeyboardEvent) => {
    const p = this.prepared;
    if (!p || event.altKey || event.ctrlKey || event.metaKey) return;
    const count = p.nodeOrder.length;
    const step = (delta: number) => (this.focused < 0 ? (delta > 0 ? 0 : count - 1) : (this.focused + delta + count) % count);
    let next: number | undefined;
    switch (event.key) {
      case "ArrowRight":
      case "ArrowDown":
      case "n":
        next = step(1);
        break;
      case "ArrowLeft":
      case "ArrowUp":
      case "p":
        next = step(-1);
        break;
      case "Home":
        next = 0;
        break;
      case "End":
        next = count - 1;
        break;
      case "Enter":
      case " ":
        if (this.focused >= 0) this.callbacks().onSelect(this.graph!.nodes[p.nodeOrder[this.focused]!]!.id, "node");
        break;
      case "Escape":
        this.callbacks().onSelect(null, null);
        break;
      case "+":
      case "=":
        this.zoomBy(1.5);
        break;
      case "-":
        this.zoomBy(1 / 1.5);
        break;
      case "0":
        this.fit();
        break;
      default:
        return;
    }
    event.preventDefault();
    this.keyboard = true;
    this.schedule();
    if (next === undefined || count === 0) return;
    this.focused = next;
    const node = p.nodeOrder[next]!;
    this.revealNode(node);
    this.schedule();
    this.elements.live.textContent = this.describeNode(node, next, count);
  };

  /** Zooms about the keyboard's node when it is on screen, else about the centre. */
  private zoomBy(factor: number): void {
    const p = this.prepared!;
    const node = this.focused >= 0 ? p.nodeOrder[this.focused] : undefined;
    const at = node === undefined ? null : this.transform.apply([p.nx[node]!, p.ny[node]!]);
    const inside = at !== null && at[0] >= 0 && at[1] >= 0 && at[0] <= this.width && at[1] <= this.height;
    this.behavior.scaleBy(select(this.elements.canvas), factor, inside ? at : undefined);
  }

  /** Pans (never zooms) so a node the keyboard moved to is on screen. */
  private revealNode(node: number): void {
    const p = this.prepared!;
    const [x, y] = this.transform.apply([p.nx[node]!, p.ny[node]!]);
    const margin = 40;
    if (x < margin || y < margin || x > this.width - margin || y > this.height - margin) this.centre(node, this.transform.k);
  }

  private describeNode(node: number, position: number, count: number): string {
    const n = this.graph!.nodes[node]!;
    const findings = n.findings.length ? `, ${n.findings.length} finding${n.findings.length === 1 ? "" : "s"}, worst ${n.worstSeverity}` : "";
    const sidecar = n.kind === "workload" && n.sidecar !== null ? (n.sidecar ? ", sidecar" : ", no sidecar") : "";
    return `${n.label}: ${n.kind}${sidecar}${findings}. Node ${position + 1} of ${count}.`;
  }

  private showTooltip(hit: Picked | null, at: { x: number; y: number }): void {
    const { tooltip, canvas } = this.elements;
    if (!hit || !this.graph) {
      this.hideTooltip();
      return;
    }
    tooltip.textContent = this.describe(hit);
    const rect = canvas.getBoundingClientRect();
    const x = at.x - rect.left;
    const y = at.y - rect.top;
    // Keep it inside the canvas: flip to the left of / above the pointer near the edges.
    tooltip.style.left = x > this.width - 260 ? "" : `${x + 14}px`;
    tooltip.style.right = x > this.width - 260 ? `${this.width - x + 14}px` : "";
    tooltip.style.top = y > this.height - 60 ? `${y - 40}px` : `${y + 14}px`;
    tooltip.hidden = false;
  }

  private hideTooltip(): void {
    this.elements.tooltip.hidden = true;
  }

  private describe(hit: Picked): string {
    const graph = this.graph!;
    if (hit.kind === "node") return graph.nodes[hit.index]!.label;
    const edge = graph.edges[hit.index]!;
    const label = (id: string) => {
      const i = this.prepared!.nodeIndex.get(id);
      return i === undefined ? id : graph.nodes[i]!.label;
    };
    const volume = edge.state === "allowed-unused" ? "no traffic" : edge.requests > 0 || edge.connections === 0 ? plural(edge.requests, "request") : plural(edge.connections, "connection");
    return `${label(edge.source)} → ${label(edge.target)}: ${EDGE_STYLES[edge.state].label}, ${volume}`;
  }
}

export type { GraphLayer };
