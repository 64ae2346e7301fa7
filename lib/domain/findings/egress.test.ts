/**
 * unnecessary-egress, unregistered-egress and egress-blocks-dns on hand-made clusters. Expected
 * findings follow the Kubernetes rules (a pod not selected by an Egress policy may send anywhere;
 * rules add up; a rule without `to` admits every destination, without `ports` every port) and
 * Istio's (ALLOW_ANY lets undeclared hosts out through PassthroughCluster, REGISTRY_ONLY sends
 * them to BlackHoleCluster).
 */
import { describe, expect, it } from "vitest";
import { buildContext } from "./context";
import { egressBlocksDns, unnecessaryEgress, unregisteredEgress } from "./egress";
import { cleanContext, context, demoSnapshot, edge, fqdn, remediationObjects, WINDOW } from "./test-helpers";
import { np, ns, policy, svc, wl } from "../engine/testing/builders";
import { SEVERITIES, type Finding } from "../model";

const ids = (findings: Finding[]) => findings.map((f) => f.id);
const KUBE_DNS = { namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "kube-system" } }, podSelector: { matchLabels: { "k8s-app": "kube-dns" } } };
const DNS_PORTS = [
  { protocol: "UDP", port: 53 },
  { protocol: "TCP", port: 53 },
];

describe("unnecessary-egress", () => {
  const NAMESPACES = [ns("open"), ns("iso"), ns("istio-system")];
  const front = wl("open/front[Deployment]", { app: "front" }, { sidecar: true });
  const back = wl("open/back[Deployment]", { app: "back" }, { sidecar: true, ports: [["http", 8080]] });
  const backSvc = svc("open/back", { app: "back" }, [["http", 80, "http"]]);
  const app = wl("iso/app[Deployment]", { app: "app" }, { sidecar: true });
  const worker = wl("iso/worker[Deployment]", { app: "worker" }, { sidecar: true });
  const denyEgress = np("iso", "default-deny", { podSelector: {}, policyTypes: ["Egress"] });
  const appOut = (cidr: object) => np("iso", "app-out", { podSelector: { matchLabels: { app: "app" } }, policyTypes: ["Egress"], egress: [{ to: [{ ipBlock: cidr }], ports: [{ port: 443 }] }] });

  it("reports a namespace once when none of its workloads is isolated for egress and none went out", () => {
    const c = context({ namespaces: NAMESPACES, workloads: [front, back], services: [backSvc], edges: [edge(front, back, { service: fqdn(backSvc), requests: 40 })] });
    const [finding, ...rest] = unnecessaryEgress(c);
    expect(rest).toEqual([]);
    expect(finding).toMatchObject({
      id: "unnecessary-egress:open",
      severity: "medium",
      subjects: ["open"],
      evidence: {
        workloads: ["open/back[Deployment]", "open/front[Deployment]"],
        allowed: [{ ranges: ["0.0.0.0-255.255.255.255"], connections: "All Connections", allowedBy: "not isolated" }],
        internetWide: true,
        outboundTrafficPolicies: [{ mode: "ALLOW_ANY", setBy: "Istio's default", workloads: 2 }],
        observedExternal: 0,
        window: WINDOW,
      },
    });
    // Default egress for the namespace (DNS, istiod), and front's one observed peer (back's named port).
    const [defaults, frontEgress, ...more] = remediationObjects(finding!);
    expect(more).toEqual([]);
    expect(defaults).toMatchObject({ kind: "NetworkPolicy", metadata: { name: "default-egress", namespace: "open" }, spec: { podSelector: {}, policyTypes: ["Egress"] } });
    expect((defaults!.spec as { egress: unknown[] }).egress).toHaveLength(2);
    expect(frontEgress).toEqual({
      apiVersion: "networking.k8s.io/v1",
      kind: "NetworkPolicy",
      metadata: { name: "front-egress", namespace: "open" },
      spec: { podSelector: { matchLabels: { app: "front" } }, policyTypes: ["Egress"], egress: [{ to: [{ podSelector: { matchLabels: { app: "back" } } }], ports: [{ protocol: "TCP", port: "http" }] }] },
    });
  });

  it("reports a workload an ipBlock lets out, low when the block is narrow", () => {
    const c = context({ namespaces: NAMESPACES, workloads: [app, worker], policies: [denyEgress, appOut({ cidr: "203.0.113.0/24" })] });
    const [finding, ...rest] = unnecessaryEgress(c);
    // worker is isolated with nothing outside allowed: nothing to report.
    expect(rest).toEqual([]);
    expect(finding).toMatchObject({
      id: "unnecessary-egress:iso/app[Deployment]",
      severity: "low",
      subjects: ["iso/app[Deployment]"],
      evidence: {
        isolatedForEgress: true,
        allowed: [{ ranges: ["203.0.113.0-203.0.113.255"], connections: "TCP 443", allowedBy: ["iso/app-out[NetworkPolicy] egress[0]"] }],
        internetWide: false,
      },
    });
    expect(finding!.remediation.summary).toContain("iso/app-out[NetworkPolicy]");
    expect(remediationObjects(finding!)).toMatchObject([{ kind: "NetworkPolicy", metadata: { name: "app-egress", namespace: "iso" }, spec: { podSelector: { matchLabels: { app: "app" } } } }]);
  });

  it("is medium for the whole internet, also with the private ranges excepted", () => {
    const internet = appOut({ cidr: "0.0.0.0/0", except: ["10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16"] });
    const [finding] = unnecessaryEgress(context({ namespaces: NAMESPACES, workloads: [app, worker], policies: [denyEgress, internet] }));
    expect(finding).toMatchObject({ id: "unnecessary-egress:iso/app[Deployment]", severity: "medium", evidence: { internetWide: true } });
  });

  it("reports nothing without telemetry, for workloads seen going out, or without a sidecar", () => {
    const plain = wl("open/plain[Deployment]", { app: "plain" }, { sidecar: false });
    expect(unnecessaryEgress(context({ namespaces: NAMESPACES, workloads: [front], telemetry: false }))).toEqual([]);
    const out = edge(front, { external: "PassthroughCluster", via: "passthrough" }, { reportedBy: "source", connections: 1 });
    expect(unnecessaryEgress(context({ namespaces: NAMESPACES, workloads: [front, plain], edges: [out] }))).toEqual([]);
  });

  it("does not count blocked attempts (BlackHoleCluster) as going out", () => {
    const blocked = edge(front, { external: "BlackHoleCluster", via: "blackhole" }, { reportedBy: "source", connections: 1 });
    expect(ids(unnecessaryEgress(context({ namespaces: NAMESPACES, workloads: [front], edges: [blocked] })))).toEqual(["unnecessary-egress:open"]);
  });
});

describe("unregistered-egress", () => {
  const NAMESPACES = [ns("shop"), ns("istio-system")];
  const rates = wl("shop/rates[Deployment]", { app: "rates" }, { sidecar: true });
  const pay = wl("shop/pay[Deployment]", { app: "pay" }, { sidecar: true });
  const tcp = { reportedBy: "source" as const, protocols: ["tcp"] };

  it("reports traffic through PassthroughCluster as high, with a ServiceEntry to fill in", () => {
    const c = context({
      namespaces: NAMESPACES,
      workloads: [rates],
      edges: [edge(rates, { external: "PassthroughCluster", via: "passthrough" }, { ...tcp, connections: 60, requestBytes: 120_000, responseBytes: 3_000_000 })],
    });
    const [finding, ...rest] = unregisteredEgress(c);
    expect(rest).toEqual([]);
    expect(finding).toMatchObject({
      id: "unregistered-egress:shop/rates[Deployment],PassthroughCluster",
      severity: "high",
      subjects: ["shop/rates[Deployment]", "PassthroughCluster"],
      evidence: {
        host: "PassthroughCluster",
        hostKnown: false,
        via: "passthrough",
        connections: 60,
        requestBytes: 120_000,
        responseBytes: 3_000_000,
        outboundTrafficPolicy: { mode: "ALLOW_ANY", setBy: "Istio's default" },
      },
    });
    expect(finding!.remediation.summary).toContain("REGISTRY_ONLY");
    expect(finding!.remediation.yaml).toContain("# TODO: the telemetry only says PassthroughCluster");
    expect(remediationObjects(finding!)).toEqual([
      {
        apiVersion: "networking.istio.io/v1",
        kind: "ServiceEntry",
        metadata: { name: "rates-external", namespace: "shop" },
        spec: { hosts: ["external-host.example"], exportTo: ["."], location: "MESH_EXTERNAL", resolution: "DNS", ports: [{ number: 443, name: "tls-443", protocol: "TLS" }] },
      },
    ]);
  });

  it("declares the host and port when the telemetry names them", () => {
    const c = context({ namespaces: NAMESPACES, workloads: [rates], edges: [edge(rates, { external: "api.rates.example:8443", via: "passthrough" }, { ...tcp, connections: 2 })] });
    const [finding] = unregisteredEgress(c);
    expect(finding).toMatchObject({ id: "unregistered-egress:shop/rates[Deployment],api.rates.example:8443", evidence: { hostKnown: true } });
    expect(remediationObjects(finding!)).toMatchObject([
      { kind: "ServiceEntry", metadata: { name: "rates-api-rates-example" }, spec: { hosts: ["api.rates.example"], ports: [{ number: 8443, protocol: "TCP" }] } },
    ]);
  });

  it("reports attempts BlackHoleCluster blocked as low, naming the Sidecar that set REGISTRY_ONLY", () => {
    const sidecar = policy("Sidecar", "shop", "default", { outboundTrafficPolicy: { mode: "REGISTRY_ONLY" } }, "networking.istio.io/v1");
    const c = context({ namespaces: NAMESPACES, workloads: [pay], policies: [sidecar], edges: [edge(pay, { external: "BlackHoleCluster", via: "blackhole" }, { ...tcp, connections: 12 })] });
    const [finding] = unregisteredEgress(c);
    expect(finding).toMatchObject({
      id: "unregistered-egress:shop/pay[Deployment],BlackHoleCluster",
      severity: "low",
      evidence: { via: "blackhole", connections: 12, outboundTrafficPolicy: { mode: "REGISTRY_ONLY", setBy: "shop/default[Sidecar]" }, sidecarResource: "shop/default[Sidecar]" },
    });
    expect(finding!.remediation.summary).toMatch(/^Blocked by REGISTRY_ONLY \(shop\/default\[Sidecar\]\): declare it if it is needed/);
  });

  it("does not report traffic to declared hosts", () => {
    const c = context({ namespaces: NAMESPACES, workloads: [pay], edges: [edge(pay, { external: "api.stripe.example", via: "service-entry" }, { ...tcp, connections: 5 })] });
    expect(unregisteredEgress(c)).toEqual([]);
  });
});

describe("egress-blocks-dns", () => {
  const NAMESPACES = [ns("locked"), ns("mixed"), ns("kube-system")];
  const a = wl("locked/a[Deployment]", { app: "a" });
  const b = wl("locked/b[Deployment]", { app: "b" });
  const m1 = wl("mixed/one[Deployment]", { app: "one" });
  const m2 = wl("mixed/two[Deployment]", { app: "two" });
  const lockedDeny = np("locked", "default-deny", { podSelector: {}, policyTypes: ["Egress"] });
  const lockedToB = np("locked", "to-b", { podSelector: {}, policyTypes: ["Egress"], egress: [{ to: [{ podSelector: { matchLabels: { app: "b" } } }], ports: [{ port: 8080 }] }] });
  const egressRule = (rule: object) => np("locked", "dns", { podSelector: {}, policyTypes: ["Egress"], egress: [rule] });
  const problems = (...policies: ReturnType<typeof np>[]) => egressBlocksDns(context({ namespaces: NAMESPACES, workloads: [a, b], policies: [lockedDeny, ...policies] }));

  it("reports a namespace once when all its workloads are isolated without DNS", () => {
    const [finding, ...rest] = problems(lockedToB);
    expect(rest).toEqual([]);
    expect(finding).toMatchObject({
      id: "egress-blocks-dns:locked",
      severity: "medium",
      subjects: ["locked"],
      evidence: {
        workloads: ["locked/a[Deployment]", "locked/b[Deployment]"],
        egressPolicies: ["locked/default-deny[NetworkPolicy]", "locked/to-b[NetworkPolicy]"],
        udp53: false,
        tcp53: false,
      },
    });
    expect(remediationObjects(finding!)).toEqual([
      {
        apiVersion: "networking.k8s.io/v1",
        kind: "NetworkPolicy",
        metadata: { name: "allow-dns", namespace: "locked" },
        spec: { podSelector: {}, policyTypes: ["Egress"], egress: [{ to: [KUBE_DNS], ports: DNS_PORTS }] },
      },
    ]);
  });

  it("adds UDP 53 to a rule that allows DNS over TCP only", () => {
    const [finding] = problems(egressRule({ to: [KUBE_DNS], ports: [{ protocol: "TCP", port: 53 }] }));
    expect(finding).toMatchObject({ id: "egress-blocks-dns:locked", evidence: { tcp53: true } });
    expect(remediationObjects(finding!)).toMatchObject([{ kind: "NetworkPolicy", metadata: { name: "dns", namespace: "locked" }, spec: { egress: [{ to: [KUBE_DNS], ports: [DNS_PORTS[0], DNS_PORTS[1]] }] } }]);
  });

  it("reports per workload when some pods of the namespace are not isolated; low for a full lockdown that sent nothing", () => {
    const lockOne = np("mixed", "lock-one", { podSelector: { matchLabels: { app: "one" } }, policyTypes: ["Egress"] });
    const quiet = egressBlocksDns(context({ namespaces: NAMESPACES, workloads: [m1, m2], policies: [lockOne] }));
    expect(quiet.map((f) => [f.id, f.severity])).toEqual([["egress-blocks-dns:mixed/one[Deployment]", "low"]]);
    expect(remediationObjects(quiet[0]!)).toMatchObject([{ metadata: { name: "one-allow-dns" }, spec: { podSelector: { matchLabels: { app: "one" } } } }]);
    // Seen sending something: it does call out, and fails to resolve names.
    const busy = egressBlocksDns(context({ namespaces: NAMESPACES, workloads: [m1, m2], policies: [lockOne], edges: [edge(m1, m2, { requests: 3 })] }));
    expect(busy.map((f) => [f.id, f.severity])).toEqual([["egress-blocks-dns:mixed/one[Deployment]", "medium"]]);
  });

  it("accepts every rule that could reach a DNS server on UDP 53", () => {
    expect(problems(egressRule({ to: [{ namespaceSelector: {} }], ports: [{ protocol: "UDP", port: 53 }] }))).toEqual([]);
    expect(problems(egressRule({ to: [{ ipBlock: { cidr: "10.96.0.10/32" } }], ports: [{ protocol: "UDP", port: 53 }] }))).toEqual([]);
    expect(problems(egressRule({ ports: [{ protocol: "UDP", port: 53 }] }))).toEqual([]);
    expect(problems(egressRule({ to: [KUBE_DNS] }))).toEqual([]);
    // kube-system pods with other labels: the DNS pods' labels are unknown (not in the snapshot), so they may be them.
    expect(problems(egressRule({ to: [{ ...KUBE_DNS, podSelector: { matchLabels: { "k8s-app": "coredns" } } }], ports: [{ protocol: "UDP", port: 53 }] }))).toEqual([]);
    // Not a DNS server: pods of the policy's own namespace, or UDP 53 not allowed.
    expect(ids(problems(egressRule({ to: [{ podSelector: {} }], ports: [{ protocol: "UDP", port: 53 }] })))).toEqual(["egress-blocks-dns:locked"]);
    expect(ids(problems(egressRule({ to: [KUBE_DNS], ports: [{ protocol: "UDP", port: 5353 }] })))).toEqual(["egress-blocks-dns:locked"]);
  });

  it("matches pod selectors and named ports against the DNS pods when the snapshot has them", () => {
    const coredns = wl("kube-system/coredns[Deployment]", { "k8s-app": "kube-dns" }, { ports: [["dns", 53, "UDP"], ["dns-tcp", 53, "TCP"], ["metrics", 9153]] });
    const check = (rule: object) => egressBlocksDns(context({ namespaces: NAMESPACES, workloads: [a, b, coredns], policies: [lockedDeny, egressRule(rule)] }));
    expect(check({ to: [KUBE_DNS], ports: [{ protocol: "UDP", port: "dns" }] })).toEqual([]);
    expect(ids(check({ to: [KUBE_DNS], ports: [{ protocol: "UDP", port: "metrics" }] }))).toEqual(["egress-blocks-dns:locked"]);
    expect(ids(check({ to: [{ ...KUBE_DNS, podSelector: { matchLabels: { app: "metrics" } } }], ports: [{ protocol: "UDP", port: 53 }] }))).toEqual(["egress-blocks-dns:locked"]);
  });

  it("does not report workloads that are not isolated for egress", () => {
    expect(egressBlocksDns(context({ namespaces: NAMESPACES, workloads: [m1, m2] }))).toEqual([]);
  });
});

describe("a clean cluster", () => {
  it("has nothing above info", () => {
    const c = cleanContext();
    const findings = [...unnecessaryEgress(c), ...unregisteredEgress(c), ...egressBlocksDns(c)];
    expect(findings.filter((f) => SEVERITIES.indexOf(f.severity) < SEVERITIES.indexOf("info"))).toEqual([]);
  });
});

describe("the demo cluster", () => {
  const c = buildContext(demoSnapshot());
  const findings = [...unnecessaryEgress(c), ...unregisteredEgress(c), ...egressBlocksDns(c)];
  const byId = new Map(findings.map((f) => [f.id, f]));

  it("finds exactly the planted egress problems", () => {
    expect(findings.map((f) => [f.id, f.severity])).toEqual([
      // blog has no NetworkPolicy and ALLOW_ANY (12); the backup job has no sidecar, so its egress
      // is not observable and the namespace is reported workload by workload.
      ["unnecessary-egress:blog/blog-api[Deployment]", "medium"],
      ["unnecessary-egress:blog/blog-postgres[StatefulSet]", "medium"],
      ["unnecessary-egress:blog/blog-web[Deployment]", "medium"],
      // 11 (let out by 12)
      ["unregistered-egress:shop-core/currencyservice[Deployment],PassthroughCluster", "high"],
      // paymentservice's blocked attempt: REGISTRY_ONLY working
      ["unregistered-egress:shop-payments/paymentservice[Deployment],BlackHoleCluster", "low"],
      // 13: shop-ops' allow-dns is TCP only
      ["egress-blocks-dns:shop-ops", "medium"],
    ]);
  });

  it("names the undeclared egress and the mesh-wide ALLOW_ANY behind it", () => {
    expect(byId.get("unregistered-egress:shop-core/currencyservice[Deployment],PassthroughCluster")?.evidence).toMatchObject({
      connections: 60,
      requestBytes: 120_000,
      responseBytes: 3_000_000,
      outboundTrafficPolicy: { mode: "ALLOW_ANY", setBy: "istio-system/istio[ConfigMap]" },
    });
    expect(byId.get("unnecessary-egress:blog/blog-api[Deployment]")?.evidence).toMatchObject({ outboundTrafficPolicy: { mode: "ALLOW_ANY", setBy: "istio-system/istio[ConfigMap]" } });
    expect(byId.get("egress-blocks-dns:shop-ops")?.remediation.yaml).toContain("shop-ops/allow-dns[NetworkPolicy]: UDP 53 added");
  });

  it("gives YAML kubectl can apply for every finding", () => {
    for (const finding of findings) expect(remediationObjects(finding).length).toBeGreaterThan(0);
  });
});
