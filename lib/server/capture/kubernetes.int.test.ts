import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { delimiter, join } from "node:path";
import { afterEach, describe, expect, it, vi } from "vitest";
import { AppError } from "@/lib/domain/errors";
import { readManifests } from "@/lib/domain/manifests";
import { kubeconfigYaml, startKubeApiServer, type KubeApiServer, type KubeApiServerOptions } from "@/lib/server/testing/kube-api-server";
import { captureCluster, type CaptureProgressEvent } from "./kubernetes";

// ---------------------------------------------------------------------------------------------
// Fixtures: objects as the API server stores them

const LAST_APPLIED = "kubectl.kubernetes.io/last-applied-configuration";
const ISTIO_V1 = ["security.istio.io/v1", "networking.istio.io/v1"];

function namespace(name: string, labels: Record<string, string> = {}) {
  return { apiVersion: "v1", kind: "Namespace", metadata: { name, labels } };
}

function deployment(ns: string, name: string) {
  return {
    apiVersion: "apps/v1",
    kind: "Deployment",
    metadata: {
      name,
      namespace: ns,
      uid: `d-${name}`,
      annotations: { team: "payments", [LAST_APPLIED]: '{"apiVersion":"apps/v1","kind":"Deployment"}' },
      managedFields: [{ manager: "kubectl-client-side-apply", operation: "Update" }],
    },
    spec: { selector: { matchLabels: { app: name } }, template: podTemplate(name) },
  };
}

function podTemplate(app: string) {
  return {
    metadata: { labels: { app } },
    spec: { serviceAccountName: app, containers: [{ name: "server", image: `${app}:1`, ports: [{ name: "grpc", containerPort: 7070 }] }] },
  };
}

function replicaSet(ns: string, name: string, deploymentName: string) {
  const owner = { apiVersion: "apps/v1", kind: "Deployment", name: deploymentName, uid: `d-${deploymentName}`, controller: true };
  return {
    apiVersion: "apps/v1",
    kind: "ReplicaSet",
    metadata: { name, namespace: ns, uid: `rs-${name}`, ownerReferences: [owner], annotations: { "deployment.kubernetes.io/revision": "1" } },
    spec: { selector: { matchLabels: { app: deploymentName } }, template: podTemplate(deploymentName) },
  };
}

/** A running pod; with `owner` (a ReplicaSet name) it carries the sidecar Istio injected. */
function pod(ns: string, name: string, owner?: string) {
  const ownerReferences = owner ? [{ apiVersion: "apps/v1", kind: "ReplicaSet", name: owner, uid: `rs-${owner}`, controller: true }] : [];
  const containers = owner ? [{ name: "server", image: "cart:1" }, { name: "istio-proxy", image: "proxyv2:1.24" }] : [{ name: "app", image: "app:1" }];
  return {
    apiVersion: "v1",
    kind: "Pod",
    metadata: { name, namespace: ns, uid: `uid-${name}`, labels: owner ? { app: "cart" } : {}, ownerReferences },
    spec: { containers },
    status: { phase: "Running" },
  };
}

function namespaced(apiVersion: string, kind: string, ns: string, name: string, spec: object = {}) {
  return { apiVersion, kind, metadata: { name, namespace: ns }, spec };
}

/** `count` pods named pod-0000, pod-0001, ... in namespace `load`. */
function manyPods(count: number) {
  return Array.from({ length: count }, (_, i) => pod("load", `pod-${String(i).padStart(4, "0")}`));
}

const SECRET = { apiVersion: "v1", kind: "Secret", metadata: { name: "db", namespace: "shop" }, data: { password: "aHVudGVyMi1zM2NyM3Q=" } };

/** The online shop's cart: a Deployment, its ReplicaSet, two pods with sidecars, and what goes around them. */
const SHOP = [
  namespace("shop", { "istio-injection": "enabled" }),
  namespace("istio-system"),
  deployment("shop", "cart"),
  replicaSet("shop", "cart-7d9c8", "cart"),
  pod("shop", "cart-7d9c8-a", "cart-7d9c8"),
  pod("shop", "cart-7d9c8-b", "cart-7d9c8"),
  namespaced("v1", "Service", "shop", "cart", { selector: { app: "cart" }, ports: [{ name: "grpc", port: 7070, targetPort: 7070 }] }),
  { apiVersion: "v1", kind: "ServiceAccount", metadata: { name: "cart", namespace: "shop" } },
  namespaced("networking.k8s.io/v1", "NetworkPolicy", "shop", "default-deny", { podSelector: {}, policyTypes: ["Ingress"] }),
  namespaced("security.istio.io/v1", "AuthorizationPolicy", "shop", "cart-allow", { selector: { matchLabels: { app: "cart" } }, rules: [{}] }),
  namespaced("security.istio.io/v1", "PeerAuthentication", "istio-system", "default", { mtls: { mode: "STRICT" } }),
  SECRET,
];

// ---------------------------------------------------------------------------------------------
// Helpers

const servers: KubeApiServer[] = [];
const tempDirs: string[] = [];

afterEach(async () => {
  vi.unstubAllEnvs();
  await Promise.all(servers.splice(0).map((s) => s.stop()));
  await Promise.all(tempDirs.splice(0).map((d) => rm(d, { recursive: true, force: true })));
});

async function fakeCluster(options: KubeApiServerOptions): Promise<KubeApiServer> {
  const server = await startKubeApiServer(options);
  servers.push(server);
  return server;
}

/** Writes a kubeconfig to a temporary file and returns its path. */
async function writeKubeconfig(content: string): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), "meshlens-kubeconfig-"));
  tempDirs.push(dir);
  const path = join(dir, "config");
  await writeFile(path, content);
  return path;
}

async function captureError(promise: Promise<unknown>): Promise<AppError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(AppError);
  return error as AppError;
}

/** Request paths (with query) that start with `prefix`. */
const requested = (server: KubeApiServer, prefix: string) => server.requests.map((r) => r.path).filter((p) => p.startsWith(prefix));

// ---------------------------------------------------------------------------------------------

describe("captureCluster", () => {
  it("reads the cluster into typed lists that readManifests turns into workloads, services and policies", async () => {
    const fake = await fakeCluster({ objects: SHOP, servedGroups: ISTIO_V1 });
    const result = await captureCluster({ kubeconfigPath: fake.kubeconfigPath });

    expect(result.context).toBe("test");
    expect(result.server).toBe(fake.url);
    expect(result.coverageGaps).toEqual([]);
    expect(result.files.map((f) => f.path)).toEqual([
      "cluster:/api/v1/namespaces",
      "cluster:/api/v1/pods",
      "cluster:/api/v1/services",
      "cluster:/api/v1/serviceaccounts",
      "cluster:/api/v1/replicationcontrollers",
      "cluster:/apis/apps/v1/deployments",
      "cluster:/apis/apps/v1/replicasets",
      "cluster:/apis/apps/v1/statefulsets",
      "cluster:/apis/apps/v1/daemonsets",
      "cluster:/apis/batch/v1/jobs",
      "cluster:/apis/batch/v1/cronjobs",
      "cluster:/apis/networking.k8s.io/v1/networkpolicies",
      "cluster:/apis/security.istio.io/v1/authorizationpolicies",
      "cluster:/apis/security.istio.io/v1/peerauthentications",
      "cluster:/apis/security.istio.io/v1/requestauthentications",
      "cluster:/apis/networking.istio.io/v1/destinationrules",
      "cluster:/apis/networking.istio.io/v1/sidecars",
      "cluster:/apis/networking.istio.io/v1/serviceentries",
    ]);
    // No `istio` ConfigMap in this cluster: a 404, so no file and no count for it.
    expect(result.counts).toEqual({
      namespaces: 2,
      pods: 2,
      services: 1,
      serviceaccounts: 1,
      replicationcontrollers: 0,
      "deployments.apps": 1,
      "replicasets.apps": 1,
      "statefulsets.apps": 0,
      "daemonsets.apps": 0,
      "jobs.batch": 0,
      "cronjobs.batch": 0,
      "networkpolicies.networking.k8s.io": 1,
      "authorizationpolicies.security.istio.io": 1,
      "peerauthentications.security.istio.io": 1,
      "requestauthentications.security.istio.io": 0,
      "destinationrules.networking.istio.io": 0,
      "sidecars.networking.istio.io": 0,
      "serviceentries.networking.istio.io": 0,
    });

    const read = readManifests(result.files, { maxBytes: 1 << 30 });
    expect(read.workloads.map((w) => ({ id: w.id, pods: w.pods, sidecar: w.sidecar }))).toEqual([
      { id: "shop/cart[Deployment]", pods: 2, sidecar: { injected: true, reason: "istio-proxy container found in pod cart-7d9c8-a" } },
    ]);
    expect(read.services.map((s) => s.id)).toEqual(["shop/cart[Service]"]);
    expect(read.policies.map((p) => p.id)).toEqual([
      "istio-system/default[PeerAuthentication]",
      "shop/cart-allow[AuthorizationPolicy]",
      "shop/default-deny[NetworkPolicy]",
    ]);
    expect(read.namespaces.map((n) => n.name)).toEqual(["istio-system", "shop"]);
    expect(read.serviceAccounts).toEqual(["shop/cart"]);
    expect(read.warnings).toEqual([]);
  });

  it("keeps items as the API returns them, without managedFields and kubectl's last-applied copy", async () => {
    const fake = await fakeCluster({ objects: SHOP, servedGroups: ISTIO_V1 });
    const result = await captureCluster({ kubeconfigPath: fake.kubeconfigPath });

    const file = result.files.find((f) => f.path === "cluster:/apis/apps/v1/deployments");
    const list = JSON.parse(file?.content ?? "{}") as { apiVersion: string; kind: string; items: { metadata: unknown; kind?: string }[] };
    expect(list.apiVersion).toBe("apps/v1");
    expect(list.kind).toBe("DeploymentList");
    expect(list.items).toHaveLength(1);
    expect(list.items[0]?.kind).toBeUndefined(); // the API leaves kind to the list
    expect(list.items[0]?.metadata).toEqual({ name: "cart", namespace: "shop", uid: "d-cart", annotations: { team: "payments" } });
  });

  it("never requests Secrets, and sends the kubeconfig's bearer token", async () => {
    const fake = await fakeCluster({ objects: SHOP, servedGroups: ISTIO_V1 });
    const result = await captureCluster({ kubeconfigPath: fake.kubeconfigPath });

    expect(fake.requests.length).toBeGreaterThan(0);
    expect(fake.requests.filter((r) => r.path.includes("secrets"))).toEqual([]);
    expect(result.files.some((f) => f.content.includes(SECRET.data.password))).toBe(false);
    expect(new Set(fake.requests.map((r) => r.headers.authorization))).toEqual(new Set([`Bearer ${fake.token}`]));
  });

  describe("paging", () => {
    it("follows continue tokens to the end: 1,234 pods in pages of 100 are 13 requests", async () => {
      const fake = await fakeCluster({ objects: [namespace("load"), ...manyPods(1234)], servedGroups: ISTIO_V1 });
      const events: CaptureProgressEvent[] = [];
      const result = await captureCluster({ kubeconfigPath: fake.kubeconfigPath, pageSize: 100, onProgress: (e) => events.push(e) });

      expect(result.counts.pods).toBe(1234);
      const podList = requested(fake, "/api/v1/pods?");
      expect(podList).toHaveLength(13); // 12 full pages and one of 34
      expect(podList[0]).toBe("/api/v1/pods?limit=100");
      expect(podList.every((p) => p.includes("limit=100"))).toBe(true);
      expect(podList.slice(1).every((p) => p.includes("continue="))).toBe(true);

      const items = (JSON.parse(result.files.find((f) => f.path === "cluster:/api/v1/pods")?.content ?? "{}") as { items: { metadata: { name: string } }[] }).items;
      expect(new Set(items.map((i) => i.metadata.name)).size).toBe(1234);

      const podEvents = events.filter((e) => e.resource === "pods");
      expect(podEvents.map((e) => e.objects)).toEqual([100, 200, 300, 400, 500, 600, 700, 800, 900, 1000, 1100, 1200, 1234]);
      expect(podEvents.map((e) => e.done)).toEqual([...Array<boolean>(12).fill(false), true]);
    });

    it("copes with a server that returns fewer items than asked", async () => {
      const fake = await fakeCluster({ objects: manyPods(100), servedGroups: ISTIO_V1, pageLimitMax: 30 });
      const result = await captureCluster({ kubeconfigPath: fake.kubeconfigPath, pageSize: 100 });

      expect(result.counts.pods).toBe(100);
      expect(requested(fake, "/api/v1/pods?")).toHaveLength(4); // 30 + 30 + 30 + 10
    });

    it("restarts a list once when its continue token expires (410 Gone)", async () => {
      const fake = await fakeCluster({
        objects: manyPods(250),
        servedGroups: ISTIO_V1,
        failures: [{ path: "/api/v1/pods", status: 410, continued: true, times: 1 }],
      });
      const result = await captureCluster({ kubeconfigPath: fake.kubeconfigPath, pageSize: 100 });

      // Page 1, page 2 (410), then pages 1, 2 and 3 again.
      expect(requested(fake, "/api/v1/pods?")).toHaveLength(5);
      expect(result.counts.pods).toBe(250); // no page counted twice
      expect(result.coverageGaps).toEqual([]);
    });

    it("records a coverage gap when the continue token expires again after the restart", async () => {
      const fake = await fakeCluster({
        objects: manyPods(250),
        servedGroups: ISTIO_V1,
        failures: [{ path: "/api/v1/pods", status: 410, continued: true, message: "The provided continue parameter is too old" }],
      });
      const result = await captureCluster({ kubeconfigPath: fake.kubeconfigPath, pageSize: 100 });

      expect(requested(fake, "/api/v1/pods?")).toHaveLength(4);
      expect(result.counts.pods).toBeUndefined();
      expect(result.files.some((f) => f.path === "cluster:/api/v1/pods")).toBe(false);
      expect(result.coverageGaps).toEqual([
        {
          resource: "pods",
          reason:
            "cannot list pods in any namespace: the continue token expired twice while paging (410 Gone: The provided continue parameter is too old); a larger page size needs fewer pages",
        },
      ]);
    });
  });

  describe("permissions and what the cluster serves", () => {
    it("records a 403 in one namespace as a coverage gap and still reads the other namespaces", async () => {
      const fake = await fakeCluster({
        objects: [
          namespace("shop"),
          namespace("blog"),
          namespaced("networking.k8s.io/v1", "NetworkPolicy", "shop", "default-deny"),
          namespaced("networking.k8s.io/v1", "NetworkPolicy", "blog", "default-deny"),
        ],
        servedGroups: ISTIO_V1,
        forbidden: [{ resource: "networkpolicies.networking.k8s.io", namespace: "shop" }],
      });
      const result = await captureCluster({ kubeconfigPath: fake.kubeconfigPath, namespaces: ["shop", "blog"] });

      expect(result.coverageGaps).toEqual([
        {
          resource: "networkpolicies.networking.k8s.io",
          namespace: "shop",
          reason:
            'cannot list networkpolicies in namespace shop: forbidden (networkpolicies.networking.k8s.io is forbidden: User "system:serviceaccount:meshlens:meshlens" cannot list resource "networkpolicies" in API group "networking.k8s.io" in the namespace "shop")',
        },
      ]);
      expect(result.counts["networkpolicies.networking.k8s.io"]).toBe(1);
      const read = readManifests(result.files, { maxBytes: 1 << 30 });
      expect(read.policies.map((p) => p.id)).toEqual(["blog/default-deny[NetworkPolicy]"]);
    });

    it("records a forbidden cluster-wide list as a gap without a namespace", async () => {
      const fake = await fakeCluster({ objects: SHOP, servedGroups: ISTIO_V1, forbidden: [{ resource: "pods" }] });
      const result = await captureCluster({ kubeconfigPath: fake.kubeconfigPath });

      expect(result.coverageGaps).toEqual([
        {
          resource: "pods",
          reason:
            'cannot list pods in any namespace: forbidden (pods is forbidden: User "system:serviceaccount:meshlens:meshlens" cannot list resource "pods" in API group "" at the cluster scope)',
        },
      ]);
      expect(result.counts["deployments.apps"]).toBe(1);
    });

    it("reports Istio's resources as not installed when its API groups are not served", async () => {
      const fake = await fakeCluster({ objects: [namespace("shop"), deployment("shop", "cart")] });
      const result = await captureCluster({ kubeconfigPath: fake.kubeconfigPath });

      const security = "not installed in the cluster (the API group security.istio.io is not served)";
      const networking = "not installed in the cluster (the API group networking.istio.io is not served)";
      expect(result.coverageGaps).toEqual([
        { resource: "authorizationpolicies.security.istio.io", reason: security },
        { resource: "peerauthentications.security.istio.io", reason: security },
        { resource: "requestauthentications.security.istio.io", reason: security },
        { resource: "destinationrules.networking.istio.io", reason: networking },
        { resource: "sidecars.networking.istio.io", reason: networking },
        { resource: "serviceentries.networking.istio.io", reason: networking },
      ]);
      expect(fake.requests.filter((r) => r.path.includes("istio.io"))).toEqual([]);
      expect(result.counts["deployments.apps"]).toBe(1);
    });

    it("reads Istio through v1beta1 when the cluster serves no v1 (older Istio)", async () => {
      const fake = await fakeCluster({
        objects: [
          namespace("shop"),
          namespaced("security.istio.io/v1beta1", "AuthorizationPolicy", "shop", "allow-frontend", { rules: [{}] }),
          namespaced("networking.istio.io/v1alpha3", "DestinationRule", "shop", "cart", { host: "cart" }),
        ],
        servedGroups: ["networking.istio.io/v1beta1"],
      });
      const result = await captureCluster({ kubeconfigPath: fake.kubeconfigPath });

      expect(result.coverageGaps).toEqual([]);
      const istioLists = fake.requests.map((r) => r.path).filter((p) => p.includes("istio.io") && p.includes("?"));
      expect(istioLists).toEqual([
        "/apis/security.istio.io/v1beta1/authorizationpolicies?limit=500",
        "/apis/security.istio.io/v1beta1/peerauthentications?limit=500",
        "/apis/security.istio.io/v1beta1/requestauthentications?limit=500",
        // v1beta1 is preferred over v1alpha3 when both are served.
        "/apis/networking.istio.io/v1beta1/destinationrules?limit=500",
        "/apis/networking.istio.io/v1beta1/sidecars?limit=500",
        "/apis/networking.istio.io/v1beta1/serviceentries?limit=500",
      ]);
      const read = readManifests(result.files, { maxBytes: 1 << 30 });
      expect(read.policies.map((p) => ({ id: p.id, apiVersion: p.apiVersion }))).toEqual([
        { id: "shop/allow-frontend[AuthorizationPolicy]", apiVersion: "security.istio.io/v1beta1" },
        { id: "shop/cart[DestinationRule]", apiVersion: "networking.istio.io/v1beta1" },
      ]);
    });

    it("with namespaces given, reads only those namespaces, each list per namespace", async () => {
      const fake = await fakeCluster({
        objects: [namespace("shop", { "istio-injection": "enabled" }), namespace("blog"), deployment("shop", "cart"), deployment("blog", "ghost")],
        servedGroups: ISTIO_V1,
      });
      const result = await captureCluster({ kubeconfigPath: fake.kubeconfigPath, namespaces: ["shop", "nope"] });

      expect(requested(fake, "/api/v1/namespaces/shop")[0]).toBe("/api/v1/namespaces/shop");
      const lists = fake.requests.map((r) => r.path).filter((p) => p.includes("?limit="));
      expect(lists).toHaveLength(17); // 11 built-in resources + 6 Istio ones, in shop only
      expect(lists.every((p) => p.includes("/namespaces/shop/"))).toBe(true);
      expect(result.coverageGaps).toEqual([{ resource: "namespaces", namespace: "nope", reason: "namespace nope does not exist" }]);
      expect(result.files[0]?.path).toBe("cluster:/api/v1/namespaces/shop");
      expect(result.counts.namespaces).toBe(1);

      const read = readManifests(result.files, { maxBytes: 1 << 30 });
      // The reader adds kubernetes.io/metadata.name, as the API server does to every namespace.
      expect(read.namespaces).toEqual([
        { name: "shop", labels: { "istio-injection": "enabled", "kubernetes.io/metadata.name": "shop" }, declared: true },
      ]);
      expect(read.workloads.map((w) => w.id)).toEqual(["shop/cart[Deployment]"]);
    });

    it("reads the mesh config from the ConfigMap istio, and no other ConfigMap", async () => {
      const mesh = "rootNamespace: istio-config\noutboundTrafficPolicy:\n  mode: REGISTRY_ONLY\n";
      const fake = await fakeCluster({
        objects: [
          namespace("istio-system"),
          { apiVersion: "v1", kind: "ConfigMap", metadata: { name: "istio", namespace: "istio-system" }, data: { mesh } },
          { apiVersion: "v1", kind: "ConfigMap", metadata: { name: "istio-ca-root-cert", namespace: "istio-system" }, data: { "root-cert.pem": "x" } },
        ],
        servedGroups: ISTIO_V1,
      });
      const result = await captureCluster({ kubeconfigPath: fake.kubeconfigPath });

      expect(fake.requests.map((r) => r.path).filter((p) => p.includes("configmaps"))).toEqual(["/api/v1/namespaces/istio-system/configmaps/istio"]);
      expect(result.counts.configmaps).toBe(1);
      expect(readManifests(result.files, { maxBytes: 1 << 30 }).meshConfig).toEqual({
        source: "istio-system/istio[ConfigMap]",
        rootNamespace: "istio-config",
        outboundTrafficPolicy: "REGISTRY_ONLY",
      });
    });
  });

  describe("an API server under stress", () => {
    it("waits as long as Retry-After says after a 429, then succeeds", async () => {
      const fake = await fakeCluster({
        objects: SHOP,
        servedGroups: ISTIO_V1,
        failures: [{ path: "/apis/apps/v1/deployments", status: 429, retryAfterSeconds: 1, times: 1 }],
      });
      const result = await captureCluster({ kubeconfigPath: fake.kubeconfigPath });

      expect(result.counts["deployments.apps"]).toBe(1);
      const attempts = fake.requests.filter((r) => r.path.startsWith("/apis/apps/v1/deployments?"));
      expect(attempts).toHaveLength(2);
      // The retry cannot arrive before the 429 was sent plus one second (10 ms for timer rounding).
      expect((attempts[1]?.at ?? 0) - (attempts[0]?.at ?? 0)).toBeGreaterThanOrEqual(990);
    });

    it("retries server errors: two 500s, then the list is read", async () => {
      const fake = await fakeCluster({
        objects: SHOP,
        servedGroups: ISTIO_V1,
        failures: [{ path: "/api/v1/services", status: 500, times: 2 }],
      });
      const result = await captureCluster({ kubeconfigPath: fake.kubeconfigPath });

      expect(requested(fake, "/api/v1/services?")).toHaveLength(3);
      expect(result.counts.services).toBe(1);
      expect(result.coverageGaps).toEqual([]);
    });

    it("fails as unavailable, naming the path, when the server keeps failing", async () => {
      const fake = await fakeCluster({ objects: SHOP, servedGroups: ISTIO_V1, failures: [{ path: "/api/v1/services", status: 503 }] });
      const error = await captureError(captureCluster({ kubeconfigPath: fake.kubeconfigPath, retries: 2 }));

      expect(error.code).toBe("unavailable");
      expect(error.message).toBe(`the Kubernetes API server ${fake.url} failed GET /api/v1/services (3 attempts): HTTP 503: injected failure 503`);
      expect(requested(fake, "/api/v1/services?")).toHaveLength(3);
    });

    it("gives up on a request that hangs after the timeout and the retries", async () => {
      const fake = await fakeCluster({ objects: SHOP, servedGroups: ISTIO_V1, failures: [{ path: "/api/v1/services", hangMs: 10_000 }] });
      const error = await captureError(captureCluster({ kubeconfigPath: fake.kubeconfigPath, timeoutMs: 200, retries: 1 }));

      expect(error.code).toBe("unavailable");
      expect(error.message).toBe(`the Kubernetes API server ${fake.url} failed GET /api/v1/services (2 attempts): ETIMEDOUT: no answer within 200 ms`);
      expect(requested(fake, "/api/v1/services?")).toHaveLength(2);
    });

    it("keeps at most `concurrency` requests in flight", async () => {
      const one = await fakeCluster({ objects: SHOP, servedGroups: ISTIO_V1, latencyMs: 20 });
      await captureCluster({ kubeconfigPath: one.kubeconfigPath, concurrency: 1 });
      expect(one.peakInFlight()).toBe(1);

      const three = await fakeCluster({ objects: SHOP, servedGroups: ISTIO_V1, latencyMs: 20 });
      await captureCluster({ kubeconfigPath: three.kubeconfigPath, concurrency: 3 });
      expect(three.peakInFlight()).toBe(3);
    });

    it("stops when the caller's signal aborts", async () => {
      const fake = await fakeCluster({ objects: SHOP, failures: [{ path: "/apis", hangMs: 10_000 }] });
      await expect(captureCluster({ kubeconfigPath: fake.kubeconfigPath, signal: AbortSignal.timeout(200) })).rejects.toMatchObject({
        name: "TimeoutError",
      });
      expect(fake.requests).toHaveLength(1);
    });
  });

  describe("credentials", () => {
    it("fails as unauthorized when the API server refuses the token, without repeating it", async () => {
      const fake = await fakeCluster({ objects: SHOP });
      const wrongToken = "expired-token-0123456789";
      const kubeconfigPath = await writeKubeconfig(kubeconfigYaml({ server: fake.url, token: wrongToken }));
      const error = await captureError(captureCluster({ kubeconfigPath }));

      expect(error.code).toBe("unauthorized");
      expect(error.message).toBe("the API server refused the credentials of context test (401 Unauthorized: Unauthorized)");
      expect(error.message).not.toContain(wrongToken);
      expect(fake.requests.map((r) => r.path)).toEqual(["/apis"]); // nothing listed after discovery failed
    });

    it("never repeats the token, even when the server's message quotes it", async () => {
      const token = "echoed-token-5e6f7a8b9c";
      const echo = await fakeCluster({
        objects: SHOP,
        servedGroups: ISTIO_V1,
        token,
        failures: [{ path: "/api/v1/pods", status: 503, message: `proxy refused Authorization: Bearer ${token}` }],
      });
      const error = await captureError(captureCluster({ kubeconfigPath: echo.kubeconfigPath, retries: 0 }));

      expect(error.message).toBe(`the Kubernetes API server ${echo.url} failed GET /api/v1/pods (1 attempt): HTTP 503: proxy refused Authorization: Bearer [redacted]`);
      expect(error.message).not.toContain(token);
    });

    it("returns the server URL without userinfo", async () => {
      const fake = await fakeCluster({ objects: SHOP, servedGroups: ISTIO_V1 });
      const withUserinfo = fake.url.replace("http://", "http://admin:hunter2@");
      const kubeconfigPath = await writeKubeconfig(kubeconfigYaml({ server: withUserinfo, token: fake.token }));
      const result = await captureCluster({ kubeconfigPath });

      expect(result.server).toBe(fake.url);
      expect(JSON.stringify({ ...result, files: [] })).not.toMatch(/hunter2|kube-test-token/);
    });

    it("refuses an unknown context, listing the kubeconfig's contexts", async () => {
      const fake = await fakeCluster({ objects: SHOP });
      const error = await captureError(captureCluster({ kubeconfigPath: fake.kubeconfigPath, context: "prod" }));

      expect(error.code).toBe("bad_request");
      expect(error.message).toBe("unknown context prod: the kubeconfig has: test");
      expect(fake.requests).toEqual([]);
    });

    it("merges the files of KUBECONFIG as kubectl does: missing files skipped, the first current-context wins", async () => {
      const fake = await fakeCluster({ objects: SHOP, servedGroups: ISTIO_V1 });
      const other = await writeKubeconfig(kubeconfigYaml({ server: fake.url, token: fake.token, context: "other" }));
      vi.stubEnv("KUBECONFIG", [join(tmpdir(), "meshlens-no-such-kubeconfig"), other, fake.kubeconfigPath].join(delimiter));

      expect((await captureCluster({})).context).toBe("other");
      expect((await captureCluster({ context: "test" })).context).toBe("test");
    });

    it("refuses invalid options", async () => {
      const error = await captureError(captureCluster({ kubeconfigPath: "/nonexistent", pageSize: 0 }));

      expect(error.code).toBe("bad_request");
      expect(error.message).toBe("invalid capture option pageSize: Too small: expected number to be >=1");
    });
  });
});
