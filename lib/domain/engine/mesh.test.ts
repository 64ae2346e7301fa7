/**
 * NetworkPolicies and Istio together, on hand-checkable fixtures. Expected results follow the
 * Istio docs: the sidecar captures TCP only; auto mTLS sends mTLS to a sidecar whose port is not
 * DISABLE; STRICT refuses plaintext; an ALLOW policy denies what it does not match; HTTP fields
 * narrow what is admitted on HTTP ports.
 */
import { describe, expect, it } from "vitest";
import type { Policy, Service, Workload } from "../model";
import { computeConnectivity, type ConnectionLine } from "./connectivity";
import { DEFAULT_MESH, ns, policy, svc, wl } from "./testing/builders";

const NS = [ns("shop"), ns("legacy")];
const web = wl("shop/web[Deployment]", { app: "web" }, { sidecar: true, sa: "web" });
const cart = wl("shop/cart[Deployment]", { app: "cart" }, { sidecar: true, sa: "cart", ports: [["http", 8080], ["redis", 6379]] });
const batch = wl("shop/batch[Deployment]", { app: "batch" }, { sidecar: true, sa: "batch" });
const old = wl("legacy/old[Deployment]", { app: "old" }, { sidecar: false });
const cartSvc = svc("shop/cart", { app: "cart" }, [["http", 80, "http"], ["tcp-redis", 6379, 6379]]);

function line(src: Workload, dst: Workload, policies: Policy[], services: Service[] = [cartSvc]): ConnectionLine | undefined {
  const report = computeConnectivity({ workloads: [web, cart, batch, old], namespaces: NS, services, policies, meshConfig: DEFAULT_MESH });
  return report.connections.find((l) => l.src === src.id && l.dst === dst.id);
}

const pa = (namespace: string, name: string, spec: object) => policy("PeerAuthentication", namespace, name, spec);
const ap = (namespace: string, name: string, spec: object) => policy("AuthorizationPolicy", namespace, name, spec);
const dr = (namespace: string, name: string, spec: object) => policy("DestinationRule", namespace, name, spec, "networking.istio.io/v1");

describe("encryption", () => {
  it("is mTLS between two sidecars by default (auto mTLS, PERMISSIVE), plaintext for what Istio does not capture", () => {
    const l = line(web, cart, []);
    expect(l?.conn).toBe("All Connections");
    // TCP is mTLS; UDP and SCTP are not captured by the sidecar, so the pair is "mixed".
    expect(l?.mtls).toBe("mixed");
    expect(l?.refused).toBeUndefined();
  });

  it("is plaintext from a workload without a sidecar, and refused by a STRICT port", () => {
    expect(line(old, cart, [])?.mtls).toBe("plaintext");
    const strict = pa("shop", "default", { mtls: { mode: "STRICT" } });
    const l = line(old, cart, [strict]);
    expect(l?.conn).toBe("SCTP,UDP");
    expect(l?.refused).toEqual([{ conn: "TCP", reason: expect.stringContaining("STRICT") }]);
    // Between sidecars STRICT changes nothing: auto mTLS already sends mTLS.
    expect(line(web, cart, [strict])?.conn).toBe("All Connections");
  });

  it("follows a DestinationRule that turns TLS off for one service port", () => {
    const plain = dr("shop", "cart", { host: "cart", trafficPolicy: { portLevelSettings: [{ port: { number: 6379 }, tls: { mode: "DISABLE" } }] } });
    const l = line(web, cart, [plain]);
    expect(l?.conn).toBe("All Connections");
    expect(l?.mtls).toBe("mixed");
    // With STRICT on the pod, the plaintext the client now sends to 6379 is refused.
    const strict = pa("shop", "default", { mtls: { mode: "STRICT" } });
    expect(line(web, cart, [plain, strict])?.refused).toEqual([{ conn: "TCP 6379", reason: expect.stringContaining("DISABLE") }]);
  });
});

describe("authorization", () => {
  const onlyWeb = ap("shop", "cart-from-web", {
    selector: { matchLabels: { app: "cart" } },
    action: "ALLOW",
    rules: [{ from: [{ source: { principals: ["cluster.local/ns/shop/sa/web"] } }], to: [{ operation: { ports: ["6379"] } }] }],
  });

  it("admits only what an ALLOW policy matches: the principal, on its port", () => {
    const allowed = line(web, cart, [onlyWeb]);
    expect(allowed?.conn).toBe("SCTP,TCP 6379,UDP");
    expect(allowed?.allowedBy.authorization).toEqual(["shop/cart-from-web[AuthorizationPolicy] rule 0"]);
    const denied = line(batch, cart, [onlyWeb]);
    expect(denied?.conn).toBe("SCTP,UDP");
    expect(denied?.refused).toEqual([{ conn: "TCP", reason: expect.stringMatching(/^denied by /) }]);
  });

  it("cannot see a principal over plaintext", () => {
    expect(line(old, cart, [onlyWeb])?.conn).toBe("SCTP,UDP");
  });

  it("is not enforced on a workload without a sidecar", () => {
    const denyAll = ap("legacy", "deny-all", { action: "DENY", rules: [{}] });
    expect(line(web, old, [denyAll])?.conn).toBe("All Connections");
  });

  it("narrows an HTTP port to the methods and paths allowed", () => {
    const getOnly = ap("shop", "cart-get", {
      selector: { matchLabels: { app: "cart" } },
      rules: [{ to: [{ operation: { ports: ["8080"], methods: ["GET"], paths: ["/cart/*"] } }] }],
    });
    const l = line(web, cart, [getOnly]);
    expect(l?.conn).toBe("SCTP,TCP 8080,UDP");
    expect(l?.http).toEqual([expect.objectContaining({ rule: "shop/cart-get[AuthorizationPolicy] rule 0", methods: ["GET"], paths: ["/cart/*"] })]);
    // On a port Istio treats as TCP, an ALLOW rule with HTTP fields matches nothing.
    const tcpOnly = ap("shop", "cart-get", { selector: { matchLabels: { app: "cart" } }, rules: [{ to: [{ operation: { ports: ["6379"], methods: ["GET"] } }] }] });
    expect(line(web, cart, [tcpOnly])?.conn).toBe("SCTP,UDP");
  });
});

describe("outside the cluster", () => {
  it("refuses plaintext from outside on STRICT ports", () => {
    const strict = pa("shop", "default", { mtls: { mode: "STRICT" } });
    const report = computeConnectivity({ workloads: [cart], namespaces: NS, services: [cartSvc], policies: [strict], meshConfig: DEFAULT_MESH });
    expect(report.connections.filter((l) => l.dst === cart.id).map((l) => `${l.src} : ${l.conn}`)).toEqual(["0.0.0.0-255.255.255.255[External] : SCTP,UDP"]);
  });
});

describe("sources the policies cannot tell apart share decisions", () => {
  const byNamespace = ap("shop", "cart-from-shop", { selector: { matchLabels: { app: "cart" } }, rules: [{ from: [{ source: { namespaces: ["shop"] } }] }] });
  const byPrincipal = ap("shop", "cart-from-web", { selector: { matchLabels: { app: "cart" } }, rules: [{ from: [{ source: { principals: ["cluster.local/ns/shop/sa/web"] } }] }] });

  it("gives web and batch (same namespace) the same signature when only the namespace is tested", async () => {
    const { compileAuthorizationPolicies } = await import("./istio/authz");
    const authz = compileAuthorizationPolicies({ workloads: [web, cart, batch], policies: [byNamespace], rootNamespace: "istio-system" });
    expect(authz.sourceSignature(cart, web)).toBe(authz.sourceSignature(cart, batch));
    expect(authz.sourceSignature(cart, web)).not.toBe(authz.sourceSignature(cart, old));
    expect(line(web, cart, [byNamespace])?.conn).toBe("All Connections");
    expect(line(batch, cart, [byNamespace])?.conn).toBe("All Connections");
  });

  it("tells them apart when a principal is tested, and decides each right", async () => {
    const { compileAuthorizationPolicies } = await import("./istio/authz");
    const authz = compileAuthorizationPolicies({ workloads: [web, cart, batch], policies: [byPrincipal], rootNamespace: "istio-system" });
    expect(authz.sourceSignature(cart, web)).not.toBe(authz.sourceSignature(cart, batch));
    // Asked in both orders, so a shared profile could not leak one source's answer to the other.
    const report = computeConnectivity({ workloads: [batch, cart, web], namespaces: NS, services: [cartSvc], policies: [byPrincipal], meshConfig: DEFAULT_MESH });
    const conn = (src: Workload) => report.connections.find((l) => l.src === src.id && l.dst === cart.id)?.conn;
    expect(conn(web)).toBe("All Connections");
    expect(conn(batch)).toBe("SCTP,UDP");
  });
});

describe("bulk queries", () => {
  it("connectionsBetween and peersOf agree with between, whatever the Istio policies", async () => {
    const { analyzeMesh } = await import("./mesh");
    const policies = [
      pa("shop", "default", { mtls: { mode: "STRICT" } }),
      ap("shop", "cart-from-web", { selector: { matchLabels: { app: "cart" } }, rules: [{ from: [{ source: { principals: ["cluster.local/ns/shop/sa/web"] } }] }] }),
      dr("shop", "cart", { host: "cart", trafficPolicy: { portLevelSettings: [{ port: { number: 6379 }, tls: { mode: "DISABLE" } }] } }),
    ];
    const workloads = [web, cart, batch, old];
    const analysis = analyzeMesh({ workloads, namespaces: NS, services: [cartSvc], policies, meshConfig: DEFAULT_MESH });
    workloads.forEach((_, s) => {
      const expected = workloads
        .map((__, d) => ({ destination: d, connections: analysis.between(s, d).connections.toString() }))
        .filter((p) => p.destination !== s && p.connections !== "No Connections");
      const peers = analysis.peersOf(s).flatMap((g) => g.destinations.map((destination) => ({ destination, connections: g.connections.toString() })));
      expect(peers.sort((a, b) => a.destination - b.destination)).toEqual(expected);
      workloads.forEach((__, d) => expect(analysis.connectionsBetween(s, d).toString()).toBe(analysis.between(s, d).connections.toString()));
    });
  });
});
