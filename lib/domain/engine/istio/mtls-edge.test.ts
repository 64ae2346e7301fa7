/**
 * Whether an edge is encrypted: every cell of the client x server table, written by hand from
 * https://istio.io/latest/docs/concepts/security/#auto-mutual-tls and the PeerAuthentication mode
 * reference (STRICT: mTLS only; PERMISSIVE: both; DISABLE: plaintext only), plus the reasons.
 */
import { describe, expect, it } from "vitest";
import type { Workload } from "../../model";
import { resolveClientTls, type ClientTlsDecision } from "./destination-rule";
import { edgeEncryption, type Encryption } from "./mtls-edge";
import { dr, MESH, pa, workload } from "./mtls-test-helpers";
import { resolvePeerAuthentication, type WorkloadMtls } from "./peer-authentication";

const PORT = 8080;

/** One server per column: no sidecar, and a sidecar in each mode (set by its own policy). */
const servers = {
  "no sidecar": workload("shop/legacy", { app: "legacy" }, { sidecar: false }),
  STRICT: workload("shop/strict", { app: "strict" }),
  PERMISSIVE: workload("shop/permissive", { app: "permissive" }),
  DISABLE: workload("shop/disabled", { app: "disabled" }),
};
const serverPolicies = (["STRICT", "PERMISSIVE", "DISABLE"] as const).map((m) =>
  pa(`shop/${m.toLowerCase()}`, { selector: { matchLabels: { app: servers[m].labels.app! } }, mtls: { mode: m } }),
);
const { byWorkload } = resolvePeerAuthentication({ workloads: Object.values(servers), policies: serverPolicies, meshConfig: MESH });
const mtlsOf = (w: Workload): WorkloadMtls => byWorkload.get(w.id)!;

const meshClient = workload("shop/web", { app: "web" });
const plainClient = workload("shop/job", { app: "job" }, { sidecar: false });
const decision = (mode: ClientTlsDecision["mode"]): ClientTlsDecision =>
  mode === "AUTO" ? { mode, setBy: null } : { mode, setBy: "shop/cart[DestinationRule]", field: "spec.trafficPolicy.tls.mode" };

/** Rows: what the client is or what its DestinationRule says. */
const clients: Record<string, { source: Workload | null; tls: ClientTlsDecision }> = {
  "outside the mesh": { source: null, tls: decision("AUTO") },
  "client without sidecar": { source: plainClient, tls: decision("ISTIO_MUTUAL") },
  AUTO: { source: meshClient, tls: decision("AUTO") },
  ISTIO_MUTUAL: { source: meshClient, tls: decision("ISTIO_MUTUAL") },
  DISABLE: { source: meshClient, tls: decision("DISABLE") },
  SIMPLE: { source: meshClient, tls: decision("SIMPLE") },
  MUTUAL: { source: meshClient, tls: decision("MUTUAL") },
};

type Column = keyof typeof servers;
const TABLE: Record<keyof typeof clients, Record<Column, Encryption>> = {
  "outside the mesh": { "no sidecar": "plaintext", STRICT: "refused", PERMISSIVE: "plaintext", DISABLE: "plaintext" },
  "client without sidecar": { "no sidecar": "plaintext", STRICT: "refused", PERMISSIVE: "plaintext", DISABLE: "plaintext" },
  AUTO: { "no sidecar": "plaintext", STRICT: "mtls", PERMISSIVE: "mtls", DISABLE: "plaintext" },
  ISTIO_MUTUAL: { "no sidecar": "refused", STRICT: "mtls", PERMISSIVE: "mtls", DISABLE: "refused" },
  DISABLE: { "no sidecar": "plaintext", STRICT: "refused", PERMISSIVE: "plaintext", DISABLE: "plaintext" },
  SIMPLE: { "no sidecar": "tls", STRICT: "refused", PERMISSIVE: "tls", DISABLE: "tls" },
  MUTUAL: { "no sidecar": "tls", STRICT: "refused", PERMISSIVE: "tls", DISABLE: "tls" },
};

const CELLS = Object.entries(TABLE).flatMap(([row, columns]) =>
  Object.entries(columns).map(([column, expected]) => [row, column as Column, expected] as const),
);

describe("the encryption table", () => {
  it("has 28 cells", () => {
    expect(CELLS).toHaveLength(28);
  });

  it.each(CELLS)("%s -> server %s: %s", (row, column, expected) => {
    const { source, tls } = clients[row]!;
    const destination = servers[column];
    const edge = edgeEncryption({ source, destination, serverMtls: mtlsOf(destination), targetPort: PORT, clientTls: tls });
    expect(edge.encryption).toBe(expected);
    expect(edge.clientTls).toBe(tls);
    expect(edge.serverMode).toEqual(
      column === "no sidecar" ? { mode: "DISABLE", setBy: null } : { mode: column, setBy: `shop/${column.toLowerCase()}[PeerAuthentication]` },
    );
  });
});

describe("auto mTLS follows the server's mode on the target port", () => {
  const server = workload("shop/cart", { app: "cart" });
  const policy = pa("shop/cart", { selector: { matchLabels: { app: "cart" } }, mtls: { mode: "STRICT" }, portLevelMtls: { "9000": { mode: "DISABLE" } } });
  const serverMtls = resolvePeerAuthentication({ workloads: [server], policies: [policy], meshConfig: MESH }).byWorkload.get(server.id)!;
  const edge = (targetPort: number) => edgeEncryption({ source: meshClient, destination: server, serverMtls, targetPort, clientTls: decision("AUTO") });

  it("sends plaintext to a DISABLE port and mTLS to the STRICT ones", () => {
    expect(edge(9000)).toMatchObject({ encryption: "plaintext", serverMode: { mode: "DISABLE", setBy: "shop/cart[PeerAuthentication]" } });
    expect(edge(8080)).toMatchObject({ encryption: "mtls", serverMode: { mode: "STRICT", setBy: "shop/cart[PeerAuthentication]" } });
  });

  it("says why", () => {
    expect(edge(9000).reason).toBe("no DestinationRule applies, so auto mTLS sends plaintext; port 9000 is DISABLE (shop/cart[PeerAuthentication])");
    expect(edge(8080).reason).toBe("no DestinationRule applies, so auto mTLS sends mTLS; port 8080 is STRICT (shop/cart[PeerAuthentication])");
  });
});

describe("reasons name the objects that decided", () => {
  it("DestinationRule DISABLE towards a PERMISSIVE port (end to end)", () => {
    const redis = workload("shop/redis-cart", { app: "redis-cart" });
    const policies = [
      dr("shop/redis-cart", { host: "redis-cart", trafficPolicy: { tls: { mode: "DISABLE" } } }),
      pa("shop/redis-cart", { selector: { matchLabels: { app: "redis-cart" } }, mtls: { mode: "PERMISSIVE" } }),
    ];
    const clientTls = resolveClientTls({
      source: meshClient,
      destinationHost: "redis-cart.shop.svc.cluster.local",
      destinationNamespace: "shop",
      port: 6379,
      policies,
      meshConfig: MESH,
    });
    const serverMtls = resolvePeerAuthentication({ workloads: [redis], policies, meshConfig: MESH }).byWorkload.get(redis.id)!;
    const edge = edgeEncryption({ source: meshClient, destination: redis, serverMtls, targetPort: 6379, clientTls });
    expect(edge).toEqual({
      encryption: "plaintext",
      reason: "shop/redis-cart[DestinationRule] sets tls.mode DISABLE: the client sends plaintext; port 6379 is PERMISSIVE (shop/redis-cart[PeerAuthentication])",
      clientTls: { mode: "DISABLE", setBy: "shop/redis-cart[DestinationRule]", field: "spec.trafficPolicy.tls.mode" },
      serverMode: { mode: "PERMISSIVE", setBy: "shop/redis-cart[PeerAuthentication]" },
    });
  });

  const reason = (source: Workload | null, column: Column, clientTls: ClientTlsDecision) =>
    edgeEncryption({ source, destination: servers[column], serverMtls: mtlsOf(servers[column]), targetPort: PORT, clientTls }).reason;

  it("refusals say so", () => {
    expect(reason(null, "STRICT", decision("AUTO"))).toBe(
      "the source is outside the mesh (or unknown), so it sends plaintext; port 8080 is STRICT (shop/strict[PeerAuthentication]), so the connection is refused",
    );
    expect(reason(meshClient, "no sidecar", decision("ISTIO_MUTUAL"))).toBe(
      "shop/cart[DestinationRule] sets tls.mode ISTIO_MUTUAL: the client sends Istio mTLS; shop/legacy[Deployment] has no sidecar, so the connection is refused",
    );
    expect(reason(meshClient, "STRICT", decision("SIMPLE"))).toBe(
      "shop/cart[DestinationRule] sets tls.mode SIMPLE: the client originates TLS itself, not Istio mTLS; port 8080 is STRICT (shop/strict[PeerAuthentication]), so the connection is refused",
    );
  });

  it("a client without sidecar, Istio's default mode, auto mTLS to a workload without sidecar", () => {
    const defaultServer = workload("blog/api", { app: "api" });
    const serverMtls = resolvePeerAuthentication({ workloads: [defaultServer], policies: [], meshConfig: MESH }).byWorkload.get(defaultServer.id)!;
    expect(edgeEncryption({ source: plainClient, destination: defaultServer, serverMtls, targetPort: 80, clientTls: decision("AUTO") }).reason).toBe(
      "shop/job[Deployment] has no sidecar, so it sends plaintext; port 80 is PERMISSIVE (Istio's default: no PeerAuthentication sets it)",
    );
    expect(reason(meshClient, "no sidecar", decision("AUTO"))).toBe("no DestinationRule applies, so auto mTLS sends plaintext; shop/legacy[Deployment] has no sidecar");
  });

  it("port-level DestinationRule settings, a rule without tls, and a tls block without a mode", () => {
    const portLevel: ClientTlsDecision = { mode: "DISABLE", setBy: "shop/cart[DestinationRule]", field: "spec.trafficPolicy.portLevelSettings[0].tls.mode" };
    expect(reason(meshClient, "PERMISSIVE", portLevel)).toBe(
      "shop/cart[DestinationRule] sets tls.mode DISABLE for this port (spec.trafficPolicy.portLevelSettings[0].tls.mode): the client sends plaintext; port 8080 is PERMISSIVE (shop/permissive[PeerAuthentication])",
    );
    const portAuto: ClientTlsDecision = { mode: "AUTO", setBy: "shop/cart[DestinationRule]", field: "spec.trafficPolicy.portLevelSettings[1]" };
    expect(reason(meshClient, "STRICT", portAuto)).toBe(
      "shop/cart[DestinationRule] sets no tls in spec.trafficPolicy.portLevelSettings[1] (port-level settings do not inherit the top-level tls), so auto mTLS sends mTLS; port 8080 is STRICT (shop/strict[PeerAuthentication])",
    );
    expect(reason(meshClient, "STRICT", { mode: "AUTO", setBy: "shop/cart[DestinationRule]" })).toBe(
      "shop/cart[DestinationRule] sets no tls, so auto mTLS sends mTLS; port 8080 is STRICT (shop/strict[PeerAuthentication])",
    );
    const modeless: ClientTlsDecision = { mode: "DISABLE", setBy: "shop/cart[DestinationRule]", field: "spec.trafficPolicy.tls" };
    expect(reason(meshClient, "STRICT", modeless)).toBe(
      "shop/cart[DestinationRule] has a tls block without a mode (spec.trafficPolicy.tls), which Istio reads as DISABLE: the client sends plaintext; port 8080 is STRICT (shop/strict[PeerAuthentication]), so the connection is refused",
    );
  });
});
