/**
 * Facts about egress through the mesh that hold for any set of Sidecars and ServiceEntries,
 * checked on random small meshes (fast-check, fixed seed).
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { MeshConfig, Policy, Workload } from "../../model";
import { resolveEgress } from "./egress";
import { MESH, REGISTRY_ONLY_MESH, serviceEntry, sidecar, workload } from "./egress-test-helpers";

const RUNS = { seed: 20260611, numRuns: 300 };

const WORKLOADS: Workload[] = [
  workload("shop/a", { app: "a" }),
  workload("shop/b", { app: "b", tier: "x" }),
  workload("shop/c", { app: "a" }, { sidecar: false }),
  workload("blog/a", { app: "a" }),
  workload("istio-system/gw", { app: "b" }),
];
const NAMESPACES = ["shop", "blog", "istio-system"] as const;
const created = fc.option(fc.constantFrom("2024-01-01T00:00:00Z", "2024-02-01T00:00:00Z", "2024-03-01T00:00:00Z"), { nil: undefined });

/** Mostly valid values, sometimes one Istio refuses: refused objects must be order-independent too. */
const rarely = (usual: fc.Arbitrary<unknown>, odd: fc.Arbitrary<unknown>): fc.Arbitrary<unknown> =>
  fc.oneof({ arbitrary: usual, weight: 6 }, { arbitrary: odd, weight: 1 });

const seSpec = fc.record(
  {
    hosts: rarely(fc.subarray(["api.stripe.example", "*.googleapis.com", "storage.googleapis.com", "db.shop.internal"], { minLength: 1 }), fc.constant(["api.stripe.example", "*"])),
    ports: rarely(
      fc.subarray(
        [
          { number: 443, name: "tls", protocol: "TLS" },
          { number: 80, name: "http", protocol: "HTTP" },
          { number: 5432, name: "pg", protocol: "TCP" },
        ],
        { minLength: 1 },
      ),
      fc.constantFrom([], [{ number: 0, name: "bad" }]),
    ),
    exportTo: rarely(fc.constantFrom(["."], ["*"], ["blog"], [".", "blog"], ["shop", "istio-system"]), fc.constantFrom(["~"], ["*", "shop"])),
    location: rarely(fc.constantFrom("MESH_EXTERNAL", "MESH_INTERNAL"), fc.constant("ELSEWHERE")),
    resolution: fc.constantFrom("NONE", "DNS"),
  },
  { requiredKeys: ["hosts", "ports"] },
);
const seArb = fc.tuple(fc.constantFrom(...NAMESPACES), seSpec, created);

const IMPORTS = ["./*", "*/*", "~/*", "shop/*", "blog/*.googleapis.com", "*/api.stripe.example", "*/*.googleapis.com", "istio-system/*"];
const importsArb = rarely(fc.subarray(IMPORTS, { minLength: 1, maxLength: 3 }), fc.constant(["./*", "nonamespace.example"]));
const PORTS = [{ number: 443, protocol: "TLS" }, { number: 80, protocol: "HTTP" }];
/** Listeners with ports, then maybe the catch-all last, as Istio requires; sometimes in any order. */
const egressArb = rarely(
  fc
    .tuple(fc.subarray(PORTS), fc.array(importsArb, { minLength: 3, maxLength: 3 }), fc.boolean())
    .map(([ports, imports, catchAll]) => [...ports.map((port, i) => ({ port, hosts: imports[i]! })), ...(catchAll ? [{ hosts: imports[2]! }] : [])]),
  fc.array(fc.record({ port: fc.constantFrom(...PORTS), hosts: importsArb }, { requiredKeys: ["hosts"] }), { maxLength: 3 }),
);
const sidecarSpec = fc.record(
  {
    workloadSelector: rarely(fc.constantFrom({ labels: { app: "a" } }, { labels: { app: "b" } }, { labels: { tier: "x" } }), fc.constant({ labels: {} })),
    egress: egressArb,
    outboundTrafficPolicy: rarely(fc.constantFrom({}, { mode: "ALLOW_ANY" }, { mode: "REGISTRY_ONLY" }), fc.constant({ mode: "DENY" })),
  },
  { requiredKeys: [] },
);
const sidecarArb = fc.tuple(fc.constantFrom(...NAMESPACES), sidecarSpec, created);

/** Random ServiceEntries and Sidecars with unique names. */
const meshPolicies = fc
  .tuple(fc.array(seArb, { maxLength: 6 }), fc.array(sidecarArb, { maxLength: 6 }))
  .map(([entries, sidecars]) => ({
    entries: entries.map(([ns, spec, at], i) => serviceEntry(`${ns}/se${i}`, spec, { created: at })),
    sidecars: sidecars.map(([ns, spec, at], i) => sidecar(`${ns}/sc${i}`, spec, { created: at })),
  }));

const shuffled = <T,>(items: T[]) => fc.shuffledSubarray(items, { minLength: items.length, maxLength: items.length });

function resolve(policies: Policy[], meshConfig: MeshConfig = MESH) {
  const { byWorkload, issues } = resolveEgress({ workloads: WORKLOADS, policies, meshConfig });
  return { workloads: [...byWorkload.values()], issues };
}

/** Every (entry, host, port) a workload's proxy knows. */
function reachable(policies: Policy[], workloadId: string, meshConfig: MeshConfig = MESH): Set<string> {
  const egress = resolveEgress({ workloads: WORKLOADS, policies, meshConfig }).byWorkload.get(workloadId)!;
  return new Set(egress.declaredHosts.flatMap((h) => h.ports.map((p) => `${h.declaredBy} ${h.host}:${p.number}`)));
}

describe("egress properties", () => {
  it("nothing depends on the order of the policies array", () => {
    const arb = meshPolicies.chain(({ entries, sidecars }) => {
      const all = [...entries, ...sidecars];
      return fc.tuple(fc.constant(all), shuffled(all));
    });
    fc.assert(
      fc.property(arb, ([policies, reordered]) => {
        expect(resolve(reordered)).toEqual(resolve(policies));
      }),
      RUNS,
    );
  });

  it("Sidecars only narrow: a proxy never knows a host or port it would not know without them", () => {
    fc.assert(
      fc.property(meshPolicies, ({ entries, sidecars }) => {
        for (const w of WORKLOADS) {
          const without = reachable(entries, w.id);
          for (const known of reachable([...entries, ...sidecars], w.id)) expect(without.has(known)).toBe(true);
        }
      }),
      RUNS,
    );
  });

  it("the mesh's outbound mode never changes the declared hosts; anyHost is ALLOW_ANY or no sidecar", () => {
    fc.assert(
      fc.property(meshPolicies, ({ entries, sidecars }) => {
        const policies = [...entries, ...sidecars];
        const open = resolve(policies, MESH).workloads;
        const closed = resolve(policies, REGISTRY_ONLY_MESH).workloads;
        expect(closed.map((w) => w.declaredHosts)).toEqual(open.map((w) => w.declaredHosts));
        for (const w of [...open, ...closed]) expect(w.anyHost).toBe(!w.throughMesh || w.outboundTrafficPolicy.mode === "ALLOW_ANY");
      }),
      RUNS,
    );
  });

  it("Sidecars do nothing to a workload without a sidecar", () => {
    fc.assert(
      fc.property(meshPolicies, ({ entries, sidecars }) => {
        const id = "shop/c[Deployment]";
        const pick = (policies: Policy[]) => resolve(policies).workloads.find((w) => w.workload === id);
        expect(pick([...entries, ...sidecars])).toEqual(pick(entries));
      }),
      RUNS,
    );
  });
});
