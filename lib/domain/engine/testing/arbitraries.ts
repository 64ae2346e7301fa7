/**
 * Random small meshes for property tests (fast-check): up to six workloads in two namespaces,
 * with AuthorizationPolicies (exact and pattern principals, namespaces, service accounts),
 * PeerAuthentications, NetworkPolicies with egress and named ports, and DestinationRules.
 */
import fc from "fast-check";
import type { Policy, Service } from "../../model";
import { np, ns, policy, svc, wl } from "./builders";

export const NAMESPACES = [ns("ns1", { team: "x" }), ns("ns2", { team: "y" }), ns("istio-system")];
const app = fc.constantFrom("a", "b", "c");

export const workloadsArb = fc
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

export const policiesArb = fc
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

export const SERVICES: Service[] = [svc("ns1/a", { app: "a" }, [["http", 80, 8080]]), svc("ns2/b", { app: "b" }, [["grpc", 90, 9090]])];


/** 300 runs take about 2 s on an idle 2-core machine; a busy one (the suite in parallel) needs headroom. */
export const PROPERTY_TIMEOUT = 60_000;
