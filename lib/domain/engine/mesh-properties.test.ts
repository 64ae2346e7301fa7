/**
 * The engine shares Istio work between sources its policies cannot tell apart, and answers one
 * workload's peers class by class. Both are optimisations: on random small meshes (fast-check,
 * fixed seed) they must give exactly what deciding every pair for its own source gives.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { Policy, Service } from "../model";
import { analyzeMesh, type MeshAnalysis, type MeshInput } from "./mesh";
import { DEFAULT_MESH, np, ns, policy, svc, wl } from "./testing/builders";

const NAMESPACES = [ns("ns1", { team: "x" }), ns("ns2", { team: "y" }), ns("istio-system")];
const app = fc.constantFrom("a", "b", "c");

const workloadsArb = fc
  .array(fc.record({ namespace: fc.constantFrom("ns1", "ns2"), app, sa: fc.constantFrom("a", "b", "default"), sidecar: fc.boolean(), port: fc.constantFrom(8080, 9090) }), {
    minLength: 2,
    maxLength: 6,
  })
  .map((items) => items.map((w, i) => wl(`${w.namespace}/w${i}[Deployment]`, { app: w.app }, { sa: w.sa, sidecar: w.sidecar, ports: [["http", w.port]] })));

const principal = fc.constantFrom("cluster.local/ns/ns1/sa/a", "cluster.local/ns/ns2/sa/b", "cluster.local/ns/ns1/*", "*/sa/default");
const source = fc.oneof(
  fc.record({ principals: fc.array(principal, { minLength: 1, maxLength: 2 }) }),
  fc.record({ notPrincipals: fc.array(principal, { minLength: 1, maxLength: 1 }) }),
  fc.record({ namespaces: fc.constantFrom(["ns1"], ["ns2"], ["ns*"]) }),
  fc.record({ serviceAccounts: fc.constantFrom(["ns1/a"], ["ns2/default"]) }),
);
const operation = fc.oneof(fc.record({ ports: fc.constantFrom(["8080"], ["9090"]) }), fc.record({ methods: fc.constant(["GET"]) }));
const authorizationPolicy = fc.record(
  {
    selector: fc.record({ matchLabels: fc.record({ app }) }),
    action: fc.constantFrom("ALLOW", "DENY"),
    rules: fc.array(fc.record({ from: fc.array(fc.record({ source }), { maxLength: 1 }), to: fc.array(fc.record({ operation }), { maxLength: 1 }) }, { requiredKeys: [] }), { maxLength: 2 }),
  },
  { requiredKeys: ["action"] },
);
const peerAuthentication = fc.record({ mtls: fc.record({ mode: fc.constantFrom("STRICT", "PERMISSIVE", "DISABLE") }) });
const egressNetworkPolicy = fc.record({
  podSelector: fc.oneof(fc.constant({}), fc.record({ matchLabels: fc.record({ app }) })),
  policyTypes: fc.constantFrom(["Egress"], ["Ingress", "Egress"], ["Ingress"]),
  ingress: fc.array(fc.record({ from: fc.constant([{ podSelector: { matchLabels: { app: "a" } } }]) }, { requiredKeys: [] }), { maxLength: 1 }),
  egress: fc.array(fc.record({ to: fc.constant([{ podSelector: { matchLabels: { app: "b" } } }]), ports: fc.constant([{ port: "http" }]) }, { requiredKeys: [] }), { maxLength: 1 }),
});

const policiesArb = fc
  .record({
    aps: fc.array(fc.tuple(fc.constantFrom("ns1", "ns2", "istio-system"), authorizationPolicy), { maxLength: 3 }),
    pas: fc.array(fc.tuple(fc.constantFrom("ns1", "istio-system"), peerAuthentication), { maxLength: 1 }),
    nps: fc.array(fc.tuple(fc.constantFrom("ns1", "ns2"), egressNetworkPolicy), { maxLength: 2 }),
    destinationRule: fc.constantFrom("none", "namespace", "selecting"),
  })
  .map(({ aps, pas, nps, destinationRule }) => {
    const policies: Policy[] = [
      ...aps.map(([namespace, spec], i) => policy("AuthorizationPolicy", namespace, `ap${i}`, spec)),
      ...pas.map(([namespace, spec], i) => policy("PeerAuthentication", namespace, `pa${i}`, spec)),
      ...nps.map(([namespace, spec], i) => np(namespace, `np${i}`, spec)),
    ];
    if (destinationRule === "namespace") policies.push(policy("DestinationRule", "ns1", "dr", { host: "*.ns1.svc.cluster.local", trafficPolicy: { tls: { mode: "DISABLE" } } }, "networking.istio.io/v1"));
    // A rule for some clients only: those of ns2 labelled app=a send plaintext to ns1.
    if (destinationRule === "selecting") {
      policies.push(policy("DestinationRule", "ns2", "dr", { host: "*.ns1.svc.cluster.local", workloadSelector: { matchLabels: { app: "a" } }, trafficPolicy: { tls: { mode: "DISABLE" } } }, "networking.istio.io/v1"));
    }
    return policies;
  });

const SERVICES: Service[] = [svc("ns1/a", { app: "a" }, [["http", 80, 8080]]), svc("ns2/b", { app: "b" }, [["grpc", 90, 9090]])];

/** Every pair's answer, in full: connections, groups and refusals. */
function answers(analysis: MeshAnalysis, n: number): string[] {
  const lines: string[] = [];
  for (let s = 0; s < n; s++) {
    for (let d = 0; d < n; d++) {
      if (s === d) continue;
      const v = analysis.between(s, d);
      const groups = v.groups.map((g) => `${g.connections} ${g.encryption} ${g.authorization} [${g.allowedBy.join(";")}] ${JSON.stringify(g.http ?? null)} ${g.reason}`);
      const refused = v.refused.map((r) => `${r.connections} ${r.reason}`);
      lines.push(`${s}->${d}: ${v.connections} | ${groups.join(" / ")} | ${refused.join(" / ")}`);
    }
  }
  return lines;
}

describe("shared Istio work gives what deciding each pair alone gives", () => {
  it("between: the same connections, groups and refusals for every pair", () => {
    fc.assert(
      fc.property(workloadsArb, policiesArb, (workloads, policies) => {
        const input: MeshInput = { workloads, namespaces: NAMESPACES, services: SERVICES, policies, meshConfig: DEFAULT_MESH };
        // Shared first, so that profiles built for one source are reused for the next.
        const shared = answers(analyzeMesh(input), workloads.length);
        expect(shared).toEqual(answers(analyzeMesh(input, { share: false }), workloads.length));
      }),
      { seed: 20261127, numRuns: 300 },
    );
  });

  it("peersOf and connectionsBetween: what between allows, pair by pair", () => {
    fc.assert(
      fc.property(workloadsArb, policiesArb, (workloads, policies) => {
        const input: MeshInput = { workloads, namespaces: NAMESPACES, services: SERVICES, policies, meshConfig: DEFAULT_MESH };
        const analysis = analyzeMesh(input);
        const reference = analyzeMesh(input, { share: false });
        workloads.forEach((_, s) => {
          const expected = workloads.flatMap((__, d) => {
            const conn = reference.between(s, d).connections;
            return d === s || conn.isEmpty() ? [] : [`${d}: ${conn}`];
          });
          const peers = analysis.peersOf(s).flatMap((group) => group.destinations.map((d) => `${d}: ${group.connections}`));
          expect(peers.sort()).toEqual(expected.sort());
          workloads.forEach((__, d) => expect(analysis.connectionsBetween(s, d).toString()).toBe(reference.between(s, d).connections.toString()));
        });
      }),
      { seed: 20261127, numRuns: 300 },
    );
  });
});
