import { describe, expect, it } from "vitest";
import type { PodShape } from "./pod-shape";
import { predictSidecar, sidecarFromPods, type NamespaceFacts } from "./sidecar";
import { pod, readYaml } from "./test-helpers";

const template = (overrides: Partial<PodShape> = {}): PodShape => ({
  labels: { app: "web" },
  serviceAccount: "default",
  ports: [],
  hostNetwork: false,
  istioProxy: false,
  ...overrides,
});
const ns = (name: string, labels: Record<string, string> = {}, declared = true): NamespaceFacts => ({
  name,
  labels,
  declared,
});
const predict = (shape: PodShape, namespace: NamespaceFacts) => predictSidecar(shape, namespace, "istio-system");

describe("predictSidecar (Istio's injection rules, first match decides)", () => {
  it("namespace istio-injection=enabled injects", () => {
    expect(predict(template(), ns("shop", { "istio-injection": "enabled" }))).toEqual({
      injected: true,
      reason: "namespace shop has istio-injection=enabled",
    });
  });

  it("namespace istio-injection=disabled wins over a pod asking for injection", () => {
    const shape = template({ labels: { "sidecar.istio.io/inject": "true" } });
    expect(predict(shape, ns("shop", { "istio-injection": "disabled" }))).toEqual({
      injected: false,
      reason: "namespace shop has istio-injection=disabled",
    });
  });

  it("another istio-injection value matches no webhook, so nothing is injected", () => {
    const result = predict(template({ labels: { "sidecar.istio.io/inject": "true" } }), ns("shop", { "istio-injection": "true" }));
    expect(result.injected).toBe(false);
    expect(result.reason).toBe('namespace shop has istio-injection="true": only "enabled" turns injection on');
  });

  it("namespace istio.io/rev injects (revision-based install)", () => {
    expect(predict(template(), ns("shop", { "istio.io/rev": "1-22" }))).toEqual({
      injected: true,
      reason: "namespace shop has istio.io/rev=1-22",
    });
  });

  it("pod label sidecar.istio.io/inject=false opts out of an enabled namespace", () => {
    const shape = template({ labels: { "sidecar.istio.io/inject": "false" } });
    expect(predict(shape, ns("shop", { "istio-injection": "enabled" }))).toEqual({
      injected: false,
      reason: 'pod template has the sidecar.istio.io/inject="false" label',
    });
  });

  it("the older annotation opts out too, but the label wins when both are set", () => {
    const enabled = ns("shop", { "istio-injection": "enabled" });
    expect(predict(template({ injectAnnotation: "false" }), enabled)).toEqual({
      injected: false,
      reason: 'pod template has the sidecar.istio.io/inject="false" annotation',
    });
    const both = template({ labels: { "sidecar.istio.io/inject": "true" }, injectAnnotation: "false" });
    expect(predict(both, enabled).injected).toBe(true);
  });

  it("pod label sidecar.istio.io/inject=true injects in an unlabelled namespace", () => {
    const shape = template({ labels: { "sidecar.istio.io/inject": "true" } });
    expect(predict(shape, ns("shop"))).toEqual({
      injected: true,
      reason: "pod template has the sidecar.istio.io/inject=true label",
    });
  });

  it("the annotation alone does not trigger the webhook (selectors match labels only)", () => {
    expect(predict(template({ injectAnnotation: "true" }), ns("shop")).injected).toBe(false);
  });

  it("pod label istio.io/rev injects in an unlabelled namespace", () => {
    expect(predict(template({ labels: { "istio.io/rev": "canary" } }), ns("shop"))).toEqual({
      injected: true,
      reason: "pod template has the istio.io/rev=canary label",
    });
  });

  it("nothing asked: not injected (enableNamespacesByDefault is off)", () => {
    expect(predict(template(), ns("shop"))).toEqual({
      injected: false,
      reason: "no injection label on namespace shop or the pod template (Istio injects only where asked)",
    });
  });

  it("says so when the namespace is not in the input", () => {
    expect(predict(template(), ns("shop", {}, false)).reason).toBe(
      "no injection label on the pod template, and namespace shop is not in the input (its labels are unknown)",
    );
  });

  it("never injects host-network pods", () => {
    const result = predict(template({ hostNetwork: true }), ns("shop", { "istio-injection": "enabled" }));
    expect(result).toEqual({
      injected: false,
      reason: "pods use hostNetwork: Istio never injects a sidecar into host-network pods",
    });
  });

  it("never injects in kube-system, kube-public, kube-node-lease or the root namespace", () => {
    const asked = template({ labels: { "sidecar.istio.io/inject": "true" } });
    for (const name of ["kube-system", "kube-public", "kube-node-lease"]) {
      expect(predict(asked, ns(name, { "istio-injection": "enabled" }))).toEqual({
        injected: false,
        reason: `namespace ${name} is a Kubernetes system namespace: Istio never injects there`,
      });
    }
    expect(predict(asked, ns("istio-system")).reason).toBe(
      "namespace istio-system is Istio's root namespace: Istio never injects there",
    );
    expect(predictSidecar(asked, ns("mesh-root"), "mesh-root").injected).toBe(false);
  });

  it("ambient mode means no sidecar", () => {
    expect(predict(template(), ns("shop", { "istio.io/dataplane-mode": "ambient" }))).toEqual({
      injected: false,
      reason: "namespace shop has istio.io/dataplane-mode=ambient: ambient mode (not a sidecar)",
    });
  });

  it("an explicit sidecar request still wins in an ambient namespace (the webhook ignores ambient)", () => {
    const both = ns("shop", { "istio.io/dataplane-mode": "ambient", "istio-injection": "enabled" });
    expect(predict(template(), both).injected).toBe(true);
  });

  it("a template that already has istio-proxy (istioctl kube-inject) is injected", () => {
    expect(predict(template({ istioProxy: true }), ns("shop"))).toEqual({
      injected: true,
      reason: "the pod template already has an istio-proxy container (manual injection)",
    });
  });
});

describe("sidecarFromPods", () => {
  const shape = template();
  it("is injected when any pod runs istio-proxy", () => {
    const pods = [
      { name: "a", shape },
      { name: "b", shape: { ...shape, istioProxy: true } },
    ];
    expect(sidecarFromPods(pods, ns("shop"))).toEqual({ injected: true, reason: "istio-proxy container found in pod b" });
  });

  it("says how many pods were looked at, and mentions ambient mode", () => {
    const pods = [
      { name: "a", shape },
      { name: "b", shape },
    ];
    expect(sidecarFromPods(pods, ns("shop", { "istio.io/dataplane-mode": "ambient" }))).toEqual({
      injected: false,
      reason:
        "no istio-proxy container in any of its 2 pods (e.g. a); namespace shop has istio.io/dataplane-mode=ambient: ambient mode (not a sidecar)",
    });
  });
});

describe("sidecar state of workloads read from manifests", () => {
  const shopEnabled = "apiVersion: v1\nkind: Namespace\nmetadata: { name: shop, labels: { istio-injection: enabled } }\n";

  it("a running pod without istio-proxy is not injected, even in an enabled namespace", () => {
    const read = readYaml(shopEnabled, pod("debug"));
    expect(read.workloads[0]!.sidecar).toEqual({ injected: false, reason: "no istio-proxy container in pod debug" });
  });

  it("a native-sidecar istio-proxy (init container with restartPolicy Always) counts", () => {
    const live = JSON.parse(pod("web")) as { spec: Record<string, unknown> };
    live.spec.initContainers = [{ name: "istio-proxy", image: "proxyv2", restartPolicy: "Always" }];
    const read = readYaml(JSON.stringify(live));
    expect(read.workloads[0]!.sidecar.injected).toBe(true);
  });

  it("a Pod manifest not yet applied (no uid, node or status) is predicted like a template", () => {
    const read = readYaml(shopEnabled, pod("debug", { live: false }));
    expect(read.workloads[0]!.sidecar).toEqual({ injected: true, reason: "namespace shop has istio-injection=enabled" });
  });

  it("a pod template label sidecar.istio.io/inject: \"false\" is read from YAML", () => {
    const read = readYaml(`
apiVersion: batch/v1
kind: Job
metadata: { name: migrate, namespace: shop }
spec:
  template:
    metadata: { labels: { sidecar.istio.io/inject: "false" } }
    spec: { restartPolicy: Never, containers: [{ name: migrate, image: "m:1" }] }
`, shopEnabled);
    expect(read.workloads[0]!.sidecar.injected).toBe(false);
  });
});
