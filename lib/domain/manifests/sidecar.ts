import type { Labels, SidecarState } from "../model";
import type { PodShape } from "./pod-shape";

/** What the sidecar rules need to know about a namespace. */
export interface NamespaceFacts {
  name: string;
  labels: Labels;
  /** False when the namespace is not in the input: its injection labels are unknown. */
  declared: boolean;
}

const INJECT = "sidecar.istio.io/inject";
const NS_INJECTION = "istio-injection";
const REVISION = "istio.io/rev";
const DATAPLANE_MODE = "istio.io/dataplane-mode";

/**
 * Namespaces Istio's injector always skips (pkg/kube/inject: kube-system, kube-public,
 * kube-node-lease), plus the mesh's root namespace, where the control plane runs.
 */
const NEVER_INJECTED = new Set(["kube-system", "kube-public", "kube-node-lease"]);

/** Pods exported from a running cluster tell the truth: a sidecar runs if any has istio-proxy. */
export function sidecarFromPods(
  pods: readonly { name: string; shape: PodShape }[],
  namespace: NamespaceFacts,
): SidecarState {
  const withProxy = pods.find((p) => p.shape.istioProxy);
  if (withProxy) return { injected: true, reason: `istio-proxy container found in pod ${withProxy.name}` };
  const which = pods.length === 1 ? `pod ${pods[0]!.name}` : `any of its ${pods.length} pods (e.g. ${pods[0]!.name})`;
  const ambient = ambientReason(pods[0]?.shape.labels ?? {}, namespace);
  return { injected: false, reason: `no istio-proxy container in ${which}${ambient ? `; ${ambient}` : ""}` };
}

/**
 * Predicts whether Istio's injection webhook will add a sidecar to pods made from a template,
 * following https://istio.io/latest/docs/setup/additional-setup/sidecar-injection/#controlling-the-injection-policy
 * and the webhook's selectors and injectRequired() check. The first rule that applies decides:
 *  1. The template already has istio-proxy (manual injection, `istioctl kube-inject`): injected.
 *  2. hostNetwork pods are never injected.
 *  3. kube-system, kube-public, kube-node-lease and the mesh root namespace: never injected.
 *  4. Pod `sidecar.istio.io/inject` label (or the older annotation; the label wins when both
 *     are set) with a value other than true/yes/y/on: not injected. Istio reads the value as a
 *     YAML 1.1 boolean, so anything else counts as "false".
 *  5. Namespace `istio-injection=disabled`: not injected, whatever the pod says.
 *  6. Namespace `istio-injection=enabled`: injected.
 *  7. Namespace `istio-injection` with any other value: not injected. The namespace webhook
 *     matches only `enabled`, and the pod-level webhooks require the label to be absent.
 *  8. Namespace `istio.io/rev=<revision>`: injected by that revision.
 *  9. Pod label `sidecar.istio.io/inject: "true"` (exactly; the webhook's objectSelector): injected.
 * 10. Pod label `istio.io/rev=<revision>`: injected by that revision.
 * 11. Otherwise not injected: enableNamespacesByDefault is false by default. The annotation
 *     alone never triggers the webhook (selectors match labels only). A namespace or pod with
 *     `istio.io/dataplane-mode=ambient` is in ambient mode: no sidecar, ztunnel instead.
 * Ambient is checked after the enabling rules because the injection webhook does not look at
 * it: a pod that gets a sidecar in an ambient namespace keeps it, and ztunnel leaves such pods
 * alone.
 */
export function predictSidecar(template: PodShape, namespace: NamespaceFacts, rootNamespace: string): SidecarState {
  const ns = namespace.name;
  const nsLabels = namespace.labels;
  const podInject = template.labels[INJECT] ?? template.injectAnnotation;
  const podInjectSource = template.labels[INJECT] !== undefined ? "label" : "annotation";
  const no = (reason: string): SidecarState => ({ injected: false, reason });
  const yes = (reason: string): SidecarState => ({ injected: true, reason });

  if (template.istioProxy) return yes("the pod template already has an istio-proxy container (manual injection)");
  if (template.hostNetwork) return no("pods use hostNetwork: Istio never injects a sidecar into host-network pods");
  if (NEVER_INJECTED.has(ns)) return no(`namespace ${ns} is a Kubernetes system namespace: Istio never injects there`);
  if (ns === rootNamespace) return no(`namespace ${ns} is Istio's root namespace: Istio never injects there`);
  if (podInject !== undefined && podInject !== "" && !TRUE_VALUES.has(podInject.toLowerCase())) {
    return no(`pod template has the ${INJECT}=${JSON.stringify(podInject)} ${podInjectSource}`);
  }
  const nsInjection = nsLabels[NS_INJECTION];
  if (nsInjection === "disabled") return no(`namespace ${ns} has ${NS_INJECTION}=disabled`);
  if (nsInjection === "enabled") return yes(`namespace ${ns} has ${NS_INJECTION}=enabled`);
  if (nsInjection !== undefined) {
    return no(`namespace ${ns} has ${NS_INJECTION}=${JSON.stringify(nsInjection)}: only "enabled" turns injection on`);
  }
  if (nsLabels[REVISION]) return yes(`namespace ${ns} has ${REVISION}=${nsLabels[REVISION]}`);
  if (template.labels[INJECT] === "true") return yes(`pod template has the ${INJECT}=true label`);
  if (template.labels[REVISION]) return yes(`pod template has the ${REVISION}=${template.labels[REVISION]} label`);
  const ambient = ambientReason(template.labels, namespace);
  if (ambient) return no(ambient);
  if (!namespace.declared) {
    return no(`no injection label on the pod template, and namespace ${ns} is not in the input (its labels are unknown)`);
  }
  return no(`no injection label on namespace ${ns} or the pod template (Istio injects only where asked)`);
}

/** The values Istio's injector reads as "true" (it parses the label as a YAML 1.1 boolean). */
const TRUE_VALUES = new Set(["y", "yes", "true", "on"]);

/** Ambient enrolment: a pod label, or a namespace label unless the pod opts out with `none`. */
function ambientReason(podLabels: Labels, namespace: NamespaceFacts): string | undefined {
  const pod = podLabels[DATAPLANE_MODE];
  if (pod === "ambient") return `pod has ${DATAPLANE_MODE}=ambient: ambient mode (not a sidecar)`;
  if (pod === "none") return undefined;
  if (namespace.labels[DATAPLANE_MODE] === "ambient") {
    return `namespace ${namespace.name} has ${DATAPLANE_MODE}=ambient: ambient mode (not a sidecar)`;
  }
  return undefined;
}
