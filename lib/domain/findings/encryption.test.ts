/**
 * unencrypted-traffic and mtls-not-enforced on hand-made clusters. Expected findings follow
 * Istio's rules: only the destination proxy knows whether a connection was mTLS; a destination
 * without a sidecar gets plaintext (auto mTLS falls back); PeerAuthentication scopes are
 * workload > namespace > mesh, with PERMISSIVE when nothing is set; a DestinationRule's
 * tls.mode DISABLE makes client sidecars send plaintext.
 */
import { describe, expect, it } from "vitest";
import { buildContext } from "./context";
import { mtlsNotEnforced, unencryptedTraffic } from "./encryption";
import { cleanContext, context, demoSnapshot, edge, fqdn, remediationObjects, WINDOW } from "./test-helpers";
import { np, ns, policy, svc, wl } from "../engine/testing/builders";
import { SEVERITIES, type Finding, type TrafficEdge } from "../model";

const NAMESPACES = [ns("shop", { "istio-injection": "enabled" }), ns("legacy", { team: "old" }), ns("istio-system")];
const web = wl("shop/web[Deployment]", { app: "web" }, { sidecar: true, ports: [["http", 8080]] });
const cart = wl("shop/cart[Deployment]", { app: "cart" }, { sidecar: true, ports: [["grpc", 7070]] });
const redis = wl("shop/redis[StatefulSet]", { app: "redis" }, { sidecar: true, ports: [["redis", 6379]] });
const old = wl("legacy/old[Deployment]", { app: "old" }, { sidecar: false, ports: [["http", 9000]] });
const webSvc = svc("shop/web", { app: "web" }, [["http", 80, 8080]]);
const cartSvc = svc("shop/cart", { app: "cart" }, [["grpc", 7070, 7070]]);
const redisSvc = svc("shop/redis", { app: "redis" }, [["tcp-redis", 6379, 6379]]);
const oldSvc = svc("legacy/old", { app: "old" }, [["http", 9000, 9000]]);
const SERVICES = [webSvc, cartSvc, redisSvc, oldSvc];

const pa = (namespace: string, name: string, spec: object) => policy("PeerAuthentication", namespace, name, spec);
const dr = (namespace: string, name: string, spec: object) => policy("DestinationRule", namespace, name, spec, "networking.istio.io/v1");
const MESH_STRICT = pa("istio-system", "default", { mtls: { mode: "STRICT" } });
const SHOP_PERMISSIVE = pa("shop", "default", { mtls: { mode: "PERMISSIVE" } });

const ids = (findings: Finding[]) => findings.map((f) => f.id);
const kinds = (finding: Finding) => remediationObjects(finding).map((o) => o.kind);

describe("unencrypted-traffic", () => {
  it("reports plaintext a source proxy sent to a workload without a sidecar, high across namespaces", () => {
    const c = context({
      namespaces: NAMESPACES,
      workloads: [web, old],
      services: SERVICES,
      policies: [MESH_STRICT],
      edges: [edge(web, old, { reportedBy: "source", service: fqdn(oldSvc), requests: 120 })],
    });
    const [finding, ...rest] = unencryptedTraffic(c);
    expect(rest).toEqual([]);
    expect(finding).toMatchObject({
      id: "unencrypted-traffic:shop/web[Deployment],legacy/old[Deployment]",
      kind: "unencrypted-traffic",
      severity: "high",
      subjects: ["shop/web[Deployment]", "legacy/old[Deployment]"],
      evidence: {
        requests: 120,
        plaintextRequests: 120,
        plaintextShare: 1,
        reportedBy: ["source"],
        window: WINDOW,
        destinationMode: "no sidecar",
        destinationPorts: [{ port: 9000 }],
        crossNamespace: true,
        dataStore: null,
      },
    });
    // The fix: sidecar injection for legacy, keeping the namespace's labels.
    expect(remediationObjects(finding!)).toEqual([{ apiVersion: "v1", kind: "Namespace", metadata: { name: "legacy", labels: { team: "old", "istio-injection": "enabled" } } }]);
    expect(finding!.remediation.yaml).toMatch(/^# Turns on Istio sidecar injection/);
  });

  it("reports the plaintext part of traffic a PERMISSIVE destination accepted, medium inside a namespace", () => {
    const c = context({
      namespaces: NAMESPACES,
      workloads: [web, cart],
      services: SERVICES,
      policies: [MESH_STRICT, SHOP_PERMISSIVE],
      edges: [edge(web, cart, { service: fqdn(cartSvc), protocols: ["grpc"], requests: 200, mtlsShare: 0.75 })],
    });
    const [finding, ...rest] = unencryptedTraffic(c);
    expect(rest).toEqual([]);
    expect(finding).toMatchObject({
      id: "unencrypted-traffic:shop/web[Deployment],shop/cart[Deployment]",
      severity: "medium",
      evidence: {
        requests: 200,
        plaintextRequests: 50,
        plaintextShare: 0.25,
        destinationMode: "PERMISSIVE",
        destinationModeSetBy: "shop/default[PeerAuthentication]",
        destinationPorts: [{ port: 7070, mode: "PERMISSIVE", setBy: "shop/default[PeerAuthentication]" }],
        crossNamespace: false,
        dataStore: null,
      },
    });
    // Both ends have sidecars and no rule turns TLS off: STRICT is the fix, in the policy that relaxed it.
    expect(remediationObjects(finding!)).toEqual([
      { apiVersion: "security.istio.io/v1", kind: "PeerAuthentication", metadata: { name: "default", namespace: "shop" }, spec: { mtls: { mode: "STRICT" } } },
    ]);
  });

  it("reports TCP from an unknown source to a data store as high, and suspects the DestinationRule that turns TLS off", () => {
    const redisPa = pa("shop", "redis", { selector: { matchLabels: { app: "redis" } }, mtls: { mode: "STRICT" }, portLevelMtls: { 6379: { mode: "PERMISSIVE" } } });
    const redisDr = dr("shop", "redis", { host: "redis", trafficPolicy: { tls: { mode: "DISABLE" } } });
    const tcp = { service: fqdn(redisSvc), protocols: ["tcp"], connections: 10, requestBytes: 1_000, responseBytes: 5_000 };
    const c = context({
      namespaces: NAMESPACES,
      workloads: [cart, redis],
      services: SERVICES,
      policies: [MESH_STRICT, redisPa, redisDr],
      edges: [
        // The destination saw plaintext it could not attribute; the client's proxy saw its own side.
        edge("unknown", redis, { ...tcp, mtlsShare: 0 }),
        edge(cart, redis, { ...tcp, reportedBy: "source" }),
      ],
    });
    const [finding, ...rest] = unencryptedTraffic(c);
    // cart -> redis alone says nothing about encryption (only the source proxy reported it).
    expect(rest).toEqual([]);
    expect(finding).toMatchObject({
      id: "unencrypted-traffic:unknown,shop/redis[StatefulSet]",
      severity: "high",
      subjects: ["unknown", "shop/redis[StatefulSet]"],
      evidence: {
        connections: 10,
        plaintextConnections: 10,
        bytes: 6_000,
        plaintextBytes: 6_000,
        plaintextShare: 1,
        destinationMode: "STRICT",
        destinationPorts: [{ port: 6379, mode: "PERMISSIVE", setBy: "shop/redis[PeerAuthentication]" }],
        dataStore: "port 6379 named tcp-redis",
        likelySources: ["shop/cart[Deployment]"],
      },
    });
    const [rule, peerAuthentication] = remediationObjects(finding!);
    expect(rule).toMatchObject({ kind: "DestinationRule", metadata: { name: "redis", namespace: "shop" }, spec: { host: "redis", trafficPolicy: { tls: { mode: "ISTIO_MUTUAL" } } } });
    expect(peerAuthentication).toMatchObject({ kind: "PeerAuthentication", metadata: { name: "redis" }, spec: { mtls: { mode: "STRICT" }, portLevelMtls: { 6379: { mode: "STRICT" } } } });
  });

  it("does not report mTLS traffic, traffic of unknown encryption, traffic leaving the mesh or unmatched sources", () => {
    const unmatched: TrafficEdge = { ...edge(web, cart, { mtlsShare: 0 }), source: { kind: "unmatched", namespace: "gone", name: "job" } };
    const c = context({
      namespaces: NAMESPACES,
      workloads: [web, cart, redis],
      services: SERVICES,
      policies: [SHOP_PERMISSIVE],
      edges: [
        edge(web, cart, { requests: 100 }),
        edge(cart, redis, { reportedBy: "source", protocols: ["tcp"], connections: 5 }),
        edge(cart, { external: "PassthroughCluster", via: "passthrough" }, { reportedBy: "source", connections: 5 }),
        unmatched,
      ],
    });
    expect(unencryptedTraffic(c)).toEqual([]);
  });
});

describe("mtls-not-enforced", () => {
  it("reports each workload of a PERMISSIVE namespace as medium, fixed in the namespace's policy", () => {
    const c = context({ namespaces: NAMESPACES, workloads: [web, cart], services: SERVICES, policies: [MESH_STRICT, SHOP_PERMISSIVE] });
    const findings = mtlsNotEnforced(c);
    expect(ids(findings)).toEqual(["mtls-not-enforced:shop/cart[Deployment]", "mtls-not-enforced:shop/web[Deployment]"]);
    // No NetworkPolicy: web may call cart, and so may any address outside the cluster.
    expect(findings[0]).toMatchObject({
      severity: "medium",
      title: "shop/cart[Deployment] accepts plaintext (PERMISSIVE)",
      evidence: {
        mode: "PERMISSIVE",
        setBy: "shop/default[PeerAuthentication]",
        ports: [{ port: 7070, mode: "PERMISSIVE", setBy: "shop/default[PeerAuthentication]" }],
        weakPorts: "all",
        exampleCaller: "shop/web[Deployment]",
        reachableFromOutside: true,
      },
    });
    expect(findings[0]!.remediation.summary).toContain("Only safe once every caller sends mTLS");
    expect(remediationObjects(findings[0]!)).toEqual([
      { apiVersion: "security.istio.io/v1", kind: "PeerAuthentication", metadata: { name: "default", namespace: "shop" }, spec: { mtls: { mode: "STRICT" } } },
    ]);
  });

  it("is low for PERMISSIVE workloads nothing may reach", () => {
    const denyIngress = np("shop", "default-deny", { podSelector: {}, policyTypes: ["Ingress"] });
    const findings = mtlsNotEnforced(context({ namespaces: NAMESPACES, workloads: [web, cart], services: SERVICES, policies: [SHOP_PERMISSIVE, denyIngress] }));
    expect(findings.map((f) => [f.id, f.severity, f.evidence.exampleCaller, f.evidence.reachableFromOutside])).toEqual([
      ["mtls-not-enforced:shop/cart[Deployment]", "low", null, false],
      ["mtls-not-enforced:shop/web[Deployment]", "low", null, false],
    ]);
  });

  it("reports Istio's default PERMISSIVE, fixed by a new workload policy", () => {
    const [finding, ...rest] = mtlsNotEnforced(context({ namespaces: NAMESPACES, workloads: [web], services: SERVICES }));
    expect(rest).toEqual([]);
    expect(finding).toMatchObject({ id: "mtls-not-enforced:shop/web[Deployment]", severity: "medium", evidence: { mode: "PERMISSIVE", setBy: "Istio's default" } });
    expect(remediationObjects(finding!)).toEqual([
      {
        apiVersion: "security.istio.io/v1",
        kind: "PeerAuthentication",
        metadata: { name: "web-strict", namespace: "shop" },
        spec: { selector: { matchLabels: { app: "web" } }, mtls: { mode: "STRICT" } },
      },
    ]);
  });

  it("fixes a workload of the root namespace in the mesh-wide policy, as istiod ignores selectors there", () => {
    const meshPermissive = pa("istio-system", "default", { mtls: { mode: "PERMISSIVE" } });
    const gateway = wl("istio-system/egress[Deployment]", { app: "egress" }, { sidecar: true, ports: [["https", 8443]] });
    const [finding] = mtlsNotEnforced(context({ namespaces: NAMESPACES, workloads: [gateway], policies: [meshPermissive] }));
    expect(finding).toMatchObject({ id: "mtls-not-enforced:istio-system/egress[Deployment]", evidence: { setBy: "istio-system/default[PeerAuthentication]" } });
    expect(remediationObjects(finding!)).toEqual([
      { apiVersion: "security.istio.io/v1", kind: "PeerAuthentication", metadata: { name: "default", namespace: "istio-system" }, spec: { mtls: { mode: "STRICT" } } },
    ]);
  });

  it("reports a port-level DISABLE as high, listing the port, fixed in the workload's policy", () => {
    const redisPa = pa("shop", "redis", { selector: { matchLabels: { app: "redis" } }, mtls: { mode: "STRICT" }, portLevelMtls: { 6379: { mode: "DISABLE" } } });
    const findings = mtlsNotEnforced(context({ namespaces: NAMESPACES, workloads: [cart, redis], services: SERVICES, policies: [MESH_STRICT, redisPa] }));
    expect(ids(findings)).toEqual(["mtls-not-enforced:shop/redis[StatefulSet]"]);
    expect(findings[0]).toMatchObject({
      severity: "high",
      title: "shop/redis[StatefulSet] accepts plaintext on port 6379 (DISABLE)",
      evidence: { mode: "STRICT", setBy: "shop/redis[PeerAuthentication]", ports: [{ port: 6379, mode: "DISABLE", setBy: "shop/redis[PeerAuthentication]" }], weakPorts: [6379] },
    });
    expect(remediationObjects(findings[0]!)).toEqual([
      {
        apiVersion: "security.istio.io/v1",
        kind: "PeerAuthentication",
        metadata: { name: "redis", namespace: "shop" },
        spec: { selector: { matchLabels: { app: "redis" } }, mtls: { mode: "STRICT" }, portLevelMtls: { 6379: { mode: "STRICT" } } },
      },
    ]);
  });

  it("reports a workload without a sidecar that meshed workloads call, with the AuthorizationPolicies nothing enforces", () => {
    const authz = policy("AuthorizationPolicy", "legacy", "old", { selector: { matchLabels: { app: "old" } }, rules: [{ from: [{ source: { principals: ["cluster.local/ns/shop/sa/web"] } }] }] });
    const c = context({
      namespaces: NAMESPACES,
      workloads: [web, old],
      services: SERVICES,
      policies: [MESH_STRICT, authz],
      edges: [edge(web, old, { reportedBy: "source", service: fqdn(oldSvc), requests: 10 })],
    });
    const [finding, ...rest] = mtlsNotEnforced(c);
    expect(rest).toEqual([]);
    expect(finding).toMatchObject({
      id: "mtls-not-enforced:legacy/old[Deployment]",
      severity: "high",
      evidence: {
        sidecar: false,
        ports: [9000],
        observedMeshedCallers: ["shop/web[Deployment]"],
        allowedMeshedCallers: 1,
        unenforcedAuthorizationPolicies: ["legacy/old[AuthorizationPolicy]"],
      },
    });
    expect(kinds(finding!)).toEqual(["Namespace"]);
  });

  it("does not report workloads without a sidecar that nothing meshed calls or may call, nor pure clients", () => {
    const cron = wl("legacy/report[CronJob]", { app: "report" }, { sidecar: false });
    const denyIngress = np("legacy", "default-deny", { podSelector: {}, policyTypes: ["Ingress"] });
    expect(mtlsNotEnforced(context({ namespaces: NAMESPACES, workloads: [web, old, cron], services: SERVICES, policies: [MESH_STRICT, denyIngress] }))).toEqual([]);
  });

  it("reports a DestinationRule that turns TLS off toward a workload with a sidecar, per rule and workload", () => {
    const redisDr = dr("shop", "redis", { host: "redis", trafficPolicy: { tls: { mode: "DISABLE" }, connectionPool: { tcp: { maxConnections: 10 } } } });
    // Toward a workload without a sidecar TLS is off anyway: not this rule's finding.
    const oldDr = dr("legacy", "old", { host: "old", trafficPolicy: { tls: { mode: "DISABLE" } } });
    const denyLegacy = np("legacy", "default-deny", { podSelector: {}, policyTypes: ["Ingress"] });
    const findings = mtlsNotEnforced(
      context({
        namespaces: NAMESPACES,
        workloads: [web, cart, redis, old],
        services: SERVICES,
        policies: [MESH_STRICT, redisDr, oldDr, denyLegacy],
        edges: [edge(cart, redis, { reportedBy: "source", protocols: ["tcp"], connections: 3 })],
      }),
    );
    expect(ids(findings)).toEqual(["mtls-not-enforced:shop/redis[DestinationRule],shop/redis[StatefulSet]"]);
    expect(findings[0]).toMatchObject({
      severity: "high",
      subjects: ["shop/redis[DestinationRule]", "shop/redis[StatefulSet]"],
      evidence: {
        fields: ["spec.trafficPolicy.tls.mode"],
        servicePorts: ["redis:6379"],
        // STRICT on the server: these clients are refused rather than sent in plaintext.
        serverModes: [{ port: 6379, mode: "STRICT", setBy: "istio-system/default[PeerAuthentication]" }],
        clients: 2,
        clientExamples: ["shop/cart[Deployment]", "shop/web[Deployment]"],
        observedClients: ["shop/cart[Deployment]"],
      },
    });
    expect(remediationObjects(findings[0]!)).toEqual([
      {
        apiVersion: "networking.istio.io/v1",
        kind: "DestinationRule",
        metadata: { name: "redis", namespace: "shop" },
        spec: { host: "redis", trafficPolicy: { tls: { mode: "ISTIO_MUTUAL" }, connectionPool: { tcp: { maxConnections: 10 } } } },
      },
    ]);
  });

  it("does not report ISTIO_MUTUAL DestinationRules", () => {
    const redisDr = dr("shop", "redis", { host: "redis", trafficPolicy: { tls: { mode: "ISTIO_MUTUAL" } } });
    expect(mtlsNotEnforced(context({ namespaces: NAMESPACES, workloads: [cart, redis], services: SERVICES, policies: [MESH_STRICT, redisDr] }))).toEqual([]);
  });
});

describe("a clean cluster", () => {
  it("has nothing above info", () => {
    const c = cleanContext();
    const findings = [...unencryptedTraffic(c), ...mtlsNotEnforced(c)];
    expect(findings.filter((f) => SEVERITIES.indexOf(f.severity) < SEVERITIES.indexOf("info"))).toEqual([]);
  });
});

describe("the demo cluster", () => {
  const c = buildContext(demoSnapshot());
  const unencrypted = unencryptedTraffic(c);
  const mtls = mtlsNotEnforced(c);
  const byId = new Map([...unencrypted, ...mtls].map((f) => [f.id, f]));

  it("finds exactly the planted encryption problems", () => {
    expect(unencrypted.map((f) => [f.id, f.severity])).toEqual([
      // 1: meshed callers of shop-ops, which has no sidecars
      ["unencrypted-traffic:shop-core/checkoutservice[Deployment],shop-ops/emailservice[Deployment]", "high"],
      ["unencrypted-traffic:shop-core/checkoutservice[Deployment],shop-ops/shippingservice[Deployment]", "high"],
      ["unencrypted-traffic:shop-web/frontend[Deployment],shop-ops/shippingservice[Deployment]", "high"],
      // 2 (with 3): the backup job's plaintext dump of blog-postgres
      ["unencrypted-traffic:unknown,blog/blog-postgres[StatefulSet]", "high"],
      // 4 and 5: cartservice -> redis-cart in plaintext
      ["unencrypted-traffic:unknown,shop-core/redis-cart[StatefulSet]", "high"],
    ]);
    expect(mtls.map((f) => [f.id, f.severity])).toEqual([
      // 3: blog/default PERMISSIVE
      ["mtls-not-enforced:blog/blog-api[Deployment]", "medium"],
      ["mtls-not-enforced:blog/blog-postgres[StatefulSet]", "medium"],
      ["mtls-not-enforced:blog/blog-web[Deployment]", "medium"],
      // 5: the DestinationRule DISABLE
      ["mtls-not-enforced:shop-core/redis-cart[DestinationRule],shop-core/redis-cart[StatefulSet]", "high"],
      // 4: port 6379 PERMISSIVE
      ["mtls-not-enforced:shop-core/redis-cart[StatefulSet]", "medium"],
      // 1: no sidecars, meshed callers
      ["mtls-not-enforced:shop-ops/emailservice[Deployment]", "high"],
      ["mtls-not-enforced:shop-ops/shippingservice[Deployment]", "high"],
    ]);
  });

  it("names the evidence of each problem", () => {
    expect(byId.get("unencrypted-traffic:shop-web/frontend[Deployment],shop-ops/shippingservice[Deployment]")?.evidence).toMatchObject({
      plaintextRequests: 1_200,
      reportedBy: ["source"],
      destinationMode: "no sidecar",
    });
    expect(byId.get("unencrypted-traffic:unknown,blog/blog-postgres[StatefulSet]")?.evidence).toMatchObject({
      connections: 1,
      plaintextBytes: 2_147_483_648 + 4_096,
      dataStore: "port 5432 named tcp-postgres",
      likelySources: ["blog/blog-postgres-backup[CronJob]"],
    });
    expect(byId.get("mtls-not-enforced:blog/blog-postgres[StatefulSet]")?.evidence).toMatchObject({
      setBy: "blog/default[PeerAuthentication]",
      callersWithoutSidecar: ["blog/blog-postgres-backup[CronJob]"],
    });
    const redisPort = byId.get("mtls-not-enforced:shop-core/redis-cart[StatefulSet]")!;
    expect(redisPort.evidence).toMatchObject({ weakPorts: [6379] });
    // STRICT alone would refuse cartservice, which the DestinationRule makes send plaintext: the rule is fixed first.
    expect(kinds(redisPort)).toEqual(["DestinationRule", "PeerAuthentication"]);
    expect(kinds(byId.get("unencrypted-traffic:unknown,shop-core/redis-cart[StatefulSet]")!)).toEqual(["DestinationRule", "PeerAuthentication"]);
    expect(byId.get("mtls-not-enforced:shop-core/redis-cart[DestinationRule],shop-core/redis-cart[StatefulSet]")?.evidence).toMatchObject({
      observedClients: ["shop-core/cartservice[Deployment]"],
    });
    expect(byId.get("mtls-not-enforced:shop-ops/shippingservice[Deployment]")?.evidence).toMatchObject({
      observedMeshedCallers: ["shop-core/checkoutservice[Deployment]", "shop-web/frontend[Deployment]"],
      unenforcedAuthorizationPolicies: ["shop-ops/shippingservice[AuthorizationPolicy]"],
    });
  });

  it("gives YAML kubectl can apply for every finding", () => {
    for (const finding of byId.values()) expect(remediationObjects(finding).length).toBeGreaterThan(0);
  });
});
