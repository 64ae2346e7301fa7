import { describe, expect, it } from "vitest";
import type { Policy, Snapshot, Workload } from "../model";
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
    });
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
