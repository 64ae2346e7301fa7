/**
 * policy-selects-nothing and traffic-contradicts-policy on hand-made clusters. Selectors match
 * as their kinds define: a NetworkPolicy's podSelector is a Kubernetes label selector over its
 * namespace; an Istio `selector.matchLabels` is a subset of the pod labels, mesh-wide in the
 * root namespace; no selector means the whole namespace.
 */
import { describe, expect, it } from "vitest";
import { np, ns, policy, svc, wl } from "../engine/testing/builders";
import type { Finding, Snapshot, Workload } from "../model";
import { demoSnapshot, detect, observed, snapshotOf, WINDOW, yamlObjects } from "./hygiene-test-helpers";
import { editDistance, policySelectsNothing, trafficContradictsPolicy } from "./policy-hygiene";

const ap = (namespace: string, name: string, spec: object) => policy("AuthorizationPolicy", namespace, name, spec);
const pa = (namespace: string, name: string, spec: object) => policy("PeerAuthentication", namespace, name, spec);
const app = (name: string) => ({ matchLabels: { app: name } });
const byId = (findings: Finding[], id: string) => findings.find((f) => f.id === id)!;

describe("policy-selects-nothing", () => {
  const checkout = wl("shop/checkoutservice[Deployment]", { app: "checkoutservice", version: "v1" }, { sidecar: true });
  const cart = wl("shop/cart[Deployment]", { app: "cart", tier: "backend" }, { sidecar: true });
  const frontend = wl("shop/frontend-v1[Deployment]", { app: "frontend-v1" }, { sidecar: true });
  const payments = wl("pay/payments[Deployment]", { app: "payments" }, { sidecar: true });
  // Without an `app` label: it misses every one-label selector by a key, which is no near miss.
  const legacy = wl("shop/legacy[Deployment]", { name: "legacy" });
  const snapshot = snapshotOf({
    namespaces: [ns("empty"), ns("istio-system"), ns("pay"), ns("shop")],
    workloads: [payments, cart, checkout, frontend, legacy],
    coverageGaps: [{ resource: "pods", namespace: "empty", reason: "forbidden: cannot list pods" }],
    policies: [
      // Reported:
      ap("shop", "checkout", { selector: app("check-out-service"), action: "ALLOW", rules: [{ from: [{ source: { principals: ["cluster.local/ns/shop/sa/frontend-v1"] } }] }] }),
      np("shop", "cart", { podSelector: { matchLabels: { app: "cart", role: "db" } }, policyTypes: ["Ingress"] }),
      np("shop", "frontend", { podSelector: { matchExpressions: [{ key: "app", operator: "In", values: ["frontend-v2"] }] }, policyTypes: ["Ingress"] }),
      pa("pay", "payment", { selector: app("payment"), mtls: { mode: "STRICT" } }),
      pa("shop", "lenient", { selector: app("nothing-here"), mtls: { mode: "PERMISSIVE" } }),
      ap("shop", "deny-admin", { selector: app("admin"), action: "DENY", rules: [{ to: [{ operation: { paths: ["/admin"] } }] }] }),
      ap("empty", "allow", { selector: app("x"), action: "ALLOW", rules: [{}] }),
      // Not reported: namespace-wide, matching, mesh-wide from the root namespace, bound by targetRefs.
      np("shop", "default-deny", { podSelector: {}, policyTypes: ["Ingress"] }),
      ap("pay", "allow-nothing", {}),
      ap("shop", "cart", { selector: app("cart"), action: "ALLOW", rules: [{}] }),
      ap("istio-system", "mesh-cart", { selector: app("cart"), action: "DENY", rules: [{ to: [{ operation: { paths: ["/debug"] } }] }] }),
      ap("shop", "gateway", { targetRefs: [{ kind: "Gateway", group: "gateway.networking.k8s.io", name: "public" }], action: "ALLOW", rules: [{}] }),
    ],
  });
  const findings = detect(policySelectsNothing, snapshot);

  it("reports each policy whose selector matches no workload of its scope, with its severity", () => {
    expect(findings.map((f) => [f.id, f.severity])).toEqual([
      // Nothing of `empty` was captured: low, whatever the policy.
      ["policy-selects-nothing:empty/allow[AuthorizationPolicy]", "low"],
      ["policy-selects-nothing:pay/payment[PeerAuthentication]", "high"],
      ["policy-selects-nothing:shop/cart[NetworkPolicy]", "medium"],
      ["policy-selects-nothing:shop/checkout[AuthorizationPolicy]", "high"],
      ["policy-selects-nothing:shop/deny-admin[AuthorizationPolicy]", "low"],
      ["policy-selects-nothing:shop/frontend[NetworkPolicy]", "medium"],
      ["policy-selects-nothing:shop/lenient[PeerAuthentication]", "low"],
    ]);
  });

  it("names the near miss of an ALLOW policy, fixes its selector, and says the workload is open meanwhile", () => {
    const f = byId(findings, "policy-selects-nothing:shop/checkout[AuthorizationPolicy]");
    expect(f.title).toBe("shop/checkout[AuthorizationPolicy] selects no workload (app=check-out-service)");
    expect(f.subjects).toEqual(["shop/checkout[AuthorizationPolicy]", "shop/checkoutservice[Deployment]"]);
    expect(f.evidence).toMatchObject({
      kind: "ALLOW AuthorizationPolicy",
      selector: { matchLabels: { app: "check-out-service" } },
      scope: "namespace shop",
      workloadsInScope: 4,
      nearMisses: [{ workload: "shop/checkoutservice[Deployment]", requirement: "app=check-out-service", found: "app=checkoutservice" }],
      // No other ALLOW policy selects it, so Istio admits any caller.
      noAllowPolicyApplies: ["shop/checkoutservice[Deployment]"],
    });
    const [fixed] = yamlObjects(f.remediation.yaml) as [{ metadata: object; spec: { selector: object; action: string } }];
    expect(fixed.metadata).toEqual({ name: "checkout", namespace: "shop" });
    expect(fixed.spec).toMatchObject({ selector: { matchLabels: { app: "checkoutservice" } }, action: "ALLOW" });
  });

  it("treats a missing key as a near miss when the selector has other requirements, and drops that key", () => {
    const f = byId(findings, "policy-selects-nothing:shop/cart[NetworkPolicy]");
    expect(f.evidence.nearMisses).toEqual([{ workload: "shop/cart[Deployment]", requirement: "role=db", found: "no role label" }]);
    const [fixed] = yamlObjects(f.remediation.yaml) as [{ spec: { podSelector: object } }];
    expect(fixed.spec.podSelector).toEqual({ matchLabels: { app: "cart" } });
    expect(f.remediation.yaml).toContain("# Fixed selector (role=db removed): selects shop/cart[Deployment].");
  });

  it("names a near miss of a matchExpressions requirement but writes no fix", () => {
    const f = byId(findings, "policy-selects-nothing:shop/frontend[NetworkPolicy]");
    expect(f.evidence.nearMisses).toEqual([{ workload: "shop/frontend-v1[Deployment]", requirement: "app=frontend-v2", found: "app=frontend-v1" }]);
    expect(f.remediation.yaml).toBeUndefined();
    expect(f.remediation.summary).toContain("shop/frontend-v1[Deployment] (app=frontend-v1)");
  });

  it("fixes a STRICT PeerAuthentication; leaves policies without a close match to a summary", () => {
    const strict = byId(findings, "policy-selects-nothing:pay/payment[PeerAuthentication]");
    expect(strict.evidence).toMatchObject({ kind: "STRICT PeerAuthentication", nearMisses: [{ workload: "pay/payments[Deployment]" }] });
    expect(yamlObjects(strict.remediation.yaml)[0]).toMatchObject({ kind: "PeerAuthentication", spec: { selector: { matchLabels: { app: "payments" } }, mtls: { mode: "STRICT" } } });
    for (const id of ["policy-selects-nothing:shop/lenient[PeerAuthentication]", "policy-selects-nothing:shop/deny-admin[AuthorizationPolicy]"]) {
      expect(byId(findings, id).evidence.nearMisses).toEqual([]);
      expect(byId(findings, id).remediation.yaml).toBeUndefined();
    }
  });

  it("says when the namespace has no workload in the snapshot, with its coverage gaps", () => {
    const f = byId(findings, "policy-selects-nothing:empty/allow[AuthorizationPolicy]");
    expect(f.evidence).toMatchObject({ workloadsInScope: 0, namespaceEmpty: true, coverageGaps: ["pods in empty: forbidden: cannot list pods"] });
    expect(f.remediation.summary).toMatch(/^empty has no workload in this snapshot/);
  });

  it("writes no fix when near misses disagree", () => {
    const serve = wl("shop/api-serve[Deployment]", { app: "api-serve" });
    const servers = wl("shop/api-servers[Deployment]", { app: "api-servers" });
    const [f] = detect(policySelectsNothing, snapshotOf({ namespaces: [ns("shop")], workloads: [serve, servers], policies: [np("shop", "api", { podSelector: app("api-server") })] }));
    expect((f!.evidence.nearMisses as object[]).length).toBe(2);
    expect(f!.remediation.yaml).toBeUndefined();
  });

  it("measures near misses by edit distance", () => {
    expect(editDistance("check-out-service", "checkoutservice")).toBe(2);
    expect(editDistance("payment", "payments")).toBe(1);
    expect(editDistance("", "abc")).toBe(3);
  });
});

describe("traffic-contradicts-policy", () => {
  const src = wl("a/src[Deployment]", { app: "src" }, { sidecar: true });
  const dst = wl("b/dst[Deployment]", { app: "dst" }, { sidecar: true, ports: [["http", 8080], ["grpc", 9090]] });
  const services = [svc("b/dst", { app: "dst" }, [["http", 80, "http"], ["grpc", 9090, 9090]]), svc("b/web", { app: "dst" }, [["http", 80, "http"]])];
  const run = (policies: Snapshot["policies"], edges: Snapshot["edges"], telemetry = true) =>
    detect(trafficContradictsPolicy, snapshotOf({ namespaces: [ns("a"), ns("b")], workloads: [src, dst], services, policies, edges, telemetry }));
  const denyIngress = np("b", "deny", { podSelector: {}, policyTypes: ["Ingress"] });

  it("reports traffic that reached a destination whose NetworkPolicies admit nothing from the source", () => {
    const findings = run([denyIngress], [observed(src, dst, { service: "dst.b.svc.cluster.local", requests: 50 })]);
    expect(findings.map((f) => [f.id, f.severity])).toEqual([["traffic-contradicts-policy:a/src[Deployment],b/dst[Deployment]", "critical"]]);
    const [f] = findings as [Finding];
    expect(f.title).toBe("Traffic from a/src[Deployment] to b/dst[Deployment] that the policies deny (50 requests)");
    expect(f.evidence).toMatchObject({
      window: WINDOW,
      // The Service's target ports: http resolves to 8080 on the pod.
      observed: [{ service: "dst.b.svc.cluster.local", requests: 50, reportedBy: "destination", ports: "TCP 8080,9090" }],
      allowed: "No Connections",
      deniedBy: [{ layer: "NetworkPolicy", side: "ingress", workload: "b/dst[Deployment]", isolatedBy: ["b/deny[NetworkPolicy]"], allows: "No Connections", admittingRules: [] }],
    });
    expect(f.remediation.summary).toContain("NetworkPolicies are not enforced");
    expect(f.remediation.summary).toContain("the policies changed inside the window");
  });

  it("names the source's egress when that is what denies it", () => {
    const lockedOut = np("a", "no-egress", { podSelector: {}, policyTypes: ["Egress"] });
    const [f] = run([lockedOut], [observed(src, dst)]);
    expect(f!.evidence.deniedBy).toEqual([{ layer: "NetworkPolicy", side: "egress", workload: "a/src[Deployment]", isolatedBy: ["a/no-egress[NetworkPolicy]"], allows: "No Connections", admittingRules: [] }]);
  });

  it("reports traffic answered although Istio refuses it, not the 403s that enforcement answers", () => {
    const onlyOther = ap("b", "dst", { selector: app("dst"), action: "ALLOW", rules: [{ from: [{ source: { principals: ["cluster.local/ns/a/sa/other"] } }] }] });
    const [f, ...rest] = run([onlyOther], [observed(src, dst)]);
    expect(rest).toEqual([]);
    expect(f!.evidence).toMatchObject({ allowed: "SCTP,UDP", deniedBy: [{ layer: "Istio", connections: "TCP", reason: expect.stringContaining("ALLOW") }] });
    expect(f!.remediation.summary).toContain("Istio's policy is not enforced at b/dst[Deployment]");
    // The same traffic, all answered 403 by the sidecar: the policy at work.
    expect(run([onlyOther], [observed(src, dst, { responses: { "4xx": 100 } })])).toEqual([]);
  });

  it("ignores attempts that failed at the source's proxy, but not ones that were answered", () => {
    const failed = observed(src, dst, { reportedBy: "source", responses: { "0": 60, "5xx": 40 } });
    expect(run([denyIngress], [failed])).toEqual([]);
    const answered = observed(src, dst, { reportedBy: "source", protocols: ["tcp"], connections: 5, responseBytes: 1200 });
    expect(run([denyIngress], [answered]).map((f) => f.id)).toEqual(["traffic-contradicts-policy:a/src[Deployment],b/dst[Deployment]"]);
  });

  it("checks the ports of the Service telemetry names, every TCP port when it names none", () => {
    const only9090 = np("b", "grpc-only", { podSelector: {}, policyTypes: ["Ingress"], ingress: [{ ports: [{ protocol: "TCP", port: 9090 }] }] });
    // Through b/web the call went to 8080, which the policy refuses.
    const [f] = run([only9090], [observed(src, dst, { service: "web.b.svc.cluster.local" })]);
    expect(f!.evidence).toMatchObject({ allowed: "TCP 9090", observed: [{ ports: "TCP 8080" }], deniedBy: [{ side: "ingress", allows: "TCP 9090", admittingRules: ["b/grpc-only[NetworkPolicy] ingress rule 0"] }] });
    // Without a Service the traffic may have used 9090: nothing to report.
    expect(run([only9090], [observed(src, dst)])).toEqual([]);
    expect(run([only9090], [observed(src, dst, { service: "dst.b.svc.cluster.local" })])).toEqual([]);
  });

  it("reports nothing for allowed traffic, unknown sources, empty edges, or without telemetry", () => {
    expect(run([], [observed(src, dst)])).toEqual([]);
    expect(run([denyIngress], [observed({ kind: "unknown", reason: "plaintext" }, dst, { protocols: ["tcp"], connections: 9, responseBytes: 10 })])).toEqual([]);
    expect(run([denyIngress], [observed(src, dst, { requests: 0, responses: {} })])).toEqual([]);
    expect(run([denyIngress], [observed(src, dst)], false)).toEqual([]);
  });
});

describe("the demo cluster", () => {
  let demo: Snapshot | undefined;
  const findings = (detector: typeof policySelectsNothing) => detect(detector, (demo ??= demoSnapshot()));
  const workload = (id: string) => (demo ??= demoSnapshot()).workloads.find((w: Workload) => w.id === id);

  it("finds problem 10: checkoutservice's AuthorizationPolicy selects app=check-out-service", () => {
    const found = findings(policySelectsNothing);
    expect(found.map((f) => [f.id, f.severity])).toEqual([["policy-selects-nothing:shop-core/checkoutservice[AuthorizationPolicy]", "high"]]);
    expect(found[0]!.evidence).toMatchObject({
      nearMisses: [{ workload: "shop-core/checkoutservice[Deployment]", requirement: "app=check-out-service", found: "app=checkoutservice" }],
      noAllowPolicyApplies: ["shop-core/checkoutservice[Deployment]"],
    });
    expect(yamlObjects(found[0]!.remediation.yaml)[0]).toMatchObject({ spec: { selector: { matchLabels: { app: "checkoutservice" } } } });
  });

  it("finds problem 14: the debug Pod calling cartservice, which the policies deny", () => {
    expect(workload("shop-core/netshoot-debug[Pod]")).toBeDefined();
    const found = findings(trafficContradictsPolicy);
    expect(found.map((f) => f.id)).toEqual(["traffic-contradicts-policy:shop-core/netshoot-debug[Pod],shop-core/cartservice[Deployment]"]);
    // shop-core's default deny isolates the debug Pod's egress (DNS and istiod only) and
    // cartservice's ingress (its rule names frontend and checkoutservice).
    expect(found[0]!.evidence.deniedBy).toMatchObject([
      { side: "ingress", workload: "shop-core/cartservice[Deployment]" },
      { side: "egress", workload: "shop-core/netshoot-debug[Pod]" },
    ]);
    expect(found[0]!.severity).toBe("critical");
  });
});
