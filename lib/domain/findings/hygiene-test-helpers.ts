/** Builders for the permissive and policy-hygiene detector tests: snapshots, observed edges, one detector's run, the demo cluster. */
import { demoSnapshot as buildDemoSnapshot } from "../../demo/snapshot";
import { demoFiles } from "../../demo/demo-files";
import { snapshot } from "./test-helpers";
import { parseAllDocuments } from "yaml";
import type { CoverageGap, Finding, Namespace, Policy, Service, Snapshot, TimeWindow, TrafficEdge, TrafficPeer, Workload } from "../model";
import { buildContext, type Detector } from "./context";


export const WINDOW: TimeWindow = { start: "2026-03-02T10:00:00.000Z", end: "2026-03-02T11:00:00.000Z" };

export interface SnapshotParts {
  namespaces: Namespace[];
  workloads: Workload[];
  services?: Service[];
  policies?: Policy[];
  edges?: TrafficEdge[];
  /** Default true: telemetry captured over {@link WINDOW}. */
  telemetry?: boolean;
  coverageGaps?: CoverageGap[];
}

export const snapshotOf = (parts: SnapshotParts): Snapshot => snapshot({ ...parts, window: WINDOW });

/**
 * Traffic seen from `source` to `destination` (HTTP by default: 100 requests, all 200, reported
 * by the destination's proxy over mTLS).
 */
export function observed(source: Workload | TrafficPeer, destination: Workload, options: Partial<TrafficEdge> = {}): TrafficEdge {
  const requests = options.requests ?? (options.protocols?.includes("tcp") ? 0 : 100);
  return {
    source: "labels" in source ? { kind: "workload", id: source.id } : source,
    destination: { kind: "workload", id: destination.id },
    service: null,
    protocols: ["http"],
    requestRate: requests / 3600,
    responses: requests > 0 ? { "2xx": requests } : {},
    requestBytes: 0,
    responseBytes: 0,
    connections: 0,
    mtlsShare: 1,
    reportedBy: "destination",
    ...options,
    requests,
  };
}

/** One detector's findings for a snapshot. */
export const detect = (detector: Detector, snapshot: Snapshot): Finding[] => detector(buildContext(snapshot));

/** The objects of a remediation's YAML, as `kubectl apply` would read them (throws on invalid YAML). */
export function yamlObjects(yaml: string | undefined): Record<string, unknown>[] {
  if (yaml === undefined) throw new Error("no remediation YAML");
  return parseAllDocuments(yaml).map((doc) => {
    if (doc.errors.length > 0) throw new Error(doc.errors.map((e) => e.message).join("; "));
    return doc.toJS() as Record<string, unknown>;
  });
}

/** The demo cluster's snapshot as `lib/server/demo.ts` builds it, without a database and without findings. */
export const demoSnapshot = (): Snapshot => buildDemoSnapshot(demoFiles());
