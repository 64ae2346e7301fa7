/**
 * Least-privilege policies from observed traffic, and their proof. Small scenarios whose objects
 * can be checked by eye; then the proof on the demo cluster and on a generated one.
 */
import { demoSnapshot as buildDemoSnapshot } from "../../demo/snapshot";
import { demoFiles } from "../../demo/demo-files";
import { describe, expect, it } from "vitest";
import { parseAllDocuments, stringify } from "yaml";
// eslint-disable-next-line import/no-restricted-paths -- the bench generator is the test's cluster source, not a runtime dependency
import { generateObjects } from "../../../scripts/bench/generate-manifests";
import { analyzeMesh } from "../engine/mesh";
import { DEFAULT_MESH, ns, policy, svc, wl } from "../engine/testing/builders";
import { readManifests } from "../manifests";
import type { Namespace, Policy, Service, Snapshot, TrafficEdge, TrafficPeer, Workload } from "../model";
import { snapshotFromManifests } from "../snapshot/from-manifests";
import { proveRecommendation } from "./prove";
import { dnsName, observedPorts, recommendPolicies, type Recommendation } from "./recommend";

const WINDOW = { start: "2026-01-01T00:00:00.000Z", end: "2026-01-01T01:00:00.000Z" };
const WINDOW_TEXT = `${WINDOW.start} to ${WINDOW.end}`;

function snapshotOf(parts: { workloads: Workload[]; services?: Service[]; policies?: Policy[]; edges: TrafficEdge[]; namespaces?: Namespace[] }): Snapshot {
  const names = [...new Set(parts.workloads.map((w) => w.namespace))];
  return {
    schemaVersion: 1,
    name: "test",
    cluster: "test",
    capturedAt: WINDOW.end,
    source: { kind: "upload", files: [] },
    telemetryWindow: WINDOW,
    namespaces: parts.namespaces ?? names.map((n) => ns(n)),
    workloads: parts.workloads,
    services: parts.services ?? [],
    policies: parts.policies ?? [],
    meshConfig: DEFAULT_MESH,
    edges: parts.edges,
    findings: [],
    coverageGaps: [],
    warnings: [],
  };
}

const peer = (p: Workload | TrafficPeer): TrafficPeer => ("id" in p && "kind" in p && "namespace" in p ? { kind: "workload", id: p.id } : (p as TrafficPeer));

/** An observed edge; by default mutual TLS as the destination's proxy reported it. */
function edge(source: Workload | TrafficPeer, destination: Workload | TrafficPeer, o: Partial<TrafficEdge> = {}): TrafficEdge {
  const protocols = o.protocols ?? ["grpc"];
  const tcp = protocols.includes("tcp");
  return {
    source: peer(source),
    destination: peer(destination),
    service: o.service ?? ("id" in destination && "namespace" in destination ? `${destination.name}.${destination.namespace}.svc.cluster.local` : null),
    protocols,
    requests: o.requests ?? (tcp ? 0 : 100),
    requestRate: 0,
    responses: {},
    requestBytes: 0,
    responseBytes: 0,
    connections: o.connections ?? (tcp ? 10 : 0),
    mtlsShare: o.mtlsShare === undefined ? 1 : o.mtlsShare,
    reportedBy: o.reportedBy ?? "destination",
  };
}

const meta = (name: string, namespace: string) => ({ name, namespace, labels: { "app.kubernetes.io/managed-by": "meshlens" } });
const inNamespace = (namespace: string) => ({ matchLabels: { "kubernetes.io/metadata.name": namespace } });
const namespaceOf = (r: Recommendation, namespace: string) => r.namespaces.find((n) => n.namespace === namespace)!;
const kinds = (r: Recommendation, namespace: string) => namespaceOf(r, namespace).objects.map((o) => `${String(o.kind)}/${(o.metadata as { name: string }).name}`);
const strictMesh = policy("PeerAuthentication", "istio-system", "default", { mtls: { mode: "STRICT" } });

// A shop: web/frontend calls shop/cart over gRPC, cart calls shop/redis over TCP.
const frontend = wl("web/frontend[Deployment]", { app: "frontend", version: "v1" }, { sidecar: true, sa: "frontend", ports: [["http", 8080]] });
const cart = wl("shop/cart[Deployment]", { app: "cart" }, { sidecar: true, sa: "cart", ports: [["grpc", 7070], ["metrics", 9090]] });
const redis = wl("shop/redis[StatefulSet]", { app: "redis" }, { sidecar: true, sa: "redis", ports: [["redis", 6379]] });
const cartSvc = svc("shop/cart", { app: "cart" }, [["grpc", 7070, "grpc"], ["tcp-metrics", 9090, 9090]]);
const redisSvc = svc("shop/redis", { app: "redis" }, [["tcp-redis", 6379, "redis"]]);
const shop = snapshotOf({
  workloads: [frontend, cart, redis],
  services: [cartSvc, redisSvc],
  edges: [edge(frontend, cart), edge(cart, redis, { protocols: ["tcp"] })],
});

describe("observed ports", () => {
  it("are the Service's HTTP/gRPC-named ports for HTTP and gRPC, resolved to container ports by name", () => {
    expect(observedPorts({ service: "cart.shop.svc.cluster.local", protocols: ["grpc"] }, cart, [cartSvc])).toEqual({ ports: [7070], from: "Service shop/cart" });
  });

  it("are all the Service's TCP ports for TCP", () => {
    expect(observedPorts({ service: "cart.shop.svc.cluster.local", protocols: ["tcp"] }, cart, [cartSvc]).ports).toEqual([7070, 9090]);
  });

  it("are every TCP port for HTTP when no Service port is named for HTTP", () => {
    const unnamed = svc("shop/cart", { app: "cart" }, [[undefined, 80, 7070], ["tcp-metrics", 9090, "metrics"]]);
    expect(observedPorts({ service: "cart.shop.svc.cluster.local", protocols: ["http"] }, cart, [unnamed]).ports).toEqual([7070, 9090]);
  });

  it("fall back to the destination's TCP container ports without a Service, and to any port without those", () => {
    expect(observedPorts({ service: null, protocols: ["grpc"] }, cart, [])).toEqual({ ports: [7070, 9090], from: "container ports (no Service named)" });
    expect(observedPorts({ service: "other.shop.svc.cluster.local", protocols: ["tcp"] }, wl("shop/bare[Pod]"), []).ports).toBeNull();
  });
});

describe("recommendPolicies", () => {
  it("writes exactly the observed traffic of a namespace", () => {
    const shopNs = namespaceOf(recommendPolicies(shop), "shop");
    const fromFrontend = { namespaceSelector: inNamespace("web"), podSelector: { matchLabels: { app: "frontend" } } };
    const fromCart = { namespaceSelector: inNamespace("shop"), podSelector: { matchLabels: { app: "cart" } } };
    expect(shopNs.objects).toEqual([
      { apiVersion: "networking.k8s.io/v1", kind: "NetworkPolicy", metadata: meta("meshlens-default-deny", "shop"), spec: { podSelector: {}, policyTypes: ["Ingress", "Egress"] } },
      {
        apiVersion: "networking.k8s.io/v1",
        kind: "NetworkPolicy",
        metadata: meta("meshlens-allow-dns", "shop"),
        spec: {
          podSelector: {},
          policyTypes: ["Egress"],
          egress: [
            {
              to: [{ namespaceSelector: inNamespace("kube-system"), podSelector: { matchLabels: { "k8s-app": "kube-dns" } } }],
              ports: [
                { protocol: "UDP", port: 53 },
                { protocol: "TCP", port: 53 },
              ],
            },
          ],
        },
      },
      {
        apiVersion: "networking.k8s.io/v1",
        kind: "NetworkPolicy",
        metadata: meta("meshlens-allow-istiod", "shop"),
        spec: {
          podSelector: {},
          policyTypes: ["Egress"],
          egress: [{ to: [{ namespaceSelector: inNamespace("istio-system"), podSelector: { matchLabels: { app: "istiod" } } }], ports: [{ protocol: "TCP", port: 15012 }] }],
        },
      },
      {
        apiVersion: "networking.k8s.io/v1",
        kind: "NetworkPolicy",
        metadata: meta("meshlens-allow-ingress-cart", "shop"),
        spec: { podSelector: { matchLabels: { app: "cart" } }, policyTypes: ["Ingress"], ingress: [{ from: [fromFrontend], ports: [{ protocol: "TCP", port: 7070 }] }] },
      },
      {
        apiVersion: "networking.k8s.io/v1",
        kind: "NetworkPolicy",
        metadata: meta("meshlens-allow-ingress-redis", "shop"),
        spec: { podSelector: { matchLabels: { app: "redis" } }, policyTypes: ["Ingress"], ingress: [{ from: [fromCart], ports: [{ protocol: "TCP", port: 6379 }] }] },
      },
      {
        apiVersion: "networking.k8s.io/v1",
        kind: "NetworkPolicy",
        metadata: meta("meshlens-allow-egress-cart", "shop"),
        spec: {
          podSelector: { matchLabels: { app: "cart" } },
          policyTypes: ["Egress"],
          egress: [{ to: [{ namespaceSelector: inNamespace("shop"), podSelector: { matchLabels: { app: "redis" } } }], ports: [{ protocol: "TCP", port: 6379 }] }],
        },
      },
      {
        apiVersion: "security.istio.io/v1",
        kind: "AuthorizationPolicy",
        metadata: meta("meshlens-allow-ingress-cart", "shop"),
        spec: {
          selector: { matchLabels: { app: "cart" } },
          action: "ALLOW",
          rules: [{ from: [{ source: { principals: ["cluster.local/ns/web/sa/frontend"] } }], to: [{ operation: { ports: ["7070"] } }] }],
        },
      },
      { apiVersion: "security.istio.io/v1", kind: "PeerAuthentication", metadata: meta("meshlens-mtls-cart", "shop"), spec: { selector: { matchLabels: { app: "cart" } }, mtls: { mode: "STRICT" } } },
      {
        apiVersion: "security.istio.io/v1",
        kind: "AuthorizationPolicy",
        metadata: meta("meshlens-allow-ingress-redis", "shop"),
        spec: {
          selector: { matchLabels: { app: "redis" } },
          action: "ALLOW",
          rules: [{ from: [{ source: { principals: ["cluster.local/ns/shop/sa/cart"] } }], to: [{ operation: { ports: ["6379"] } }] }],
        },
      },
      { apiVersion: "security.istio.io/v1", kind: "PeerAuthentication", metadata: meta("meshlens-mtls-redis", "shop"), spec: { selector: { matchLabels: { app: "redis" } }, mtls: { mode: "STRICT" } } },
    ]);
    expect(shopNs.notes).toEqual([expect.stringMatching(/^shop: not in Istio telemetry, so not allowed: Prometheus scraping/)]);
    // Each object says which traffic it covers, just above it.
    expect(shopNs.yaml).toContain(
      [
        `# Admits the callers of shop/cart[Deployment] observed in ${WINDOW_TEXT}:`,
        "#   web/frontend[Deployment] -> shop/cart[Deployment]: grpc, 100 requests, mTLS; TCP 7070 (Service shop/cart)",
        "apiVersion: networking.k8s.io/v1",
        "kind: NetworkPolicy",
      ].join("\n"),
    );
    expect(shopNs.yaml).toContain("# Methods and paths cannot be derived: Istio's standard metrics carry neither");
  });

  it("gives the caller's namespace its egress, and nothing to namespaces without workloads or system ones", () => {
    const r = recommendPolicies(shop);
    expect(r.namespaces.map((n) => n.namespace)).toEqual(["shop", "web"]);
    expect(kinds(r, "web")).toEqual([
      "NetworkPolicy/meshlens-default-deny",
      "NetworkPolicy/meshlens-allow-dns",
      "NetworkPolicy/meshlens-allow-istiod",
      "NetworkPolicy/meshlens-allow-egress-frontend",
    ]);
    expect(namespaceOf(r, "web").objects[3]).toMatchObject({
      spec: { podSelector: { matchLabels: { app: "frontend" } }, egress: [{ to: [{ namespaceSelector: inNamespace("shop"), podSelector: { matchLabels: { app: "cart" } } }], ports: [{ protocol: "TCP", port: 7070 }] }] },
    });
    const system = snapshotOf({ workloads: [...shop.workloads, wl("istio-system/istiod[Deployment]", { app: "istiod" })], edges: shop.edges, services: shop.services });
    expect(recommendPolicies(system).namespaces.map((n) => n.namespace)).toEqual(["shop", "web"]);
    expect(recommendPolicies(system, { namespaces: ["istio-system", "empty"] }).namespaces.map((n) => [n.namespace, n.objects.length])).toEqual([
      ["empty", 0],
      ["istio-system", 2],
    ]);
  });

  it("holds back the AuthorizationPolicy of a destination with a plaintext caller, and says how to fix it", () => {
    const legacy = wl("web/legacy[Deployment]", { app: "legacy" }, { sidecar: false, sa: "legacy" });
    const s = snapshotOf({
      workloads: [frontend, legacy, cart, redis],
      services: [cartSvc, redisSvc],
      policies: [strictMesh],
      edges: [edge(frontend, cart), edge(legacy, cart, { mtlsShare: 0 })],
    });
    const shopNs = namespaceOf(recommendPolicies(s), "shop");
    expect(kinds({ namespaces: [shopNs] }, "shop")).toEqual([
      "NetworkPolicy/meshlens-default-deny",
      "NetworkPolicy/meshlens-allow-dns",
      "NetworkPolicy/meshlens-allow-istiod",
      "NetworkPolicy/meshlens-allow-ingress-cart",
      // Not STRICT: the mesh-wide STRICT would refuse legacy's plaintext, so PERMISSIVE for now.
      "PeerAuthentication/meshlens-mtls-cart",
    ]);
    expect(shopNs.objects[4]).toMatchObject({ spec: { mtls: { mode: "PERMISSIVE" } } });
    // The NetworkPolicy still admits both callers: nobody is locked out.
    expect(shopNs.objects[3]).toMatchObject({ spec: { ingress: [{ from: [{ podSelector: { matchLabels: { app: "frontend" } } }] }, { from: [{ podSelector: { matchLabels: { app: "legacy" } } }] }] } });
    expect(shopNs.notes).toContain(
      "shop/cart[Deployment]: AuthorizationPolicy meshlens-allow-ingress-cart is held back (commented out in the YAML): enforce mTLS first: inject a sidecar into web/legacy[Deployment]; then apply this AuthorizationPolicy",
    );
    expect(shopNs.notes).toContainEqual(expect.stringMatching(/^shop\/cart\[Deployment\]: no STRICT PeerAuthentication: not every observed caller spoke mTLS/));
    // Held back means written commented out, with both principals ready.
    expect(shopNs.yaml).toContain("# HELD BACK (not applied)");
    expect(shopNs.yaml).toContain("# kind: AuthorizationPolicy");
    expect(shopNs.yaml).toContain("#               - cluster.local/ns/web/sa/legacy");
    expect(proveRecommendation(s, recommendPolicies(s))).toEqual({ allowedButNotObserved: [], observedButNotAllowed: [], accepted: [] });
  });

  it("names the DestinationRule that turns TLS off between two sidecars, and the anonymous report of the same traffic", () => {
    const disable = policy("DestinationRule", "shop", "redis", { host: "redis", trafficPolicy: { tls: { mode: "DISABLE" } } }, "networking.istio.io/v1");
    const s = snapshotOf({
      workloads: [frontend, cart, redis],
      services: [cartSvc, redisSvc],
      policies: [disable],
      edges: [
        edge(cart, redis, { protocols: ["tcp"], mtlsShare: null, reportedBy: "source" }),
        edge({ kind: "unknown", reason: "plaintext" }, redis, { protocols: ["tcp"], mtlsShare: 0 }),
      ],
    });
    const notes = namespaceOf(recommendPolicies(s), "shop").notes;
    expect(notes).toContain(
      "shop/redis[StatefulSet]: AuthorizationPolicy meshlens-allow-ingress-redis is held back (commented out in the YAML): enforce mTLS first: remove the DestinationRule that disables TLS (shop/redis[DestinationRule]) for shop/cart[Deployment]; then apply this AuthorizationPolicy",
    );
    expect(notes).toContainEqual(expect.stringContaining("they are probably the same connections as shop/cart[Deployment]"));
    expect(proveRecommendation(s, recommendPolicies(s))).toEqual({ allowedButNotObserved: [], observedButNotAllowed: [], accepted: [] });
  });

  it("declares the external hosts used, keeps the sidecars to the registry, and lets the pod out on their ports", () => {
    const pay = wl("shop/pay[Deployment]", { app: "pay" }, { sidecar: true, sa: "pay", ports: [["grpc", 50051]] });
    const external = (host: string, via: "service-entry" | "passthrough"): TrafficPeer => ({ kind: "external", host, via });
    const s = snapshotOf({
      workloads: [frontend, cart, pay],
      services: [cartSvc],
      edges: [edge(pay, external("api.bank.example", "service-entry"), { protocols: ["tcp"], mtlsShare: null, reportedBy: "source" }), edge(pay, frontend, { service: "frontend.web.svc.cluster.local", protocols: ["http"] })],
    });
    const shopNs = namespaceOf(recommendPolicies(s), "shop");
    expect(kinds({ namespaces: [shopNs] }, "shop")).toEqual([
      "NetworkPolicy/meshlens-default-deny",
      "NetworkPolicy/meshlens-allow-dns",
      "NetworkPolicy/meshlens-allow-istiod",
      "NetworkPolicy/meshlens-allow-egress-pay",
      "ServiceEntry/meshlens-egress-api-bank-example",
      "Sidecar/meshlens-registry-only",
    ]);
    const [egress, entry, sidecar] = shopNs.objects.slice(3);
    expect(egress).toMatchObject({
      spec: {
        egress: [
          { to: [{ namespaceSelector: inNamespace("web"), podSelector: { matchLabels: { app: "frontend" } } }], ports: [{ protocol: "TCP", port: 8080 }] },
          { to: [{ ipBlock: { cidr: "0.0.0.0/0" } }], ports: [{ protocol: "TCP", port: 443 }] },
        ],
      },
    });
    expect(entry).toEqual({
      apiVersion: "networking.istio.io/v1",
      kind: "ServiceEntry",
      metadata: meta("meshlens-egress-api-bank-example", "shop"),
      spec: { hosts: ["api.bank.example"], exportTo: ["."], location: "MESH_EXTERNAL", resolution: "DNS", ports: [{ number: 443, protocol: "TLS", name: "tls-443" }] },
    });
    expect(sidecar).toEqual({
      apiVersion: "networking.istio.io/v1",
      kind: "Sidecar",
      metadata: meta("meshlens-registry-only", "shop"),
      spec: {
        outboundTrafficPolicy: { mode: "REGISTRY_ONLY" },
        // The Services of other namespaces the sidecars call stay reachable under REGISTRY_ONLY.
        egress: [{ hosts: ["./*", "istio-system/*", "./api.bank.example", "web/frontend.web.svc.cluster.local"] }],
      },
    });
    expect(shopNs.yaml).toContain("    # api.bank.example: NetworkPolicies cannot match DNS names, so any address (0.0.0.0/0); port assumed 443 (TLS): telemetry has no port\n    - to:");
    expect(shopNs.yaml).toContain("# Port assumed: TLS on 443 (telemetry has no port)");
    expect(proveRecommendation(s, recommendPolicies(s)).observedButNotAllowed).toEqual([]);
  });

  it("takes an external host's ports from the ServiceEntry that declares it", () => {
    const pay = wl("shop/pay[Deployment]", { app: "pay" }, { sidecar: true });
    const declared = policy("ServiceEntry", "shop", "bank", { hosts: ["api.bank.example"], location: "MESH_EXTERNAL", resolution: "DNS", ports: [{ number: 8443, name: "https", protocol: "HTTPS" }] }, "networking.istio.io/v1");
    const s = snapshotOf({ workloads: [pay], policies: [declared], edges: [edge(pay, { kind: "external", host: "api.bank.example", via: "service-entry" }, { protocols: ["tcp"], reportedBy: "source", mtlsShare: null })] });
    const objects = namespaceOf(recommendPolicies(s), "shop").objects;
    expect(objects.find((o) => o.kind === "ServiceEntry")).toMatchObject({ spec: { ports: [{ number: 8443, protocol: "HTTPS", name: "https" }] } });
    expect(objects.find((o) => (o.metadata as { name: string }).name === "meshlens-allow-egress-pay")).toMatchObject({ spec: { egress: [{ ports: [{ protocol: "TCP", port: 8443 }] }] } });
  });

  it("holds back the REGISTRY_ONLY Sidecar while a host reached through PassthroughCluster is unnamed", () => {
    const rates = wl("shop/rates[Deployment]", { app: "rates" }, { sidecar: true });
    const s = snapshotOf({ workloads: [rates], edges: [edge(rates, { kind: "external", host: "PassthroughCluster", via: "passthrough" }, { protocols: ["tcp"], reportedBy: "source", mtlsShare: null })] });
    const shopNs = namespaceOf(recommendPolicies(s), "shop");
    expect(kinds({ namespaces: [shopNs] }, "shop")).not.toContain("Sidecar/meshlens-registry-only");
    expect(kinds({ namespaces: [shopNs] }, "shop")).not.toContainEqual(expect.stringMatching(/^ServiceEntry/));
    expect(shopNs.yaml).toContain("# kind: Sidecar");
    expect(shopNs.notes).toContainEqual(expect.stringContaining("left the mesh through PassthroughCluster to a host telemetry does not name: find the host"));
    // The pod may still leave on 443 (assumed), so that the call keeps working meanwhile.
    expect(shopNs.objects.at(-1)).toMatchObject({ spec: { egress: [{ to: [{ ipBlock: { cidr: "0.0.0.0/0" } }], ports: [{ protocol: "TCP", port: 443 }] }] } });
  });

  it("excludes workloads whose labels include the selected ones, and reports those it cannot tell apart", () => {
    const a = wl("shop/a[Deployment]", { tier: "api" }, { sidecar: true, ports: [["http", 80]] });
    const b = wl("shop/b[Deployment]", { tier: "api", track: "canary" }, { sidecar: true, ports: [["http", 80]] });
    const c = wl("shop/c[Deployment]", { tier: "api", track: "canary" }, { sidecar: true, ports: [["http", 80]] });
    const s = snapshotOf({ workloads: [a, b, c], edges: [edge(b, a, { protocols: ["http"] })] });
    const r = recommendPolicies(s);
    const objects = namespaceOf(r, "shop").objects;
    expect(objects.find((o) => (o.metadata as { name: string }).name === "meshlens-allow-ingress-a" && o.kind === "NetworkPolicy")).toMatchObject({
      spec: { podSelector: { matchLabels: { tier: "api" }, matchExpressions: [{ key: "track", operator: "DoesNotExist" }] } },
    });
    // Istio selectors cannot exclude: {tier: api} also selects b and c, so no Istio policy for a.
    expect(objects.filter((o) => o.kind === "AuthorizationPolicy" || o.kind === "PeerAuthentication")).toEqual([]);
    expect(namespaceOf(r, "shop").notes).toContainEqual(expect.stringContaining("shop/b[Deployment]: has the same pod labels as shop/c[Deployment]"));
    // c is allowed what b is: accounted for, with the reason.
    expect(proveRecommendation(s, r)).toEqual({
      allowedButNotObserved: [],
      observedButNotAllowed: [],
      accepted: [
        {
          pair: "shop/c[Deployment] => shop/a[Deployment] : TCP 80",
          reason: "shop/c[Deployment] has the same pod labels as shop/b[Deployment], and shop/b[Deployment] => shop/a[Deployment] was observed: NetworkPolicies cannot tell them apart",
        },
      ],
    });
  });

  it("keeps names DNS-1123 labels of at most 63 characters, unique when cut", () => {
    const long = "a-very-long-workload-name-that-goes-on-and-on-and-on-and-on";
    expect(dnsName("meshlens-allow-ingress", long)).toMatch(/^meshlens-allow-ingress-a-very-long-[a-z0-9-]*-[0-9a-f]{8}$/);
    expect(dnsName("meshlens-allow-ingress", long).length).toBeLessThanOrEqual(63);
    expect(dnsName("meshlens-allow-ingress", `${long}-x`)).not.toBe(dnsName("meshlens-allow-ingress", `${long}-y`));
    expect(dnsName("meshlens-egress", "API.Example.COM")).toBe("meshlens-egress-api-example-com");
  });

  it("is deterministic: the order of the input does not matter", () => {
    const shuffled = { ...shop, workloads: [...shop.workloads].reverse(), edges: [...shop.edges].reverse(), services: [...shop.services].reverse() };
    expect(recommendPolicies(shuffled)).toEqual(recommendPolicies(shop));
  });
});

describe("proveRecommendation", () => {
  it("catches a recommendation that refuses observed traffic or allows more", () => {
    const r = recommendPolicies(shop);
    const withoutIngress: Recommendation = {
      namespaces: r.namespaces.map((n) => ({ ...n, objects: n.objects.filter((o) => (o.metadata as { name: string }).name !== "meshlens-allow-ingress-redis" || o.kind !== "NetworkPolicy") })),
    };
    expect(proveRecommendation(shop, withoutIngress).observedButNotAllowed).toEqual(["shop/cart[Deployment] => shop/redis[StatefulSet] : 6379"]);
    const open = (name: string, app: string, spec: object) => ({ apiVersion: "networking.k8s.io/v1", kind: "NetworkPolicy", metadata: meta(name, "shop"), spec: { podSelector: { matchLabels: { app } }, ...spec } });
    const extra = [open("open-cart", "cart", { ingress: [{}] }), open("open-redis", "redis", { policyTypes: ["Egress"], egress: [{}] })];
    const tooOpen: Recommendation = { namespaces: r.namespaces.map((n) => (n.namespace === "shop" ? { ...n, objects: [...n.objects, ...extra] } : n)) };
    // Cart's AuthorizationPolicy and STRICT mTLS still stop TCP; UDP and SCTP pass by the sidecar.
    expect(proveRecommendation(shop, tooOpen).allowedButNotObserved).toEqual([
      "external => shop/cart[Deployment] : SCTP,UDP",
      "shop/redis[StatefulSet] => external : All Connections",
      "shop/redis[StatefulSet] => shop/cart[Deployment] : SCTP,UDP",
    ]);
  });

  it("finds nothing to report on the demo cluster", () => {
    const snapshot = demoSnapshot();
    const r = recommendPolicies(snapshot);
    expect(r.namespaces.map((n) => n.namespace)).toEqual(["blog", "shop-core", "shop-ops", "shop-payments", "shop-web"]);
    expect(proveRecommendation(snapshot, r)).toEqual({ allowedButNotObserved: [], observedButNotAllowed: [], accepted: [] });
    // The planted problems surface as notes, not as policies that would break traffic.
    const notes = r.namespaces.flatMap((n) => n.notes);
    expect(notes).toContainEqual(expect.stringContaining("remove the DestinationRule that disables TLS (shop-core/redis-cart[DestinationRule]) for shop-core/cartservice[Deployment]"));
    expect(notes).toContainEqual(expect.stringContaining("candidates (no sidecar, no traffic of their own observed): blog/blog-postgres-backup[CronJob]"));
    expect(notes).toContainEqual(expect.stringMatching(/^shop-core\/currencyservice\[Deployment\]: 60 connections left the mesh through PassthroughCluster/));
    checkObjects(r);
    checkEngineReadsThem(snapshot, r);
  });

  it("finds nothing to report on a generated cluster of 200 workloads with random observed traffic", () => {
    const snapshot = generatedSnapshot();
    const r = recommendPolicies(snapshot);
    expect(r.namespaces).toHaveLength(4);
    expect(proveRecommendation(snapshot, r)).toEqual({ allowedButNotObserved: [], observedButNotAllowed: [], accepted: [] });
    checkObjects(r);
    checkEngineReadsThem(snapshot, r);
  });
});

/** Every document parses, is the object it stands for, and has a valid kind, name and namespace. */
function checkObjects(r: Recommendation) {
  const DNS_1123_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
  for (const n of r.namespaces) {
    const documents = parseAllDocuments(n.yaml);
    for (const document of documents) expect(document.errors).toEqual([]);
    // Held-back objects are comment-only documents: null.
    expect(documents.map((d) => d.toJS() as unknown).filter((d) => d !== null)).toEqual(n.objects);
    for (const object of n.objects) {
      const metadata = object.metadata as { name: string; namespace: string; labels: Record<string, string> };
      expect(object.apiVersion).toEqual(expect.any(String));
      expect(object.kind).toEqual(expect.any(String));
      expect(metadata.namespace).toBe(n.namespace);
      expect(metadata.name).toMatch(DNS_1123_LABEL);
      expect(metadata.name.length).toBeLessThanOrEqual(63);
      expect(metadata.labels).toEqual({ "app.kubernetes.io/managed-by": "meshlens" });
    }
    const names = n.objects.map((o) => `${String(o.kind)}/${(o.metadata as { name: string }).name}`);
    expect(new Set(names).size).toBe(names.length);
  }
}

/** The engine accepts every generated policy without an issue (but the duplicate Sidecar the notes mention). */
function checkEngineReadsThem(snapshot: Snapshot, r: Recommendation) {
  const generated = r.namespaces.flatMap((n) =>
    n.objects.map((object) => {
      const { name, namespace } = object.metadata as { name: string; namespace: string };
      return { id: `${namespace}/${name}[${String(object.kind)}]`, kind: object.kind, apiVersion: object.apiVersion, namespace, name, object } as Policy;
    }),
  );
  const mesh = analyzeMesh({ ...snapshot, policies: [...snapshot.policies, ...generated] });
  const ours = [...mesh.issues, ...mesh.notes].filter((i) => i.policy.includes("/meshlens-") && !(i.policy.endsWith("[Sidecar]") && i.message.includes("more than one Sidecar")));
  expect(ours).toEqual([]);
}

/** The demo snapshot, assembled as lib/server/demo.ts does, without the database. */
const demoSnapshot = (): Snapshot => buildDemoSnapshot(demoFiles());

/**
 * 200 bench workloads in 4 namespaces (team-000 without sidecars), with the bench's own policies,
 * and 300 observed edges between random pairs (seeded): mTLS between sidecars, plaintext otherwise.
 */
function generatedSnapshot(): Snapshot {
  const objects = generateObjects({ workloads: 200, policies: 120, namespaces: 4, seed: 11, defaultDeny: true });
  const read = readManifests([{ path: "generated.yaml", content: objects.map((o) => stringify(o)).join("---\n") }]);
  let state = 20260101;
  const random = () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state / 4294967296;
  };
  const pick = <T>(items: readonly T[]) => items[Math.floor(random() * items.length)]!;
  const edges = new Map<string, TrafficEdge>();
  while (edges.size < 300) {
    const source = pick(read.workloads);
    const destination = pick(read.workloads);
    if (source.id === destination.id) continue;
    const protocol = pick(["http", "grpc", "tcp"]);
    const meshed = source.sidecar.injected && destination.sidecar.injected;
    const e = edge(source, destination, {
      protocols: [protocol],
      mtlsShare: destination.sidecar.injected ? (meshed ? 1 : 0) : null,
      reportedBy: destination.sidecar.injected ? "destination" : "source",
    });
    edges.set(`${source.id}>${destination.id}`, e);
  }
  return snapshotFromManifests(read, {
    name: "generated",
    cluster: "bench",
    capturedAt: new Date(WINDOW.end),
    files: ["generated.yaml"],
    edges: [...edges.values()],
    telemetry: { state: "captured", prometheus: "hand-made", window: WINDOW, unmatched: [] },
  });
}
