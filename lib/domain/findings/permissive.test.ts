/**
 * over-permissive-path and no-default-deny on hand-made clusters. Expected findings follow the
 * Kubernetes NetworkPolicy rules (a peer with both selectors is an AND, two peers are an OR; a
 * connection needs the source's egress and the destination's ingress) and Istio's ALLOW
 * semantics (an ALLOW policy admits only the sources its rules name).
 */
import { describe, expect, it } from "vitest";
import { analyzeMesh } from "../engine/mesh";
import { np, ns, policy, svc, wl } from "../engine/testing/builders";
import type { Finding, Snapshot, Workload } from "../model";
import { buildContext } from "./context";
import { demoSnapshot, detect, observed, snapshotOf, WINDOW, yamlObjects } from "./hygiene-test-helpers";
import { noDefaultDeny, overPermissivePath } from "./permissive";
import { policySelectsNothing, trafficContradictsPolicy } from "./policy-hygiene";

const ap = (namespace: string, name: string, spec: object) => policy("AuthorizationPolicy", namespace, name, spec);
const pa = (namespace: string, name: string, spec: object) => policy("PeerAuthentication", namespace, name, spec);
const inNamespace = (name: string) => ({ matchLabels: { "kubernetes.io/metadata.name": name } });
const app = (name: string) => ({ matchLabels: { app: name } });
const ids = (findings: Finding[]) => findings.map((f) => f.id);

// Two namespaces, no sidecars (only NetworkPolicies decide).
const cart = wl("shop/cart[Deployment]", { app: "cart" }, { ports: [["http", 8080]] });
const orders = wl("shop/orders[Deployment]", { app: "orders" });
const batch = wl("shop/batch[CronJob]", { app: "batch" });
const admin = wl("web/admin[Deployment]", { app: "admin" });
const frontend = wl("web/frontend[Deployment]", { app: "frontend" });
const SHOP = { namespaces: [ns("shop"), ns("web")], workloads: [batch, cart, orders, admin, frontend] };

/** A policy on cart with one ingress rule on TCP 8080 from `from`. */
const cartIngress = (from: unknown[]) => np("shop", "cart", { podSelector: app("cart"), policyTypes: ["Ingress"], ingress: [{ from, ports: [{ protocol: "TCP", port: 8080 }] }] });
const CART_RULE = "shop/cart[NetworkPolicy]#spec.ingress[0]";

describe("over-permissive-path: NetworkPolicy rules", () => {
  it("lists the sources a rule admits that sent nothing, and narrows the rule to the one that did", () => {
    const rule = cartIngress([{ podSelector: app("orders") }, { podSelector: app("batch") }]);
    const findings = detect(overPermissivePath, snapshotOf({ ...SHOP, policies: [rule], edges: [observed(orders, cart)] }));
    expect(ids(findings)).toEqual([`over-permissive-path:${CART_RULE},shop/cart[Deployment]`]);
    const [f] = findings as [Finding];
    // Same namespace, and the rule names pods: low.
    expect(f.severity).toBe("low");
    expect(f.subjects).toEqual(["shop/cart[Deployment]", "shop/cart[NetworkPolicy]", "shop/batch[CronJob]"]);
    expect(f.evidence).toMatchObject({
      rule: { policy: "shop/cart[NetworkPolicy]", field: "spec.ingress[0]", admits: ["pods app=orders in shop", "pods app=batch in shop"] },
      connections: "TCP 8080",
      window: WINDOW,
      admittedSources: 2,
      observedSources: ["shop/orders[Deployment]"],
      // Without sidecars nothing else stands in the way.
      unusedSources: [{ workload: "shop/batch[CronJob]", endToEnd: "TCP 8080" }],
      unusedCount: 1,
      crossNamespace: false,
    });
    const [narrowed] = yamlObjects(f.remediation.yaml) as [{ metadata: object; spec: { ingress: object[] } }];
    expect(narrowed.metadata).toEqual({ name: "cart", namespace: "shop" });
    expect(narrowed.spec.ingress).toEqual([{ from: [{ podSelector: app("orders") }], ports: [{ protocol: "TCP", port: 8080 }] }]);
    expect(f.remediation.yaml).toMatch(/^# shop\/cart\[NetworkPolicy\]: spec.ingress\[0\] narrowed/);
  });

  it("attributes a source to the same rule the engine's explanation names", () => {
    const rule = cartIngress([{ podSelector: app("orders") }, { podSelector: app("batch") }]);
    const snapshot = snapshotOf({ ...SHOP, policies: [rule] });
    const analysis = analyzeMesh(snapshot);
    const index = (w: Workload) => snapshot.workloads.indexOf(w);
    expect(analysis.between(index(batch), index(cart)).networkPolicy.ingress.because).toEqual([{ policy: "shop/cart[NetworkPolicy]", direction: "ingress", index: 0 }]);
    expect(analysis.between(index(admin), index(cart)).networkPolicy.ingress.because).toEqual([]);
  });

  it("reads a peer with both selectors as AND and two peers as OR", () => {
    const edges = [observed(frontend, cart)];
    // AND: pods labelled app=frontend in namespace web, which is exactly the observed caller.
    const and = cartIngress([{ namespaceSelector: inNamespace("web"), podSelector: app("frontend") }]);
    expect(detect(overPermissivePath, snapshotOf({ ...SHOP, policies: [and], edges }))).toEqual([]);

    // OR: every pod of web (frontend and admin), or app=frontend pods of shop (there are none).
    const or = cartIngress([{ namespaceSelector: inNamespace("web") }, { podSelector: app("frontend") }]);
    const [f, ...rest] = detect(overPermissivePath, snapshotOf({ ...SHOP, policies: [or], edges }));
    expect(rest).toEqual([]);
    expect(f!.id).toBe(`over-permissive-path:${CART_RULE},shop/cart[Deployment]`);
    // Whole namespace, and the unused caller is in another namespace: medium.
    expect(f!.severity).toBe("medium");
    expect(f!.evidence).toMatchObject({
      rule: { admits: ["every pod in namespaces kubernetes.io/metadata.name=web", "pods app=frontend in shop"] },
      admittedSources: 2,
      observedSources: ["web/frontend[Deployment]"],
      unusedSources: [{ workload: "web/admin[Deployment]", endToEnd: "TCP 8080" }],
      crossNamespace: true,
    });
    // Narrowed to the observed caller; the peer selecting nothing here is kept (it may select pods outside the snapshot).
    const [narrowed] = yamlObjects(f!.remediation.yaml) as [{ spec: { ingress: { from: unknown[] }[] } }];
    expect(narrowed.spec.ingress[0]!.from).toEqual([{ namespaceSelector: inNamespace("web"), podSelector: app("frontend") }, { podSelector: app("frontend") }]);
  });

  it("counts only sources whose own egress policies let the rule's ports through; a cluster-wide rule is medium", () => {
    const everyone = cartIngress([{ namespaceSelector: {} }]);
    // admin may not send anything (isolated for egress, no rule).
    const adminLocked = np("web", "admin-egress", { podSelector: app("admin"), policyTypes: ["Egress"] });
    const [f] = detect(overPermissivePath, snapshotOf({ ...SHOP, policies: [everyone, adminLocked], edges: [observed(orders, cart)] }));
    expect(f!.severity).toBe("medium");
    expect(f!.evidence).toMatchObject({
      rule: { admits: ["every pod in every namespace"] },
      admittedSources: 3,
      unusedSources: [{ workload: "shop/batch[CronJob]" }, { workload: "web/frontend[Deployment]" }],
      unusedCount: 2,
    });
    expect(f!.subjects).toEqual(["shop/cart[Deployment]", "shop/cart[NetworkPolicy]", "shop/batch[CronJob]", "web/frontend[Deployment]"]);
  });

  it("is medium for a rule admitting a whole namespace, even when the unused sources are in the destination's", () => {
    const wholeShop = cartIngress([{ podSelector: {} }]);
    const [f] = detect(overPermissivePath, snapshotOf({ ...SHOP, policies: [wholeShop], edges: [observed(orders, cart)] }));
    expect(f!.severity).toBe("medium");
    expect(f!.evidence).toMatchObject({ rule: { admits: ["every pod in shop"] }, unusedSources: [{ workload: "shop/batch[CronJob]" }], crossNamespace: false });
  });

  it("removes a rule no workload used", () => {
    const rule = cartIngress([{ podSelector: app("batch") }]);
    const [f] = detect(overPermissivePath, snapshotOf({ ...SHOP, policies: [rule], edges: [observed(orders, batch)] }));
    expect(f!.remediation.summary).toContain("Remove the rule");
    const [narrowed] = yamlObjects(f!.remediation.yaml) as [{ spec: { ingress: unknown[]; policyTypes: string[] } }];
    // Still isolating for ingress, with nothing admitted.
    expect(narrowed.spec).toMatchObject({ policyTypes: ["Ingress"], ingress: [] });
  });

  it("reports nothing where no rule admits the source: open paths (no isolation), or no telemetry", () => {
    // Nothing isolates cart: every source may reach it, none explicitly (that is no-default-deny).
    expect(detect(overPermissivePath, snapshotOf({ ...SHOP, edges: [observed(orders, cart)] }))).toEqual([]);
    // Without telemetry nothing can be called unused.
    const rule = cartIngress([{ podSelector: app("orders") }, { podSelector: app("batch") }]);
    expect(detect(overPermissivePath, snapshotOf({ ...SHOP, policies: [rule], telemetry: false }))).toEqual([]);
    // Every admitted source observed.
    expect(detect(overPermissivePath, snapshotOf({ ...SHOP, policies: [rule], edges: [observed(orders, cart), observed(batch, cart, { protocols: ["tcp"], connections: 3 })] }))).toEqual([]);
  });
});

describe("over-permissive-path: AuthorizationPolicy rules", () => {
  // Everything meshed; no NetworkPolicy, so only Istio decides.
  const meshed = (w: Workload) => ({ ...w, sidecar: { injected: true, reason: "fixture" } });
  const [mCart, mOrders, mBatch, mAdmin, mFrontend] = [cart, orders, batch, admin, frontend].map(meshed) as [Workload, Workload, Workload, Workload, Workload];
  const MESHED = { namespaces: SHOP.namespaces, workloads: [mBatch, mCart, mOrders, mAdmin, mFrontend] };
  const allow = (principals: string[]) =>
    ap("shop", "cart", { selector: app("cart"), action: "ALLOW", rules: [{ from: [{ source: { principals } }], to: [{ operation: { ports: ["8080"] } }] }] });
  const AP_RULE = "shop/cart[AuthorizationPolicy]#spec.rules[0]";

  it("lists the named principals that sent nothing, and narrows the rule to the one that did", () => {
    const policy = allow(["cluster.local/ns/shop/sa/orders", "cluster.local/ns/shop/sa/batch"]);
    const findings = detect(overPermissivePath, snapshotOf({ ...MESHED, policies: [policy], edges: [observed(mOrders, mCart)] }));
    expect(ids(findings)).toEqual([`over-permissive-path:${AP_RULE},shop/cart[Deployment]`]);
    const [f] = findings as [Finding];
    expect(f.severity).toBe("low");
    expect(f.evidence).toMatchObject({
      rule: { policy: "shop/cart[AuthorizationPolicy]", field: "spec.rules[0]", admits: ["principals cluster.local/ns/shop/sa/orders, cluster.local/ns/shop/sa/batch"] },
      // The rule's port, and nothing else (UDP passes the sidecar without the rule).
      connections: "TCP 8080",
      admittedSources: 2,
      observedSources: ["shop/orders[Deployment]"],
      unusedSources: [{ workload: "shop/batch[CronJob]" }],
    });
    const [narrowed] = yamlObjects(f.remediation.yaml) as [{ spec: { rules: unknown[] } }];
    expect(narrowed.spec.rules).toEqual([{ from: [{ source: { principals: ["cluster.local/ns/shop/sa/orders"] } }], to: [{ operation: { ports: ["8080"] } }] }]);
  });

  it("is medium for `principals: [\"*\"]`, which admits every workload with a sidecar", () => {
    const [f, ...rest] = detect(overPermissivePath, snapshotOf({ ...MESHED, policies: [allow(["*"])], edges: [observed(mOrders, mCart)] }));
    expect(rest).toEqual([]);
    expect(f!.severity).toBe("medium");
    expect(f!.evidence).toMatchObject({ admittedSources: 4, unusedCount: 3, crossNamespace: true });
    expect(f!.subjects.slice(2)).toEqual(["shop/batch[CronJob]", "web/admin[Deployment]", "web/frontend[Deployment]"]);
  });

  it("keeps principals of clients outside the snapshot when narrowing", () => {
    const gateway = "cluster.local/ns/istio-system/sa/istio-ingressgateway-service-account";
    const [f] = detect(overPermissivePath, snapshotOf({ ...MESHED, policies: [allow([gateway, "cluster.local/ns/shop/sa/batch"])] }));
    expect(f!.id).toBe(`over-permissive-path:${AP_RULE},shop/cart[Deployment]`);
    const [narrowed] = yamlObjects(f!.remediation.yaml) as [{ spec: { rules: { from: unknown }[] } }];
    expect(narrowed.spec.rules[0]!.from).toEqual([{ source: { principals: [gateway] } }]);
  });
});

describe("no-default-deny", () => {
  const web = wl("blog/web[Deployment]", { app: "web" }, { ports: [["http", 8080]] });
  const db = wl("blog/db[StatefulSet]", { app: "db" });
  const worker = wl("jobs/worker[Deployment]", { app: "worker" });
  const coredns = wl("kube-system/coredns[Deployment]", { "k8s-app": "kube-dns" }, { ports: [["dns", 53, "UDP"]] });
  const istiod = wl("istio-system/istiod[Deployment]", { app: "istiod" });
  const client = wl("shop/client[Deployment]", { app: "client" });
  const snapshot = snapshotOf({
    namespaces: [ns("blog"), ns("jobs"), ns("kube-system"), ns("istio-system"), ns("shop")],
    workloads: [db, web, istiod, worker, coredns, client],
    services: [svc("blog/web", { app: "web" }, [["http", 80, "http"]])],
    policies: [
      np("shop", "default-deny-ingress", { podSelector: {}, policyTypes: ["Ingress"] }),
      np("jobs", "default-deny-egress", { podSelector: {}, policyTypes: ["Egress"] }),
    ],
    edges: [observed(client, web)],
  });

  it("reports one finding per namespace and direction with unisolated workloads, system namespaces left out", () => {
    const findings = detect(noDefaultDeny, snapshot);
    expect(findings.map((f) => [f.id, f.severity, f.subjects])).toEqual([
      ["no-default-deny:blog:egress", "medium", ["blog", "blog/db[StatefulSet]", "blog/web[Deployment]"]],
      // blog/web has a Service and shop/client (another namespace) may connect: high.
      ["no-default-deny:blog:ingress", "high", ["blog", "blog/db[StatefulSet]", "blog/web[Deployment]"]],
      // Reachable from shop/client too, but worker has no Service: medium.
      ["no-default-deny:jobs:ingress", "medium", ["jobs", "jobs/worker[Deployment]"]],
      ["no-default-deny:shop:egress", "medium", ["shop", "shop/client[Deployment]"]],
    ]);
  });

  it("counts who could connect against who did", () => {
    const ingress = detect(noDefaultDeny, snapshot).find((f) => f.id === "no-default-deny:blog:ingress")!;
    const row = (ingress.evidence.unisolated as { workload: string }[]).find((r) => r.workload === "blog/web[Deployment]");
    // Every workload but itself and jobs/worker (isolated for egress, nothing allowed): db, istiod, coredns, client.
    expect(row).toEqual({
      workload: "blog/web[Deployment]",
      services: ["blog/web[Service]"],
      reachableFrom: 4,
      fromOtherNamespaces: 3,
      openToClientsWithoutIdentity: true,
      observedSources: 1,
      observedOtherPeers: 0,
    });
    expect(ingress.evidence).toMatchObject({ workloadsInNamespace: 2, workloadsInSnapshot: 6, exposed: ["blog/web[Deployment]"] });
    // Without telemetry the same finding, without observed counts.
    const bare = detect(noDefaultDeny, { ...snapshot, telemetry: null, telemetryWindow: null, edges: [] }).find((f) => f.id === "no-default-deny:blog:ingress")!;
    expect((bare.evidence.unisolated as object[])[1]).not.toHaveProperty("observedSources");
  });

  it("writes a default-deny policy, with DNS (and istiod where sidecars run) for egress", () => {
    const findings = detect(noDefaultDeny, snapshot);
    const ingress = yamlObjects(findings.find((f) => f.id === "no-default-deny:blog:ingress")!.remediation.yaml);
    expect(ingress).toEqual([
      { apiVersion: "networking.k8s.io/v1", kind: "NetworkPolicy", metadata: { name: "default-deny-ingress", namespace: "blog" }, spec: { podSelector: {}, policyTypes: ["Ingress"] } },
    ]);
    const egress = findings.find((f) => f.id === "no-default-deny:blog:egress")!;
    expect(egress.remediation.yaml).toContain("npm run meshlens -- recommend --namespace blog");
    const [deny, dns, ...rest] = yamlObjects(egress.remediation.yaml);
    expect(deny).toMatchObject({ metadata: { name: "default-deny-egress" }, spec: { podSelector: {}, policyTypes: ["Egress"] } });
    expect(dns).toMatchObject({
      metadata: { name: "allow-dns", namespace: "blog" },
      spec: { egress: [{ to: [{ namespaceSelector: inNamespace("kube-system"), podSelector: { matchLabels: { "k8s-app": "kube-dns" } } }], ports: [{ protocol: "UDP", port: 53 }, { protocol: "TCP", port: 53 }] }] },
    });
    // No sidecar in blog: no istiod rule.
    expect(rest).toEqual([]);
  });

  it("is medium for an exposed workload Istio shields from other namespaces and from plaintext", () => {
    const server = wl("vault/server[Deployment]", { app: "server" }, { sidecar: true, ports: [["https", 8200]] });
    const agent = wl("vault/agent[Deployment]", { app: "agent" }, { sidecar: true });
    const findings = detect(
      noDefaultDeny,
      snapshotOf({
        namespaces: [ns("shop"), ns("vault")],
        workloads: [client, agent, server],
        services: [svc("vault/server", { app: "server" }, [["https", 8200, 8200]])],
        policies: [
          np("shop", "default-deny", { podSelector: {}, policyTypes: ["Ingress"] }),
          pa("vault", "default", { mtls: { mode: "STRICT" } }),
          ap("vault", "server", { selector: app("server"), action: "ALLOW", rules: [{ from: [{ source: { principals: ["cluster.local/ns/vault/sa/agent"] } }] }] }),
        ],
      }),
    );
    // shop/client may send anything but has no sidecar: STRICT refuses its TCP. UDP passes the
    // sidecar uncaptured, but vault/server serves none, so that does not count.
    expect(findings.map((f) => [f.id, f.severity])).toEqual([
      ["no-default-deny:shop:egress", "medium"],
      ["no-default-deny:vault:egress", "medium"],
      ["no-default-deny:vault:ingress", "medium"],
    ]);
    const row = (findings[2]!.evidence.unisolated as { workload: string }[]).find((r) => r.workload === "vault/server[Deployment]");
    // Only vault/agent, which the ALLOW policy names.
    expect(row).toMatchObject({ reachableFrom: 1, fromOtherNamespaces: 0, openToClientsWithoutIdentity: false });
    // Sidecars run in vault: the egress fix lets them reach istiod.
    expect(yamlObjects(findings[1]!.remediation.yaml).map((o) => (o.metadata as { name: string }).name)).toEqual(["default-deny-egress", "allow-dns", "allow-istiod"]);
  });
});

describe("a clean cluster", () => {
  it("gives nothing above info: default deny both ways with DNS, allow rules matching the observed traffic, selectors that match", () => {
    const webApp = wl("app/web[Deployment]", { app: "web" }, { sidecar: true, ports: [["http", 8080]] });
    const api = wl("app/api[Deployment]", { app: "api" }, { sidecar: true, ports: [["http", 8080]] });
    const db = wl("app/db[StatefulSet]", { app: "db" }, { sidecar: true, ports: [["tcp-postgres", 5432]] });
    const dns = wl("kube-system/coredns[Deployment]", { "k8s-app": "kube-dns" }, { ports: [["dns", 53, "UDP"]] });
    const principal = (name: string) => `cluster.local/ns/app/sa/${name}`;
    const snapshot = snapshotOf({
      namespaces: [ns("app"), ns("kube-system")],
      workloads: [api, db, webApp, dns],
      services: [svc("app/api", { app: "api" }, [["http", 80, "http"]]), svc("app/db", { app: "db" }, [["tcp-postgres", 5432, 5432]])],
      policies: [
        np("app", "default-deny", { podSelector: {}, policyTypes: ["Ingress", "Egress"] }),
        np("app", "allow-dns", {
          podSelector: {},
          policyTypes: ["Egress"],
          egress: [{ to: [{ namespaceSelector: inNamespace("kube-system"), podSelector: { matchLabels: { "k8s-app": "kube-dns" } } }], ports: [{ protocol: "UDP", port: 53 }, { protocol: "TCP", port: 53 }] }],
        }),
        np("app", "web", { podSelector: app("web"), policyTypes: ["Egress"], egress: [{ to: [{ podSelector: app("api") }], ports: [{ protocol: "TCP", port: 8080 }] }] }),
        np("app", "api", {
          podSelector: app("api"),
          policyTypes: ["Ingress", "Egress"],
          ingress: [{ from: [{ podSelector: app("web") }], ports: [{ protocol: "TCP", port: 8080 }] }],
          egress: [{ to: [{ podSelector: app("db") }], ports: [{ protocol: "TCP", port: 5432 }] }],
        }),
        np("app", "db", { podSelector: app("db"), policyTypes: ["Ingress"], ingress: [{ from: [{ podSelector: app("api") }], ports: [{ protocol: "TCP", port: 5432 }] }] }),
        pa("app", "default", { mtls: { mode: "STRICT" } }),
        ap("app", "api", { selector: app("api"), action: "ALLOW", rules: [{ from: [{ source: { principals: [principal("web")] } }], to: [{ operation: { ports: ["8080"] } }] }] }),
        ap("app", "db", { selector: app("db"), action: "ALLOW", rules: [{ from: [{ source: { principals: [principal("api")] } }], to: [{ operation: { ports: ["5432"] } }] }] }),
      ],
      edges: [
        observed(webApp, api, { service: "api.app.svc.cluster.local" }),
        observed(api, db, { service: "db.app.svc.cluster.local", protocols: ["tcp"], connections: 40, requestBytes: 10_000, responseBytes: 80_000 }),
      ],
    });
    const context = buildContext(snapshot);
    // Not vacuous: both calls were observed, and the policies allow them.
    expect(context.observedPairs.size).toBe(2);
    expect(context.analysis.connectionsBetween(2, 0).toString()).toBe("TCP 8080");
    expect(context.analysis.connectionsBetween(0, 1).toString()).toBe("TCP 5432");
    const findings = [overPermissivePath, noDefaultDeny, policySelectsNothing, trafficContradictsPolicy].flatMap((d) => d(context));
    expect(findings.filter((f) => f.severity !== "info")).toEqual([]);
  });
});

describe("the demo cluster", () => {
  let demo: Snapshot | undefined;
  const findings = (detector: typeof overPermissivePath) => detect(detector, (demo ??= demoSnapshot()));

  it("finds problem 6: productcatalogservice's NetworkPolicy admits every namespace, only the shop's three callers use it", () => {
    const found = findings(overPermissivePath);
    // The only rule that admits more than it serves: every other allow rule matches the call graph.
    expect(ids(found)).toEqual(["over-permissive-path:shop-core/productcatalogservice[NetworkPolicy]#spec.ingress[0],shop-core/productcatalogservice[Deployment]"]);
    expect(found[0]!.severity).toBe("medium");
    expect(found[0]!.evidence).toMatchObject({
      rule: { admits: ["every pod in every namespace"] },
      connections: "TCP 3550",
      observedSources: ["shop-core/checkoutservice[Deployment]", "shop-core/recommendationservice[Deployment]", "shop-web/frontend[Deployment]"],
      // The blog has no egress policy, so all of it passes at layer 3/4 (the debug Pod does not:
      // shop-core's default deny isolates its egress). Istio still refuses each of them: the
      // AuthorizationPolicy names only the three callers, and STRICT mTLS refuses the backup
      // job's plaintext.
      unusedSources: [
        { workload: "blog/blog-api[Deployment]", endToEnd: "No Connections" },
        { workload: "blog/blog-postgres-backup[CronJob]", endToEnd: "No Connections" },
        { workload: "blog/blog-postgres[StatefulSet]", endToEnd: "No Connections" },
        { workload: "blog/blog-web[Deployment]", endToEnd: "No Connections" },
      ],
      crossNamespace: true,
    });
  });

  it("finds problem 9: the blog has no default deny, and its database is open to unmeshed clients", () => {
    const found = findings(noDefaultDeny);
    expect(found.map((f) => [f.id, f.severity])).toEqual([
      ["no-default-deny:blog:egress", "medium"],
      ["no-default-deny:blog:ingress", "high"],
    ]);
    // blog-postgres: PERMISSIVE and no AuthorizationPolicy, so a client with no identity gets in.
    expect(found[1]!.evidence).toMatchObject({ exposed: ["blog/blog-postgres[StatefulSet]"] });
  });
});
