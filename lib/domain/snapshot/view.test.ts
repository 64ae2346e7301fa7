import { describe, expect, it } from "vitest";
import type { Policy, Snapshot, TrafficEdge, TrafficPeer, Workload } from "../model";
import { formatSelector, snapshotView } from "./view";

const workload = (namespace: string, name: string, injected: boolean): Workload => ({
  id: `${namespace}/${name}[Deployment]`,
  namespace,
  name,
  kind: "Deployment",
  labels: { app: name },
  serviceAccount: name,
  ports: [{ container: "main", name: "http", port: 8080, protocol: "TCP" }, { container: "main", port: 53, protocol: "UDP" }],
  sidecar: { injected, reason: injected ? "namespace has istio-injection=enabled" : "no injection label" },
  pods: 0,
  hostNetwork: false,
});

const policy = (kind: Policy["kind"], namespace: string, name: string, spec: object): Policy => ({
  id: `${namespace}/${name}[${kind}]`,
  kind,
  apiVersion: "v1",
  namespace,
  name,
  object: { apiVersion: "v1", kind, metadata: { name, namespace }, spec },
});

const snapshot: Snapshot = {
  schemaVersion: 1,
  name: "s",
  cluster: "c",
  capturedAt: "2026-11-20T09:00:00.000Z",
  source: { kind: "upload", files: ["a.yaml"] },
  telemetryWindow: null,
  namespaces: [
    { name: "shop", labels: {}, declared: true },
    { name: "blog", labels: {}, declared: true },
    { name: "empty", labels: {}, declared: false },
  ],
  workloads: [workload("shop", "cart", true), workload("shop", "web", true), workload("blog", "api", false)],
  services: [{ id: "shop/cart[Service]", namespace: "shop", name: "cart", type: "ClusterIP", selector: { app: "cart" }, ports: [{ name: "http", port: 80, targetPort: "http", protocol: "TCP" }] }],
  policies: [
    policy("NetworkPolicy", "shop", "deny", { podSelector: {}, policyTypes: ["Ingress", "Egress"] }),
    policy("NetworkPolicy", "shop", "allow", { podSelector: { matchLabels: { app: "cart" } }, ingress: [{}], egress: [{}, {}] }),
    policy("AuthorizationPolicy", "blog", "api", { selector: { matchLabels: { app: "api" } }, rules: [{}] }),
    policy("PeerAuthentication", "blog", "default", { mtls: { mode: "PERMISSIVE" }, portLevelMtls: { "5432": { mode: "DISABLE" } } }),
  ],
  meshConfig: { source: null, rootNamespace: "istio-system", outboundTrafficPolicy: "ALLOW_ANY" },
  edges: [],
  findings: [],
  coverageGaps: [],
  warnings: [],
};

describe("snapshotView", () => {
  const view = snapshotView(snapshot);

  it("counts per snapshot", () => {
    expect(view.figures).toEqual({
      namespaces: 3,
      workloads: 3,
      services: 1,
      policies: 4,
      policiesByKind: { NetworkPolicy: 2, AuthorizationPolicy: 1, PeerAuthentication: 1 },
      sidecars: 2,
      namespacesWithNetworkPolicy: 1,
      edges: 0,
    });
  });

  it("writes observed traffic as table rows, naming every kind of peer", () => {
    const edge = (source: TrafficPeer, destination: TrafficPeer, extra: Partial<TrafficEdge> = {}): TrafficEdge => ({
      source, destination, service: null, protocols: ["http"], requests: 200, requestRate: 200 / 3600, responses: { "2xx": 150, "5xx": 50 },
      requestBytes: 0, responseBytes: 0, connections: 0, mtlsShare: 1, reportedBy: "destination", ...extra,
    });
    const traffic = snapshotView({
      ...snapshot,
      edges: [
        edge({ kind: "workload", id: "shop/web[Deployment]" }, { kind: "external", host: "PassthroughCluster", via: "passthrough" }, { mtlsShare: null, reportedBy: "source" }),
        edge({ kind: "unknown", reason: "no peer metadata" }, { kind: "unmatched", namespace: "blog", name: "old-db" }, { protocols: ["tcp"], requests: 0, responses: {}, connections: 3, requestBytes: 100, responseBytes: 24, mtlsShare: 0 }),
        edge({ kind: "workload", id: "shop/web[Deployment]" }, { kind: "external", host: "api.stripe.example", via: "service-entry" }),
      ],
    }).traffic;
    // 50 of 200 requests answered 5xx: a quarter.
    expect(traffic.map((r) => [r.source, r.destination, r.namespace, r.errorShare, r.bytes])).toEqual([
      ["shop/web[Deployment]", "PassthroughCluster", "shop", 0.25, 0],
      ["unknown source", "blog/old-db (not in the topology)", "blog", null, 124],
      ["shop/web[Deployment]", "api.stripe.example (ServiceEntry)", "shop", 0.25, 0],
    ]);
  });

  it("counts per namespace, including namespaces with nothing in them", () => {
    expect(view.namespaces.map(({ name, workloads, services, policies, sidecars }) => [name, workloads, services, policies, sidecars])).toEqual([
      ["shop", 2, 1, 2, 2],
      ["blog", 1, 0, 2, 0],
      ["empty", 0, 0, 0, 0],
    ]);
  });

  it("writes ports as name:port/protocol", () => {
    expect(view.workloads[0]!.ports).toEqual(["http:8080/TCP", "53/UDP"]);
    expect(view.services[0]!.ports).toEqual(["http:80→http/TCP"]);
  });

  it("summarises each policy from its spec", () => {
    expect(view.policies.map((p) => p.summary)).toEqual([
      "selects all pods; Ingress+Egress; 0 ingress rules, 0 egress rules",
      // no policyTypes but an egress section: Kubernetes defaults to Ingress+Egress
      "selects app=cart; Ingress+Egress; 1 ingress rule, 2 egress rules",
      "ALLOW on app=api; 1 rule",
      "mTLS PERMISSIVE on the whole namespace; ports 5432 overridden",
    ]);
  });

  it("carries no verbatim policy object", () => {
    expect(JSON.stringify(view)).not.toContain('"spec"');
  });
});

describe("formatSelector", () => {
  it("writes labels and expressions", () => {
    expect(
      formatSelector({
        matchLabels: { app: "a" },
        matchExpressions: [
          { key: "tier", operator: "In", values: ["web", "api"] },
          { key: "canary", operator: "DoesNotExist" },
        ],
      }),
    ).toBe("app=a, tier In (web,api), DoesNotExist canary");
  });
});

describe("NetworkPolicy summaries follow the API server's policyTypes defaulting", () => {
  it("does not count an empty egress list as an Egress policy", () => {
    const only = { ...snapshot, policies: [policy("NetworkPolicy", "shop", "x", { podSelector: {}, ingress: [{}], egress: [] })] };
    expect(snapshotView(only).policies[0]!.summary).toBe("selects all pods; Ingress; 1 ingress rule, 0 egress rules");
  });
});
