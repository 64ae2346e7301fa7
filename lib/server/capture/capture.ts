import "server-only";
/**
 * One capture: topology (a live cluster through the Kubernetes API, or manifest files), then,
 * when asked, Istio telemetry from Prometheus over a window, stored as one snapshot. All or
 * nothing: the snapshot is written in one transaction at the very end, so a failure anywhere
 * before stores nothing. Telemetry failing is not a capture failure: the snapshot keeps its
 * topology and says "no telemetry" with the reason, never with made-up edges.
 */
import type { CaptureSummary } from "@/lib/domain/capture";
import { AppError } from "@/lib/domain/errors";
import { readManifests, type ManifestFile, type ManifestReadResult } from "@/lib/domain/manifests";
import type { CaptureSource, CoverageGap, Snapshot, TelemetryCapture, TimeWindow, TrafficEdge } from "@/lib/domain/model";
import { snapshotFromManifests } from "@/lib/domain/snapshot/from-manifests";
import { buildEdges } from "@/lib/domain/telemetry/edges";
import { ImportOptionsSchema } from "@/lib/server/snapshots/import";
import { createSnapshot, type SnapshotSummary } from "@/lib/server/snapshots/store";
import { withFindings } from "@/lib/domain/findings";
import { captureCluster } from "./kubernetes";
import { queryTelemetry, redactUrl } from "./prometheus";

/** Istio's default root namespace, where the `istio` ConfigMap and mesh-wide policies live. */
const ISTIO_ROOT_NAMESPACE = "istio-system";

/** Largest cluster read from the API, in bytes of JSON: far above any upload. */
const MAX_CLUSTER_BYTES = 2 ** 31 - 1;

export type TopologySource =
  | {
      kind: "cluster";
      kubeconfigPath?: string;
      context?: string;
      namespaces?: string[];
      /** Per API request (see captureCluster for the defaults). */
      timeoutMs?: number;
      retries?: number;
    }
  | { kind: "files"; files: ManifestFile[]; maxBytes?: number };

export interface TelemetryOptions {
  url: string;
  /** The window's length, in seconds. */
  windowSeconds: number;
  /** The window's end; default: the capture's time. (E.g. the hour before an incident.) */
  until?: Date;
  auth?: { bearerToken: string } | { username: string; password: string };
  caPem?: string;
  extraLabels?: Record<string, string>;
  timeoutMs?: number;
}

export interface CaptureRequest {
  name?: string;
  cluster?: string;
  topology: TopologySource;
  telemetry?: TelemetryOptions;
  onProgress?: (progress: CaptureProgress) => void;
  signal?: AbortSignal;
  now?: Date;
}

export interface CaptureProgress {
  phase: "topology" | "telemetry" | "analysis" | "storing";
  message: string;
}


export type { CaptureSummary };

export interface CaptureResult {
  snapshot: SnapshotSummary;
  summary: CaptureSummary;
  coverageGaps: CoverageGap[];
  warnings: ManifestReadResult["warnings"];
  unmatched: string[];
}

/** A capture: assembled, analysed, then stored in one transaction. */
export async function captureSnapshot(request: CaptureRequest): Promise<CaptureResult> {
  const { snapshot, ...rest } = await assembleSnapshot(request);
  request.onProgress?.({ phase: "storing", message: "storing the snapshot" });
  return { ...rest, snapshot: await createSnapshot(snapshot) };
}

/** A capture's snapshot, analysed, in memory: what `captureSnapshot` stores and `meshlens analyze` prints. */
export async function assembleSnapshot(request: CaptureRequest): Promise<Omit<CaptureResult, "snapshot"> & { snapshot: Snapshot }> {
  const { name, cluster } = ImportOptionsSchema.parse({ name: request.name, cluster: request.cluster });
  const progress = request.onProgress ?? (() => {});
  const capturedAt = request.now ?? new Date();

  const topology = await readTopology(request.topology, progress, request.signal);
  request.signal?.throwIfAborted();

  let edges: TrafficEdge[] = [];
  let telemetry: TelemetryCapture | null = null;
  let unmatched: string[] = [];
  if (request.telemetry) {
    const options = request.telemetry;
    const end = options.until ?? capturedAt;
    if (end.getTime() > capturedAt.getTime()) throw new AppError("bad_request", `The telemetry window cannot end in the future (${end.toISOString()}).`);
    const window: TimeWindow = {
      start: new Date(end.getTime() - options.windowSeconds * 1000).toISOString(),
      end: end.toISOString(),
    };
    const prometheus = redactUrl(options.url);
    progress({ phase: "telemetry", message: `querying ${prometheus} over ${window.start} to ${window.end}` });
    try {
      const { until: _until, ...query } = options;
      const series = await queryTelemetry({ ...query, window, signal: request.signal });
      const built = buildEdges({ series, windowSeconds: options.windowSeconds, workloads: topology.read.workloads, services: topology.read.services, policies: topology.read.policies });
      edges = built.edges;
      unmatched = built.unmatched;
      telemetry = { state: "captured", prometheus, window, unmatched };
      progress({ phase: "telemetry", message: `${edges.length} observed edges` });
    } catch (error) {
      if (!(error instanceof AppError) || error.code !== "unavailable") throw error;
      telemetry = { state: "failed", prometheus, window, reason: error.message, unmatched: [] };
      progress({ phase: "telemetry", message: `no telemetry: ${error.message}` });
    }
  }
  request.signal?.throwIfAborted();

  const assembled = snapshotFromManifests(topology.read, {
    name: name ?? defaultName(topology.source, capturedAt),
    cluster: cluster ?? topology.clusterName ?? "unnamed-cluster",
    capturedAt,
    source: topology.source,
    files: topology.source.kind === "upload" ? topology.source.files : [],
    coverageGaps: topology.coverageGaps,
    edges,
    telemetry,
  });
  progress({ phase: "analysis", message: "computing what the policies allow and the findings" });
  const snapshot = withFindings(assembled);
  return {
    snapshot,
    summary: summarize(snapshot, telemetry),
    coverageGaps: topology.coverageGaps,
    warnings: topology.read.warnings,
    unmatched,
  };
}

async function readTopology(source: TopologySource, progress: (p: CaptureProgress) => void, signal?: AbortSignal) {
  if (source.kind === "files") {
    progress({ phase: "topology", message: `reading ${source.files.length} manifest files` });
    const read = readManifests(source.files, { maxBytes: source.maxBytes });
    return { read, coverageGaps: [] as CoverageGap[], source: { kind: "upload", files: source.files.map((f) => f.path) } as CaptureSource, clusterName: null };
  }
  // Mesh-wide Istio policies live in the root namespace: read it too, or a namespace-limited
  // capture would miss them (e.g. the mesh-wide PeerAuthentication) without saying so.
  const namespaces = source.namespaces?.length ? [...new Set([...source.namespaces, ISTIO_ROOT_NAMESPACE])] : undefined;
  const captured = await captureCluster({
    kubeconfigPath: source.kubeconfigPath,
    context: source.context,
    namespaces,
    timeoutMs: source.timeoutMs,
    retries: source.retries,
    signal,
    onProgress: (event) => {
      if (event.done) progress({ phase: "topology", message: `${event.resource}${event.namespace ? ` in ${event.namespace}` : ""}: ${event.objects}` });
    },
  });
  progress({ phase: "topology", message: `read ${Object.values(captured.counts).reduce((a, b) => a + b, 0)} objects; building the topology` });
  // The root namespace was only added to find mesh-wide policies: its absence is not a gap.
  const implicitRoot = namespaces && !source.namespaces!.includes(ISTIO_ROOT_NAMESPACE);
  const coverageGaps = captured.coverageGaps.filter((gap) => !(implicitRoot && gap.resource === "namespaces" && gap.namespace === ISTIO_ROOT_NAMESPACE && gap.reason.endsWith("does not exist")));
  const read = readManifests(captured.files, { maxBytes: MAX_CLUSTER_BYTES });
  const live: CaptureSource = { kind: "live", ...(captured.context ? { context: captured.context } : {}), server: captured.server };
  return { read, coverageGaps, source: live, clusterName: captured.context };
}

function summarize(snapshot: ReturnType<typeof snapshotFromManifests>, telemetry: TelemetryCapture | null): CaptureSummary {
  const policies: Record<string, number> = {};
  for (const p of snapshot.policies) policies[p.kind] = (policies[p.kind] ?? 0) + 1;
  const external = new Set<string>();
  for (const edge of snapshot.edges) {
    for (const peer of [edge.source, edge.destination]) if (peer.kind === "external") external.add(`${peer.via}|${peer.host}`);
  }
  return {
    namespaces: snapshot.namespaces.length,
    workloads: snapshot.workloads.length,
    services: snapshot.services.length,
    policies,
    edges: snapshot.edges.length,
    externalNodes: external.size,
    coverageGaps: snapshot.coverageGaps.length,
    findings: snapshot.findingsSummary?.findings ?? {},
    telemetry: telemetry?.state ?? "not requested",
    ...(telemetry?.reason ? { telemetryReason: telemetry.reason } : {}),
  };
}

function defaultName(source: CaptureSource, at: Date): string {
  const when = at.toISOString().slice(0, 16).replace("T", " ");
  if (source.kind === "live") return `${source.context ?? "cluster"} ${when}`;
  const first = source.files[0] ?? "manifests";
  return `${first}${source.files.length > 1 ? ` (+${source.files.length - 1} files)` : ""} ${when}`;
}
