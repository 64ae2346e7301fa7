import { describe, expect, it } from "vitest";
import { readManifests } from "./read-manifests";
import { catchAppError, DEPLOYMENT_FRONTEND, NAMESPACE_SHOP_INJECTED, readYaml } from "./test-helpers";

const SERVICE_FRONTEND = `
apiVersion: v1
kind: Service
metadata: { name: frontend, namespace: shop }
spec:
  selector: { app: frontend }
  ports: [{ name: http, port: 80, targetPort: http }]
`;

const NETPOL_DENY = `
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: { name: default-deny, namespace: shop }
spec: { podSelector: {}, policyTypes: [Ingress] }
`;

describe("readManifests", () => {
  it("reads a multi-document YAML file into sorted namespaces, workloads, services and policies", () => {
    const read = readYaml(NETPOL_DENY, SERVICE_FRONTEND, DEPLOYMENT_FRONTEND, NAMESPACE_SHOP_INJECTED);
    expect(read.namespaces).toEqual([
      { name: "shop", labels: { "istio-injection": "enabled", "kubernetes.io/metadata.name": "shop" }, declared: true },
    ]);
    expect(read.workloads.map((w) => [w.id, w.sidecar.injected])).toEqual([["shop/frontend[Deployment]", true]]);
    expect(read.services).toEqual([
      {
        id: "shop/frontend[Service]",
        namespace: "shop",
        name: "frontend",
        type: "ClusterIP",
        selector: { app: "frontend" },
        ports: [{ name: "http", port: 80, targetPort: "http", protocol: "TCP" }],
      },
    ]);
    expect(read.policies).toEqual([
      {
        id: "shop/default-deny[NetworkPolicy]",
        kind: "NetworkPolicy",
        apiVersion: "networking.k8s.io/v1",
        namespace: "shop",
        name: "default-deny",
        object: {
          apiVersion: "networking.k8s.io/v1",
          kind: "NetworkPolicy",
          metadata: { name: "default-deny", namespace: "shop" },
          spec: { podSelector: {}, policyTypes: ["Ingress"] },
        },
      },
    ]);
    expect(read.meshConfig).toEqual({ source: null, rootNamespace: "istio-system", outboundTrafficPolicy: "ALLOW_ANY" });
    expect(read.warnings).toEqual([]);
    expect(read.serviceAccounts).toEqual([]);
  });

  it("reads JSON files, and YAML and JSON files together", () => {
    const json = JSON.stringify({ apiVersion: "v1", kind: "Namespace", metadata: { name: "blog", labels: { team: "content" } } });
    const read = readManifests([
      { path: "blog.json", content: json },
      { path: "shop.yaml", content: NAMESPACE_SHOP_INJECTED },
    ]);
    expect(read.namespaces.map((n) => [n.name, n.labels.team ?? null])).toEqual([
      ["blog", "content"],
      ["shop", null],
    ]);
  });

  it("expands kind: List (kubectl get -o yaml), numbering items in messages", () => {
    const list = `
apiVersion: v1
kind: List
items:
  - { apiVersion: v1, kind: ServiceAccount, metadata: { name: frontend, namespace: shop } }
  - { apiVersion: v1, kind: ServiceAccount, metadata: { name: cart, namespace: shop } }
  - { apiVersion: networking.k8s.io/v1, kind: Ingress, metadata: { name: web, namespace: shop } }
metadata: { resourceVersion: "" }
`;
    const read = readYaml(list);
    expect(read.serviceAccounts).toEqual(["shop/cart", "shop/frontend"]);
    expect(read.warnings).toEqual([
      { file: "test.yaml", document: 1, message: "item 3: skipped Ingress shop/web: not used by Meshlens" },
    ]);
    const broken = list.replace("name: cart,", "name: 42,");
    expect(catchAppError(() => readYaml(broken)).message).toBe(
      "test.yaml, document 1, item 2 (ServiceAccount): metadata.name: expected a string, found number 42",
    );
  });

  it("expands typed lists (PodList, as the API returns them) whose items omit apiVersion and kind", () => {
    const podList = JSON.stringify({
      apiVersion: "v1",
      kind: "ServiceAccountList",
      items: [{ metadata: { name: "default", namespace: "shop" } }],
    });
    expect(readYaml(podList).serviceAccounts).toEqual(["shop/default"]);
  });

  it("reads Helm output: # Source comments and empty templates are skipped", () => {
    const helm = `---
# Source: shop/templates/pdb.yaml
# (disabled)
---
# Source: shop/templates/service.yaml
${SERVICE_FRONTEND}---
# Source: shop/templates/deployment.yaml
${DEPLOYMENT_FRONTEND}`;
    const read = readManifests([{ path: "rendered.yaml", content: helm }]);
    expect(read.services.map((s) => s.id)).toEqual(["shop/frontend[Service]"]);
    expect(read.workloads.map((w) => w.id)).toEqual(["shop/frontend[Deployment]"]);
    expect(read.warnings).toEqual([]);
  });

  it("skips unknown kinds, and known kind names from other API groups, with a warning", () => {
    const read = readYaml(
      "apiVersion: autoscaling/v2\nkind: HorizontalPodAutoscaler\nmetadata: { name: web, namespace: shop }\n",
      "apiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRole\nmetadata: { name: reader }\n",
      "apiVersion: cilium.io/v2\nkind: NetworkPolicy\nmetadata: { name: l7, namespace: shop }\n",
    );
    expect(read.policies).toEqual([]);
    expect(read.warnings.map((w) => [w.document, w.message])).toEqual([
      [1, "skipped HorizontalPodAutoscaler shop/web: not used by Meshlens"],
      [2, "skipped ClusterRole reader: not used by Meshlens"],
      [
        3,
        "skipped NetworkPolicy shop/l7: apiVersion cilium.io/v2 is not used by Meshlens (it reads NetworkPolicy from networking.k8s.io/v1, extensions/v1beta1)",
      ],
    ]);
    // Skipped objects do not make their namespace appear.
    expect(read.namespaces).toEqual([]);
  });

  it("never keeps a Secret, not even a malformed one", () => {
    const read = readYaml(
      "apiVersion: v1\nkind: Secret\nmetadata: { name: db, namespace: shop }\ndata: { password: aHVudGVyMg== }\n",
      "apiVersion: v1\nkind: Secret\nmetadata: 7\nstringData: { token: hunter2 }\n",
    );
    expect(read.warnings.map((w) => w.message)).toEqual([
      "Secret shop/db skipped: Meshlens never reads or stores secrets",
      "Secret (unnamed) skipped: Meshlens never reads or stores secrets",
    ]);
    expect(JSON.stringify(read)).not.toMatch(/aHVudGVyMg|hunter2/);
  });

  it("skips ConfigMaps other than Istio's mesh config with a warning", () => {
    const read = readYaml(
      "apiVersion: v1\nkind: ConfigMap\nmetadata: { name: settings, namespace: shop }\ndata: { a: b }\n",
      "apiVersion: v1\nkind: ConfigMap\nmetadata: { name: istio-ca-root-cert, namespace: istio-system }\ndata: { root-cert.pem: x }\n",
    );
    expect(read.warnings.map((w) => w.message)).toEqual([
      "ConfigMap shop/settings skipped: only Istio's mesh config (istio-system/istio) is read",
      "ConfigMap istio-system/istio-ca-root-cert skipped: only Istio's mesh config (istio-system/istio) is read",
    ]);
  });

  it("keeps the last of duplicate objects and warns", () => {
    const read = readManifests([
      { path: "a.yaml", content: SERVICE_FRONTEND },
      { path: "b.yaml", content: `${NAMESPACE_SHOP_INJECTED}---\n${SERVICE_FRONTEND.replace("port: 80,", "port: 8080,")}` },
    ]);
    expect(read.services.map((s) => s.ports[0]!.port)).toEqual([8080]);
    expect(read.warnings).toEqual([
      {
        file: "b.yaml",
        document: 2,
        message: "duplicate Service shop/frontend (also in a.yaml, document 1): the last one read is used",
      },
    ]);
  });

  it("lists namespaces referenced but not declared, with only the automatic name label", () => {
    const read = readYaml(SERVICE_FRONTEND, "apiVersion: v1\nkind: ServiceAccount\nmetadata: { name: robot }\n");
    expect(read.namespaces).toEqual([
      { name: "default", labels: { "kubernetes.io/metadata.name": "default" }, declared: false },
      { name: "shop", labels: { "kubernetes.io/metadata.name": "shop" }, declared: false },
    ]);
    expect(read.serviceAccounts).toEqual(["default/robot"]);
  });

  it("keeps policies verbatim, Istio ones included", () => {
    const authz = `
apiVersion: security.istio.io/v1
kind: AuthorizationPolicy
metadata: { name: allow-frontend, namespace: shop, annotations: { note: "kept as is" } }
spec:
  selector: { matchLabels: { app: cart } }
  rules: [{ from: [{ source: { principals: ["cluster.local/ns/shop/sa/frontend"] } }] }]
`;
    const [policy] = readYaml(authz).policies;
    expect(policy).toMatchObject({ id: "shop/allow-frontend[AuthorizationPolicy]", apiVersion: "security.istio.io/v1" });
    expect(policy!.object.spec).toEqual({
      selector: { matchLabels: { app: "cart" } },
      rules: [{ from: [{ source: { principals: ["cluster.local/ns/shop/sa/frontend"] } }] }],
    });
  });
});

describe("readManifests errors", () => {
  it("names file, document, object and field path for schema problems", () => {
    const bad = DEPLOYMENT_FRONTEND.replace("containerPort: 8080", "containerPort: 80800");
    const error = catchAppError(() => readManifests([{ path: "deploy.yaml", content: `${NAMESPACE_SHOP_INJECTED}---\n${bad}` }]));
    expect(error.code).toBe("invalid_manifest");
    expect(error.message).toBe(
      "deploy.yaml, document 2 (Deployment shop/frontend): spec.template.spec.containers[0].ports[0].containerPort: expected a number 1-65535",
    );
    expect(error.details).toEqual({
      file: "deploy.yaml",
      document: 2,
      object: "Deployment shop/frontend",
      field: "spec.template.spec.containers[0].ports[0].containerPort",
      line: 19, // the `ports:` line of the Deployment, the second document
    });
  });

  it("names missing fields and quotes odd keys", () => {
    const noName = "apiVersion: v1\nkind: Service\nmetadata: { namespace: shop }\n";
    expect(catchAppError(() => readYaml(noName)).message).toBe(
      "test.yaml, document 1 (Service): metadata.name: missing (expected a string)",
    );
    const boolLabel = "apiVersion: v1\nkind: Namespace\nmetadata: { name: shop, labels: { app.kubernetes.io/managed: true } }\n";
    expect(catchAppError(() => readYaml(boolLabel)).message).toBe(
      'test.yaml, document 1 (Namespace shop): metadata.labels["app.kubernetes.io/managed"]: expected a string, found boolean (quote values such as "true" or "8080")',
    );
  });

  it("refuses documents that are not Kubernetes objects", () => {
    expect(catchAppError(() => readYaml("- a\n- b\n")).message).toMatch(
      /^test\.yaml, document 1: not a Kubernetes object: found a list\. /,
    );
    expect(catchAppError(() => readYaml("replicaCount: 3\nimage: { tag: v1 }\n")).message).toMatch(
      /^test\.yaml, document 1: not a Kubernetes object: apiVersion is missing\. /,
    );
    expect(catchAppError(() => readYaml("apiVersion: v1\nkind: List\n")).message).toBe(
      "test.yaml, document 1 (List): items: expected a list",
    );
  });

  it("refuses input over the size limit before parsing it", () => {
    const big = [{ path: "big.yaml", content: `# ${"x".repeat(2048)}\n` }];
    const error = catchAppError(() => readManifests(big, { maxBytes: 1024 }));
    expect(error.code).toBe("payload_too_large");
    expect(error.message).toBe(
      "The manifests are too large: the input is 2.0 KiB, the limit is 1.0 KiB. Import fewer files at a time, or raise MESHLENS_MAX_UPLOAD_MB.",
    );
  });

  it("has a 64 MiB default limit, counted in UTF-8 bytes", () => {
    // 22 million 3-byte characters: under 64 Mi characters, over 64 MiB.
    const error = catchAppError(() => readManifests([{ path: "big.yaml", content: "€".repeat(22_500_000) }]));
    expect(error.code).toBe("payload_too_large");
    expect(error.message).toContain("the input is 64.4 MiB, the limit is 64.0 MiB");
  });
});
