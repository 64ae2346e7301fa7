import type { PolicyKind, WorkloadKind } from "../model";

/** What Meshlens does with an object of a given apiVersion and kind. */
export type KindRole =
  | { role: "namespace" }
  | { role: "pod" }
  | { role: "controller"; kind: ControllerKind }
  | { role: "service" }
  | { role: "service-account" }
  | { role: "config-map" }
  | { role: "policy"; kind: PolicyKind };

export type ControllerKind = Exclude<WorkloadKind, "Pod">;

const CORE = ["v1"];
const APPS = ["apps/v1", "apps/v1beta2", "apps/v1beta1"];
// Deployments, ReplicaSets and DaemonSets were served from extensions/v1beta1 until k8s 1.16;
// old dumps still carry it, and the shape Meshlens reads is the same.
const APPS_OR_EXTENSIONS = [...APPS, "extensions/v1beta1"];
const ISTIO_SECURITY = ["security.istio.io/v1", "security.istio.io/v1beta1"];
const ISTIO_NETWORKING = ["networking.istio.io/v1", "networking.istio.io/v1beta1", "networking.istio.io/v1alpha3"];

/**
 * The kinds Meshlens reads, each with the apiVersions it accepts. A kind name from another API
 * group (e.g. Cilium's `cilium.io/v2` NetworkPolicy, Volcano's `batch.volcano.sh` Job) is a
 * different resource with different semantics, so it is not matched.
 */
const KNOWN: Record<string, { versions: readonly string[]; role: KindRole }> = {
  Namespace: { versions: CORE, role: { role: "namespace" } },
  Pod: { versions: CORE, role: { role: "pod" } },
  Deployment: { versions: APPS_OR_EXTENSIONS, role: { role: "controller", kind: "Deployment" } },
  ReplicaSet: { versions: APPS_OR_EXTENSIONS, role: { role: "controller", kind: "ReplicaSet" } },
  DaemonSet: { versions: APPS_OR_EXTENSIONS, role: { role: "controller", kind: "DaemonSet" } },
  StatefulSet: { versions: APPS, role: { role: "controller", kind: "StatefulSet" } },
  ReplicationController: { versions: CORE, role: { role: "controller", kind: "ReplicationController" } },
  Job: { versions: ["batch/v1"], role: { role: "controller", kind: "Job" } },
  CronJob: { versions: ["batch/v1", "batch/v1beta1", "batch/v2alpha1"], role: { role: "controller", kind: "CronJob" } },
  Service: { versions: CORE, role: { role: "service" } },
  ServiceAccount: { versions: CORE, role: { role: "service-account" } },
  ConfigMap: { versions: CORE, role: { role: "config-map" } },
  NetworkPolicy: {
    versions: ["networking.k8s.io/v1", "extensions/v1beta1"],
    role: { role: "policy", kind: "NetworkPolicy" },
  },
  AuthorizationPolicy: { versions: ISTIO_SECURITY, role: { role: "policy", kind: "AuthorizationPolicy" } },
  PeerAuthentication: { versions: ISTIO_SECURITY, role: { role: "policy", kind: "PeerAuthentication" } },
  RequestAuthentication: { versions: ISTIO_SECURITY, role: { role: "policy", kind: "RequestAuthentication" } },
  DestinationRule: { versions: ISTIO_NETWORKING, role: { role: "policy", kind: "DestinationRule" } },
  Sidecar: { versions: ISTIO_NETWORKING, role: { role: "policy", kind: "Sidecar" } },
  ServiceEntry: { versions: ISTIO_NETWORKING, role: { role: "policy", kind: "ServiceEntry" } },
};

/** The role of an object, or undefined when Meshlens does not use it. */
export function classify(apiVersion: string, kind: string): KindRole | undefined {
  const known = Object.hasOwn(KNOWN, kind) ? KNOWN[kind] : undefined;
  return known?.versions.includes(apiVersion) ? known.role : undefined;
}

/** The apiVersions Meshlens reads for a kind name, or undefined when it reads none. */
export function knownVersions(kind: string): readonly string[] | undefined {
  return Object.hasOwn(KNOWN, kind) ? KNOWN[kind]?.versions : undefined;
}

/** The workload kind an ownerReference points at, or undefined for any other owner. */
export function controllerKindOf(apiVersion: string, kind: string): ControllerKind | undefined {
  const role = classify(apiVersion, kind);
  return role?.role === "controller" ? role.kind : undefined;
}
