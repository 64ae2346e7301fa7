/** Small builders for the finding detectors' tests: snapshots, observed edges, the demo, YAML checks. */
import { demoSnapshot as buildDemoSnapshot } from "../../demo/snapshot";
import { demoFiles } from "../../demo/demo-files";
import { parseAllDocuments } from "yaml";
import { DEFAULT_MESH, np, ns, policy, svc, wl } from "../engine/testing/builders";
import type { CoverageGap, Finding, MeshConfig, Namespace, Policy, Service, Snapshot, TimeWindow, TrafficEdge, TrafficPeer, Workload } from "../model";
import { buildContext, type FindingContext } from "./context";

export const WINDOW: TimeWindow = { start: "2026-01-01T00:00:00.000Z", end: "2026-01-01T01:00:00.000Z" };

/** A snapshot of the given objects; with telemetry captured over WINDOW unless `telemetry: false`. */
export function snapshot(input: {
  namespaces: Namespace[];
  workloads: Workload[];
  services?: Service[];
  policies?: Policy[];
  edges?: TrafficEdge[];
  meshConfig?: MeshConfig;
  /** Default true: telemetry captured over `window` (default {@link WINDOW}). */
  telemetry?: boolean;
  window?: TimeWindow;
  coverageGaps?: CoverageGap[];
}): Snapshot {
  const telemetry = input.telemetry ?? true;
  const window = input.window ?? WINDOW;
  return {
    schemaVersion: 1,
    name: "fixture",
    cluster: "fixture",
    capturedAt: window.end,
    source: { kind: "upload", files: [] },
    telemetryWindow: telemetry ? window : null,
    telemetry: telemetry ? { state: "captured", prometheus: "fixture", window, unmatched: [] } : null,
    namespaces: input.namespaces,
    workloads: input.workloads,
    services: input.services ?? [],
    policies: input.policies ?? [],
    meshConfig: input.meshConfig ?? DEFAULT_MESH,
    edges: input.edges ?? [],
    findings: [],
    coverageGaps: input.coverageGaps ?? [],
    warnings: [],
  };
}

export const context = (input: Parameters<typeof snapshot>[0]): FindingContext => buildContext(snapshot(input));

/** A peer: a workload, "unknown", or an external host reached `via`. */
export function peer(of: Workload | "unknown" | { external: string; via: "service-entry" | "passthrough" | "blackhole" }): TrafficPeer {
  if (of === "unknown") return { kind: "unknown", reason: "fixture" };
  if ("external" in of) return { kind: "external", host: of.external, via: of.via };
  return { kind: "workload", id: of.id };
}

/**
 * Observed traffic from one peer to another. Defaults: nothing counted, reported by the
 * destination, all mTLS; a destination-reported edge needs `mtlsShare`, a source-reported one
 * has none.
 */
export function edge(
  source: Parameters<typeof peer>[0],
  destination: Parameters<typeof peer>[0],
  fields: Partial<Omit<TrafficEdge, "source" | "destination">> = {},
): TrafficEdge {
  const reportedBy = fields.reportedBy ?? "destination";
  return {
    source: peer(source),
    destination: peer(destination),
    service: null,
    protocols: ["http"],
    requests: 0,
    requestRate: 0,
    responses: {},
    requestBytes: 0,
    responseBytes: 0,
    connections: 0,
    mtlsShare: reportedBy === "destination" ? 1 : null,
    reportedBy,
    ...fields,
  };
}

/** The Service FQDN telemetry writes as `destination_service`. */
export const fqdn = (service: Service) => `${service.name}.${service.namespace}.svc.cluster.local`;

/** The objects of a finding's remediation YAML, failing when one does not parse or lacks apiVersion, kind or metadata.name. */
export function remediationObjects(finding: Finding): Record<string, unknown>[] {
  if (finding.remediation.yaml === undefined) return [];
  return parseAllDocuments(finding.remediation.yaml).map((doc, i) => {
    if (doc.errors.length > 0) throw new Error(`${finding.id}: document ${i}: ${doc.errors[0]!.message}`);
    const object = doc.toJS() as Record<string, unknown> | null;
    const metadata = object?.metadata as { name?: unknown } | undefined;
    if (!object || typeof object.apiVersion !== "string" || typeof object.kind !== "string" || typeof metadata?.name !== "string") {
      throw new Error(`${finding.id}: document ${i} needs apiVersion, kind and metadata.name`);
    }
    return object;
  });
}

/** The demo snapshot as lib/server/demo.ts builds it, without the database. */
export const demoSnapshot = (): Snapshot => buildDemoSnapshot(demoFiles());

/**
 * A cluster with nothing for the encryption and egress detectors to report: every workload has a
 * sidecar, mTLS is STRICT mesh-wide, namespace `app` is isolated for egress with DNS and istiod
 * allowed, the one external host is declared (ServiceEntry, REGISTRY_ONLY) and allowed by an
 * ipBlock, and all observed traffic is mTLS or to that host.
 */
export function cleanContext(): FindingContext {
  const front = wl("app/front[Deployment]", { app: "front" }, { sidecar: true, ports: [["http", 8080]] });
  const api = wl("app/api[Deployment]", { app: "api" }, { sidecar: true, ports: [["http", 3000]] });
  const apiSvc = svc("app/api", { app: "api" }, [["http", 3000, 3000]]);
  const kubeSystem = { namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "kube-system" } }, podSelector: { matchLabels: { "k8s-app": "kube-dns" } } };
  const istiod = { namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "istio-system" } }, podSelector: { matchLabels: { app: "istiod" } } };
  return context({
    namespaces: [ns("app", { "istio-injection": "enabled" }), ns("istio-system"), ns("kube-system")],
    workloads: [front, api],
    services: [svc("app/front", { app: "front" }, [["http", 80, 8080]]), apiSvc],
    meshConfig: { ...DEFAULT_MESH, outboundTrafficPolicy: "REGISTRY_ONLY" },
    policies: [
      policy("PeerAuthentication", "istio-system", "default", { mtls: { mode: "STRICT" } }),
      np("app", "default-deny", { podSelector: {}, policyTypes: ["Ingress", "Egress"] }),
      np("app", "allow-dns", { podSelector: {}, policyTypes: ["Egress"], egress: [{ to: [kubeSystem], ports: [{ protocol: "UDP", port: 53 }, { protocol: "TCP", port: 53 }] }] }),
      np("app", "allow-istiod", { podSelector: {}, policyTypes: ["Egress"], egress: [{ to: [istiod], ports: [{ protocol: "TCP", port: 15012 }] }] }),
      np("app", "front", {
        podSelector: { matchLabels: { app: "front" } },
        policyTypes: ["Ingress", "Egress"],
        ingress: [{ from: [{ namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "istio-system" } }, podSelector: { matchLabels: { istio: "ingressgateway" } } }], ports: [{ port: 8080 }] }],
        egress: [{ to: [{ podSelector: { matchLabels: { app: "api" } } }], ports: [{ port: 3000 }] }],
      }),
      np("app", "api", {
        podSelector: { matchLabels: { app: "api" } },
        policyTypes: ["Ingress", "Egress"],
        ingress: [{ from: [{ podSelector: { matchLabels: { app: "front" } } }], ports: [{ port: 3000 }] }],
        egress: [{ to: [{ ipBlock: { cidr: "198.51.100.0/24" } }], ports: [{ port: 443 }] }],
      }),
      policy(
        "ServiceEntry",
        "app",
        "partner",
        { hosts: ["api.partner.example"], exportTo: ["."], location: "MESH_EXTERNAL", resolution: "DNS", ports: [{ number: 443, name: "tls", protocol: "TLS" }] },
        "networking.istio.io/v1",
      ),
    ],
    edges: [
      edge(front, api, { service: fqdn(apiSvc), requests: 500 }),
      edge(api, { external: "api.partner.example", via: "service-entry" }, { reportedBy: "source", protocols: ["tcp"], connections: 20 }),
    ],
  });
}
