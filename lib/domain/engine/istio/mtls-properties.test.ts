/**
 * Facts about Istio mTLS resolution that hold for any set of policies, checked on random small
 * meshes (fast-check, fixed seed).
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { Policy, Workload } from "../../model";
import { resolveClientTls } from "./destination-rule";
import { edgeEncryption } from "./mtls-edge";
import { dr, MESH, pa, workload } from "./mtls-test-helpers";
import { resolvePeerAuthentication, type WorkloadMtls } from "./peer-authentication";

const RUNS = { seed: 20261127, numRuns: 300 };

const WORKLOADS: Workload[] = [
  workload("shop/a", { app: "a" }),
  workload("shop/b", { app: "b", tier: "x" }),
  workload("shop/c", { app: "a" }, { sidecar: false }),
  workload("blog/a", { app: "a" }),
  workload("istio-system/gw", { app: "b" }),
];
const NAMESPACES = ["shop", "blog", "istio-system"] as const;
const created = fc.option(fc.constantFrom("2024-01-01T00:00:00Z", "2024-02-01T00:00:00Z", "2024-03-01T00:00:00Z"), { nil: undefined });

// Valid and invalid values alike: refused objects and unknown modes must be order-independent too.
const paMode = fc.constantFrom("UNSET", "DISABLE", "PERMISSIVE", "STRICT", "strict");
const paSpec = fc.record(
  {
    selector: fc.constantFrom({}, { matchLabels: { app: "a" } }, { matchLabels: { app: "b" } }, { matchLabels: { tier: "x" } }, { matchLabels: { app: 1 } }),
    mtls: fc.oneof(fc.constant({}), paMode.map((mode) => ({ mode }))),
    portLevelMtls: fc.constantFrom({ "8080": { mode: "DISABLE" } }, { "8080": { mode: "STRICT" }, "9090": {} }, { "0": { mode: "STRICT" } }),
  },
  { requiredKeys: [] },
);
const paArb = fc.tuple(fc.constantFrom(...NAMESPACES), paSpec, created);

const tlsBlock = fc.oneof(fc.constant({}), fc.constantFrom("DISABLE", "SIMPLE", "MUTUAL", "ISTIO_MUTUAL", "bogus").map((mode) => ({ mode })));
const drSpec = fc.record(
  {
    host: fc.constantFrom("cart", "cart.shop.svc.cluster.local", "*.shop.svc.cluster.local", "*", "*.local", "reviews"),
    workloadSelector: fc.constantFrom({ matchLabels: { app: "a" } }, { matchLabels: { app: "b" } }),
    exportTo: fc.constantFrom(["."], ["*"], ["blog"], ["shop", "blog"]),
    trafficPolicy: fc.record(
      { tls: tlsBlock, portLevelSettings: fc.array(fc.record({ port: fc.constantFrom({ number: 80 }, { number: 6379 }), tls: tlsBlock }, { requiredKeys: ["port"] }), { maxLength: 2 }) },
      { requiredKeys: [] },
    ),
  },
  { requiredKeys: ["host"] },
);
const drArb = fc.tuple(fc.constantFrom(...NAMESPACES), drSpec, created);

/** Random policies with unique names, and the same list in another order. */
const policiesAndShuffle = fc
  .tuple(fc.array(paArb, { maxLength: 6 }), fc.array(drArb, { maxLength: 6 }))
  .map(([pas, drs]) => [
    ...pas.map(([ns, spec, at], i) => pa(`${ns}/pa${i}`, spec, { created: at })),
    ...drs.map(([ns, spec, at], i) => dr(`${ns}/dr${i}`, spec, { created: at })),
  ])
  .chain((policies) => fc.tuple(fc.constant(policies), fc.shuffledSubarray(policies, { minLength: policies.length, maxLength: policies.length })));

const plain = (m: WorkloadMtls) => ({ workload: m.workload, mode: m.mode, ports: m.ports, noSidecar: m.noSidecar, on8080: m.modeForPort(8080) });

/** Every decision the engine makes for these policies, as plain data. */
function everything(policies: Policy[]) {
  const { byWorkload, issues } = resolvePeerAuthentication({ workloads: WORKLOADS, policies, meshConfig: MESH });
  const edges = [];
  for (const source of WORKLOADS) {
    for (const [host, namespace] of [["cart.shop.svc.cluster.local", "shop"], ["reviews.blog.svc.cluster.local", "blog"]] as const) {
      for (const port of [80, 6379]) {
        const clientTls = resolveClientTls({ source, destinationHost: host, destinationNamespace: namespace, port, policies, meshConfig: MESH });
        const destination = WORKLOADS.find((w) => w.namespace === namespace) ?? WORKLOADS[0]!;
        edges.push(edgeEncryption({ source, destination, serverMtls: byWorkload.get(destination.id)!, targetPort: 8080, clientTls }));
      }
    }
  }
  return { workloads: [...byWorkload.values()].map(plain), issues, edges };
}

describe("Istio mTLS properties", () => {
  it("nothing depends on the order of the policies array", () => {
    fc.assert(
      fc.property(policiesAndShuffle, ([policies, shuffled]) => {
        expect(everything(shuffled)).toEqual(everything(policies));
      }),
      RUNS,
    );
  });

  it("a workload without a sidecar is DISABLE, set by nothing, whatever the policies", () => {
    fc.assert(
      fc.property(policiesAndShuffle, ([policies]) => {
        const m = resolvePeerAuthentication({ workloads: WORKLOADS, policies, meshConfig: MESH }).byWorkload.get("shop/c[Deployment]")!;
        expect(plain(m)).toEqual({ workload: "shop/c[Deployment]", mode: { mode: "DISABLE", setBy: null }, ports: {}, noSidecar: true, on8080: { mode: "DISABLE", setBy: null } });
      }),
      RUNS,
    );
  });

  it("adding the oldest workload policy (STRICT, no port settings) makes every port of the workloads it selects STRICT", () => {
    const oldest = pa("shop/zz-oldest", { selector: { matchLabels: { app: "a" } }, mtls: { mode: "STRICT" } }, { created: "2000-01-01T00:00:00Z" });
    fc.assert(
      fc.property(policiesAndShuffle, ([policies]) => {
        const m = resolvePeerAuthentication({ workloads: WORKLOADS, policies: [...policies, oldest], meshConfig: MESH }).byWorkload.get("shop/a[Deployment]")!;
        expect(plain(m)).toMatchObject({ mode: { mode: "STRICT", setBy: oldest.id }, ports: {}, on8080: { mode: "STRICT", setBy: oldest.id } });
      }),
      RUNS,
    );
  });

  it("an edge is mTLS only between two sidecars, with the server not DISABLE on the port", () => {
    fc.assert(
      fc.property(policiesAndShuffle, ([policies]) => {
        const { byWorkload } = resolvePeerAuthentication({ workloads: WORKLOADS, policies, meshConfig: MESH });
        for (const source of [null, ...WORKLOADS]) {
          for (const destination of WORKLOADS) {
            const clientTls = resolveClientTls({ source: source ?? WORKLOADS[0]!, destinationHost: "cart.shop.svc.cluster.local", destinationNamespace: "shop", port: 80, policies, meshConfig: MESH });
            const edge = edgeEncryption({ source, destination, serverMtls: byWorkload.get(destination.id)!, targetPort: 8080, clientTls });
            if (edge.encryption === "mtls") {
              expect(source?.sidecar.injected && destination.sidecar.injected && edge.serverMode.mode !== "DISABLE").toBe(true);
            }
          }
        }
      }),
      RUNS,
    );
  });

  it("without DestinationRules every client uses auto mTLS", () => {
    fc.assert(
      fc.property(policiesAndShuffle, ([policies]) => {
        const noRules = policies.filter((p) => p.kind !== "DestinationRule");
        for (const source of WORKLOADS) {
          expect(resolveClientTls({ source, destinationHost: "cart.shop.svc.cluster.local", destinationNamespace: "shop", port: 80, policies: noRules, meshConfig: MESH })).toEqual({ mode: "AUTO", setBy: null });
        }
      }),
      RUNS,
    );
  });
});
