/**
 * Egress through the mesh on small hand-made meshes. Expected results are worked out from the
 * Sidecar and ServiceEntry references and the egress-control task:
 * https://istio.io/latest/docs/reference/config/networking/sidecar/
 * https://istio.io/latest/docs/reference/config/networking/service-entry/
 * https://istio.io/latest/docs/tasks/traffic-management/egress/egress-control/
 */
import { describe, expect, it } from "vitest";
import type { MeshConfig, Policy } from "../../model";
import { isExternal, resolveEgress, type WorkloadEgress } from "./egress";
import { MESH, REGISTRY_ONLY_MESH, serviceEntry, sidecar, tlsEntry, workload } from "./egress-test-helpers";

const cart = workload("shop/cart", { app: "cart" });
const blogApi = workload("blog/api", { app: "api" });
const batch = workload("legacy/batch", { app: "batch" }, { sidecar: false });
const WORKLOADS = [cart, blogApi, batch];

/** The registry of every test: who declares what. */
const stripe = tlsEntry("shop/stripe", "api.stripe.example", { exportTo: ["."] });
const github = tlsEntry("egress/github", "api.github.example");
const google = serviceEntry("egress/google", {
  hosts: ["*.googleapis.com"],
  ports: [{ number: 443, name: "https", protocol: "HTTPS" }, { number: 80, name: "http", protocol: "HTTP" }],
});
const db = serviceEntry("shop/db", {
  hosts: ["db.shop.internal"],
  addresses: ["10.1.0.5"],
  location: "MESH_INTERNAL",
  resolution: "STATIC",
  exportTo: ["."],
  ports: [{ number: 5432, name: "pg", protocol: "TCP" }],
});
const REGISTRY = [stripe, github, google, db];

const TLS_443 = [{ number: 443, name: "tls", protocol: "TLS" }];

function egress(policies: Policy[], meshConfig: MeshConfig = MESH) {
  const { byWorkload, issues } = resolveEgress({ workloads: WORKLOADS, policies, meshConfig });
  const of = (id: string): WorkloadEgress => byWorkload.get(id)!;
  const hosts = (id: string) => of(id).declaredHosts.map((h) => `${h.host}:${h.ports.map((p) => p.number).join(",")}`);
  return { of, hosts, issues };
}

describe("resolveEgress without Sidecars", () => {
  it("Istio's defaults: every exported entry is visible and ALLOW_ANY lets any other host through", () => {
    const { of, hosts, issues } = egress(REGISTRY);
    expect(issues).toEqual([]);
    expect(of(cart.id)).toEqual({
      workload: "shop/cart[Deployment]",
      throughMesh: true,
      outboundTrafficPolicy: { mode: "ALLOW_ANY", setBy: null },
      sidecar: null,
      declaredHosts: [
        {
          host: "*.googleapis.com",
          ports: [
            { number: 80, name: "http", protocol: "HTTP" },
            { number: 443, name: "https", protocol: "HTTPS" },
          ],
          declaredBy: "egress/google[ServiceEntry]",
          resolution: "NONE",
          location: "MESH_EXTERNAL",
        },
        { host: "api.github.example", ports: TLS_443, declaredBy: "egress/github[ServiceEntry]", resolution: "DNS", location: "MESH_EXTERNAL" },
        { host: "api.stripe.example", ports: TLS_443, declaredBy: "shop/stripe[ServiceEntry]", resolution: "DNS", location: "MESH_EXTERNAL" },
        { host: "db.shop.internal", ports: [{ number: 5432, name: "pg", protocol: "TCP" }], declaredBy: "shop/db[ServiceEntry]", resolution: "STATIC", location: "MESH_INTERNAL" },
      ],
      anyHost: true,
    });
    // exportTo ".": the shop entries stay in shop.
    expect(hosts(blogApi.id)).toEqual(["*.googleapis.com:80,443", "api.github.example:443"]);
  });

  it("MESH_INTERNAL hosts are listed but not external", () => {
    const { of } = egress(REGISTRY);
    expect(of(cart.id).declaredHosts.filter(isExternal).map((h) => h.host)).toEqual(["*.googleapis.com", "api.github.example", "api.stripe.example"]);
  });

  it("REGISTRY_ONLY in the mesh config: only declared hosts, set by the config map", () => {
    const { of, hosts } = egress(REGISTRY, REGISTRY_ONLY_MESH);
    expect(of(cart.id).outboundTrafficPolicy).toEqual({ mode: "REGISTRY_ONLY", setBy: "istio-system/istio[ConfigMap]" });
    expect(of(cart.id).anyHost).toBe(false);
    expect(hosts(cart.id)).toEqual(["*.googleapis.com:80,443", "api.github.example:443", "api.stripe.example:443", "db.shop.internal:5432"]);
  });

  it("a ServiceEntry's workloadSelector picks its endpoints, not its clients", () => {
    const selecting = serviceEntry("shop/payments", {
      hosts: ["payments.shop.mesh"],
      location: "MESH_INTERNAL",
      resolution: "STATIC",
      workloadSelector: { labels: { app: "payments" } },
      ports: [{ number: 8443, name: "https", protocol: "HTTPS" }],
    });
    const { hosts } = egress([selecting]);
    expect(hosts(cart.id)).toEqual(["payments.shop.mesh:8443"]);
    expect(hosts(blogApi.id)).toEqual(["payments.shop.mesh:8443"]);
  });
});

describe("resolveEgress: outbound traffic policy", () => {
  it("a Sidecar's REGISTRY_ONLY overrides the mesh's ALLOW_ANY, for the workloads it applies to only", () => {
    const { of } = egress([...REGISTRY, sidecar("shop/default", { outboundTrafficPolicy: { mode: "REGISTRY_ONLY" } })]);
    expect(of(cart.id)).toMatchObject({ sidecar: "shop/default[Sidecar]", outboundTrafficPolicy: { mode: "REGISTRY_ONLY", setBy: "shop/default[Sidecar]" }, anyHost: false });
    expect(of(blogApi.id)).toMatchObject({ sidecar: null, outboundTrafficPolicy: { mode: "ALLOW_ANY", setBy: null }, anyHost: true });
  });

  it("a Sidecar's ALLOW_ANY overrides the mesh's REGISTRY_ONLY", () => {
    const { of } = egress([sidecar("shop/default", { outboundTrafficPolicy: { mode: "ALLOW_ANY" } })], REGISTRY_ONLY_MESH);
    expect(of(cart.id)).toMatchObject({ outboundTrafficPolicy: { mode: "ALLOW_ANY", setBy: "shop/default[Sidecar]" }, anyHost: true });
  });

  it("a workload's Sidecar without outboundTrafficPolicy takes the mesh's, not the namespace default's", () => {
    const nsDefault = sidecar("shop/default", { outboundTrafficPolicy: { mode: "REGISTRY_ONLY" } });
    const own = sidecar("shop/cart", { workloadSelector: { labels: { app: "cart" } }, egress: [{ hosts: ["*/*"] }] });
    const { of } = egress([nsDefault, own]);
    expect(of(cart.id)).toMatchObject({ sidecar: "shop/cart[Sidecar]", outboundTrafficPolicy: { mode: "ALLOW_ANY", setBy: null }, anyHost: true });
  });
});

describe("resolveEgress: Sidecar egress hosts", () => {
  it("the demo's shop-payments default: ./* and istio-system/* with REGISTRY_ONLY", () => {
    const payments = sidecar("shop/default", { egress: [{ hosts: ["./*", "istio-system/*"] }], outboundTrafficPolicy: { mode: "REGISTRY_ONLY" } });
    const { of, hosts } = egress([...REGISTRY, payments]);
    expect(hosts(cart.id)).toEqual(["api.stripe.example:443", "db.shop.internal:5432"]);
    expect(of(cart.id).anyHost).toBe(false);
  });

  it("in the root namespace default, ./ is the workload's namespace (the reference's mesh-wide example)", () => {
    const meshDefault = sidecar("istio-system/default", { egress: [{ hosts: ["./*", "egress/api.github.example"] }] });
    const { of, hosts } = egress([...REGISTRY, meshDefault]);
    expect(of(cart.id).sidecar).toBe("istio-system/default[Sidecar]");
    expect(hosts(cart.id)).toEqual(["api.github.example:443", "api.stripe.example:443", "db.shop.internal:5432"]);
    expect(hosts(blogApi.id)).toEqual(["api.github.example:443"]);
  });

  it("~/* imports nothing: with REGISTRY_ONLY the workload reaches no external host", () => {
    const { of } = egress([...REGISTRY, sidecar("shop/default", { egress: [{ hosts: ["~/*"] }] })], REGISTRY_ONLY_MESH);
    expect(of(cart.id)).toMatchObject({ declaredHosts: [], anyHost: false });
  });

  it("a wildcard ServiceEntry host needs an import at least as wide", () => {
    const narrow = sidecar("shop/default", { egress: [{ hosts: ["*/storage.googleapis.com", "*/*.example"] }] });
    expect(egress([...REGISTRY, narrow]).hosts(cart.id)).toEqual(["api.github.example:443", "api.stripe.example:443"]);
    const wide = sidecar("shop/default", { egress: [{ hosts: ["*/*.googleapis.com"] }] });
    expect(egress([...REGISTRY, wide]).hosts(cart.id)).toEqual(["*.googleapis.com:80,443"]);
  });

  it("a namespace import must name the entry's namespace", () => {
    const wrongNamespace = sidecar("shop/default", { egress: [{ hosts: ["shop/api.github.example", "egress/*.googleapis.com"] }] });
    expect(egress([...REGISTRY, wrongNamespace]).hosts(cart.id)).toEqual(["*.googleapis.com:80,443"]);
  });

  it("an entry exported only to its namespace cannot be imported from another, even by */*", () => {
    const { hosts } = egress([...REGISTRY, sidecar("blog/default", { egress: [{ hosts: ["*/*", "shop/*"] }] })]);
    expect(hosts(blogApi.id)).toEqual(["*.googleapis.com:80,443", "api.github.example:443"]);
  });

  it("a listener with a port narrows its hosts to that port; the catch-all keeps the other ports", () => {
    const split = sidecar("shop/default", {
      egress: [{ port: { number: 443, protocol: "HTTPS", name: "https" }, hosts: ["*/*.googleapis.com"] }, { hosts: ["*/*"] }],
    });
    // 443 belongs to the first listener: stripe and github (443 only) are not on it; googleapis
    // gets 443 there and 80 from the catch-all; db's 5432 is the catch-all's.
    expect(egress([...REGISTRY, split]).hosts(cart.id)).toEqual(["*.googleapis.com:80,443", "db.shop.internal:5432"]);
    const only80 = sidecar("shop/default", { egress: [{ port: { number: 80, protocol: "HTTP", name: "http" }, hosts: ["*/*"] }] });
    expect(egress([...REGISTRY, only80]).hosts(cart.id)).toEqual(["*.googleapis.com:80"]);
  });

  it("a Unix domain socket listener keeps the hosts' ports", () => {
    const uds = sidecar("shop/default", { egress: [{ port: { number: 0, protocol: "HTTP", name: "uds" }, bind: "unix:///var/run/out.sock", hosts: ["egress/*"] }] });
    expect(egress([...REGISTRY, uds]).hosts(cart.id)).toEqual(["*.googleapis.com:80,443", "api.github.example:443"]);
  });

  it("a Sidecar with only an outboundTrafficPolicy imports everything (egress defaults to */*)", () => {
    const { hosts } = egress([...REGISTRY, sidecar("shop/default", { outboundTrafficPolicy: { mode: "REGISTRY_ONLY" } })]);
    expect(hosts(cart.id)).toEqual(["*.googleapis.com:80,443", "api.github.example:443", "api.stripe.example:443", "db.shop.internal:5432"]);
  });
});

describe("resolveEgress: workloads without a sidecar", () => {
  it("are not held back by the mesh: any host, no Sidecar, the namespace's exported hosts listed", () => {
    const lockdown = sidecar("legacy/default", { egress: [{ hosts: ["~/*"] }], outboundTrafficPolicy: { mode: "REGISTRY_ONLY" } });
    const { of, hosts } = egress([...REGISTRY, lockdown], REGISTRY_ONLY_MESH);
    expect(of(batch.id)).toMatchObject({
      throughMesh: false,
      sidecar: null,
      anyHost: true,
      outboundTrafficPolicy: { mode: "REGISTRY_ONLY", setBy: "istio-system/istio[ConfigMap]" },
    });
    expect(hosts(batch.id)).toEqual(["*.googleapis.com:80,443", "api.github.example:443"]);
  });
});

describe("resolveEgress: invalid objects", () => {
  it("a refused Sidecar is reported and the next level applies", () => {
    const refused = sidecar("shop/cart", { workloadSelector: { labels: { app: "cart" } }, egress: [{ hosts: ["api.stripe.example"] }] });
    const nsDefault = sidecar("shop/default", { egress: [{ hosts: ["./*"] }], outboundTrafficPolicy: { mode: "REGISTRY_ONLY" } });
    const { of, hosts, issues } = egress([...REGISTRY, refused, nsDefault]);
    expect(of(cart.id).sidecar).toBe("shop/default[Sidecar]");
    expect(hosts(cart.id)).toEqual(["api.stripe.example:443", "db.shop.internal:5432"]);
    expect(issues).toEqual([{ policy: "shop/cart[Sidecar]", field: "spec.egress[0].hosts[0]", message: expect.stringContaining("namespace/dnsName") }]);
  });

  it("a refused ServiceEntry is reported and declares nothing", () => {
    const { hosts, issues } = egress([tlsEntry("shop/bad", "api.bad.example", { ports: [{ number: 99999, name: "x" }] }), github]);
    expect(hosts(cart.id)).toEqual(["api.github.example:443"]);
    expect(issues).toEqual([{ policy: "shop/bad[ServiceEntry]", field: "spec.ports[0].number", message: expect.stringContaining("1-65535") }]);
  });

  it("an unknown mode is refused and the mesh's mode applies", () => {
    const { of, issues } = egress([sidecar("shop/default", { outboundTrafficPolicy: { mode: "BLOCK" } })], REGISTRY_ONLY_MESH);
    expect(of(cart.id)).toMatchObject({ sidecar: null, outboundTrafficPolicy: { mode: "REGISTRY_ONLY", setBy: "istio-system/istio[ConfigMap]" } });
    expect(issues.map((i) => i.field)).toEqual(["spec.outboundTrafficPolicy.mode"]);
  });

  it("two Sidecars selecting one workload: the oldest applies and the other is reported", () => {
    const older = sidecar("shop/open", { workloadSelector: { labels: { app: "cart" } }, outboundTrafficPolicy: { mode: "ALLOW_ANY" } }, { created: "2024-01-01T00:00:00Z" });
    const newer = sidecar("shop/locked", { workloadSelector: { labels: { app: "cart" } }, outboundTrafficPolicy: { mode: "REGISTRY_ONLY" } }, { created: "2024-05-01T00:00:00Z" });
    const { of, issues } = egress([newer, older], REGISTRY_ONLY_MESH);
    expect(of(cart.id)).toMatchObject({ sidecar: "shop/open[Sidecar]", anyHost: true });
    expect(issues).toEqual([{ policy: "shop/locked[Sidecar]", field: "spec.workloadSelector", message: expect.stringContaining("shop/cart[Deployment]") }]);
  });
});
