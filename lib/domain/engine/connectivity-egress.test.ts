/**
 * A workload's lines to the outside carry what its sidecar lets out by host name. Expected values
 * worked out by hand from the Sidecar and ServiceEntry references
 * (https://istio.io/latest/docs/reference/config/networking/sidecar/,
 * https://istio.io/latest/docs/reference/config/networking/service-entry/) and the egress-control
 * task (https://istio.io/latest/docs/tasks/traffic-management/egress/egress-control/).
 */
import { describe, expect, it } from "vitest";
import { computeConnectivity } from "./connectivity";
import { serviceEntry, sidecar, tlsEntry } from "./istio/egress-test-helpers";
import { DEFAULT_MESH, np, ns, wl } from "./testing/builders";

const cart = wl("shop/cart[Deployment]", { app: "cart" }, { sidecar: true });
const batch = wl("legacy/batch[Deployment]", { app: "batch" }, { sidecar: false });
const NAMESPACES = [ns("shop"), ns("legacy")];
const ANYWHERE = "0.0.0.0-255.255.255.255[External]";

const stripe = tlsEntry("shop/stripe", "api.stripe.example");
const internalDb = serviceEntry("shop/db", {
  hosts: ["db.shop.internal"],
  location: "MESH_INTERNAL",
  resolution: "STATIC",
  addresses: ["10.1.0.5"],
  ports: [{ number: 5432, name: "pg", protocol: "TCP" }],
});
const registryOnly = sidecar("shop/default", { outboundTrafficPolicy: { mode: "REGISTRY_ONLY" } });

function outsideLine(workload: string, policies = [stripe, internalDb, registryOnly]) {
  const report = computeConnectivity({ workloads: [cart, batch], namespaces: NAMESPACES, services: [], policies, meshConfig: DEFAULT_MESH });
  return report.connections.find((l) => l.src === workload && l.dst === ANYWHERE);
}

describe("external hosts through the mesh", () => {
  it("a sidecar under REGISTRY_ONLY reaches only the MESH_EXTERNAL hosts declared to it", () => {
    expect(outsideLine(cart.id)?.throughMesh).toEqual({
      sidecar: true,
      outboundTrafficPolicy: "REGISTRY_ONLY",
      setBy: "shop/default[Sidecar]",
      anyHost: false,
      // db.shop.internal is MESH_INTERNAL: inside the mesh, not an external host.
      hosts: [{ host: "api.stripe.example", ports: "443/TLS", declaredBy: "shop/stripe[ServiceEntry]" }],
    });
  });

  it("a workload without a sidecar is not held back by the mesh: any host, Istio's default policy", () => {
    // The Sidecar is in shop; batch is in legacy and has no proxy anyway. stripe is exported to
    // every namespace (no exportTo), so it is still listed as a host it could use.
    expect(outsideLine(batch.id)?.throughMesh).toEqual({
      sidecar: false,
      outboundTrafficPolicy: "ALLOW_ANY",
      setBy: null,
      anyHost: true,
      hosts: [{ host: "api.stripe.example", ports: "443/TLS", declaredBy: "shop/stripe[ServiceEntry]" }],
    });
  });

  it("with no Sidecar, ALLOW_ANY lets a sidecar reach any host", () => {
    expect(outsideLine(cart.id, [stripe])?.throughMesh).toMatchObject({ sidecar: true, outboundTrafficPolicy: "ALLOW_ANY", setBy: null, anyHost: true });
  });

  it("NetworkPolicies that deny all egress leave no line to the outside, whatever the mesh allows", () => {
    const denyEgress = np("shop", "deny-egress", { podSelector: {}, policyTypes: ["Egress"] });
    expect(outsideLine(cart.id, [stripe, denyEgress])).toBeUndefined();
  });
});
