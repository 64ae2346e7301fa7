/**
 * Deterministic synthetic clusters for benchmarks: namespaces of Deployments with Services,
 * NetworkPolicies and Istio AuthorizationPolicies shaped like real ones. Same seed, same output.
 */
import { stringify } from "yaml";

export interface GenerateOptions {
  workloads: number;
  policies: number;
  namespaces: number;
  seed?: number;
  /** Share of `policies` that are NetworkPolicies (the rest are AuthorizationPolicies); default 0.5. */
  networkPolicyShare?: number;
  /**
   * Add a default-deny ingress NetworkPolicy to every tenth namespace, and an egress lockdown to
   * every twentieth (not counted in `policies`).
   */
  defaultDeny?: boolean;
}

/** mulberry32: a small, fast, seeded PRNG. */
function rng(seed: number) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Multi-document YAML, one `---`-separated object per workload, service and policy. */
export function generateManifests(options: GenerateOptions): string {
  return generateObjects(options)
    .map((d) => stringify(d))
    .join("---\n");
}

/** The objects of {@link generateManifests}: namespaces, Deployments with Services, policies. */
export function generateObjects(options: GenerateOptions): Record<string, unknown>[] {
  const random = rng(options.seed ?? 42);
  const pick = <T>(items: T[]) => items[Math.floor(random() * items.length)]!;
  const docs: Record<string, unknown>[] = [];
  const ns = (i: number) => `team-${String(i).padStart(3, "0")}`;
  for (let i = 0; i < options.namespaces; i++) {
    docs.push({
      apiVersion: "v1",
      kind: "Namespace",
      metadata: { name: ns(i), labels: { "istio-injection": i % 10 === 0 ? "disabled" : "enabled", team: `t${i % 17}` } },
    });
  }
  if (options.defaultDeny) {
    for (let i = 0; i < options.namespaces; i += 10) {
      docs.push({
        apiVersion: "networking.k8s.io/v1",
        kind: "NetworkPolicy",
        metadata: { name: "default-deny", namespace: ns(i) },
        spec: { podSelector: {}, policyTypes: ["Ingress"] },
      });
    }
    // Egress locked down too in every twentieth namespace: its own namespace, the team's, and DNS.
    for (let i = 5; i < options.namespaces; i += 20) {
      docs.push({
        apiVersion: "networking.k8s.io/v1",
        kind: "NetworkPolicy",
        metadata: { name: "egress-lockdown", namespace: ns(i) },
        spec: {
          podSelector: {},
          policyTypes: ["Egress"],
          egress: [
            { to: [{ podSelector: {} }, { namespaceSelector: { matchLabels: { team: `t${i % 17}` } } }] },
            { to: [{ namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "kube-system" } } }], ports: [{ protocol: "UDP", port: 53 }, { protocol: "TCP", port: 53 }] },
          ],
        },
      });
    }
  }
  const apps: { ns: string; app: string }[] = [];
  for (let i = 0; i < options.workloads; i++) {
    const namespace = ns(i % options.namespaces);
    const app = `svc-${i}`;
    apps.push({ ns: namespace, app });
    docs.push({
      apiVersion: "apps/v1",
      kind: "Deployment",
      metadata: { name: app, namespace, labels: { app } },
      spec: {
        replicas: 2,
        selector: { matchLabels: { app } },
        template: {
          metadata: { labels: { app, version: "v1", tier: pick(["web", "api", "data"]) } },
          spec: {
            serviceAccountName: app,
            containers: [
              {
                name: "main",
                image: `registry.example/${app}:1.0.${i}`,
                ports: [
                  { name: "http", containerPort: 8080, protocol: "TCP" },
                  { name: "grpc", containerPort: 9090, protocol: "TCP" },
                ],
              },
            ],
          },
        },
      },
    });
    docs.push({
      apiVersion: "v1",
      kind: "Service",
      metadata: { name: app, namespace },
      spec: { selector: { app }, ports: [{ name: "http", port: 80, targetPort: "http" }, { name: "grpc", port: 9090, targetPort: 9090 }] },
    });
  }
  for (let i = 0; i < options.policies; i++) {
    const target = pick(apps);
    const caller = pick(apps);
    const share = options.networkPolicyShare ?? 0.5;
    if (Math.floor((i + 1) * share) > Math.floor(i * share)) {
      docs.push({
        apiVersion: "networking.k8s.io/v1",
        kind: "NetworkPolicy",
        metadata: { name: `allow-${i}`, namespace: target.ns },
        spec: {
          podSelector: { matchLabels: { app: target.app } },
          policyTypes: ["Ingress"],
          ingress: [
            {
              from: [{ namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": caller.ns } }, podSelector: { matchLabels: { app: caller.app } } }],
              ports: [{ protocol: "TCP", port: "http" }, { protocol: "TCP", port: 9090 }],
            },
          ],
        },
      });
    } else {
      docs.push({
        apiVersion: "security.istio.io/v1",
        kind: "AuthorizationPolicy",
        metadata: { name: `allow-${i}`, namespace: target.ns },
        spec: {
          selector: { matchLabels: { app: target.app } },
          action: "ALLOW",
          rules: [
            {
              from: [{ source: { principals: [`cluster.local/ns/${caller.ns}/sa/${caller.app}`] } }],
              to: [{ operation: { methods: ["GET", "POST"], paths: ["/api/*"], ports: ["8080"] } }],
            },
          ],
        },
      });
    }
  }
  return docs;
}
