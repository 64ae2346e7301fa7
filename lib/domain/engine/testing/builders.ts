/** Small builders for hand-checkable engine fixtures. */
import type { ContainerPort, Labels, MeshConfig, Namespace, Policy, PolicyKind, Protocol, Service, Workload } from "../../model";

/** Istio's defaults: root namespace istio-system, ALLOW_ANY outbound. */
export const DEFAULT_MESH: MeshConfig = { source: null, rootNamespace: "istio-system", outboundTrafficPolicy: "ALLOW_ANY" };

export function svc(id: string, selector: Labels, ports: [name: string | undefined, port: number, targetPort: number | string][]): Service {
  const [namespace, name] = id.split("/") as [string, string];
  return {
    id: `${namespace}/${name}[Service]`,
    namespace,
    name,
    type: "ClusterIP",
    selector,
    ports: ports.map(([portName, port, targetPort]) => ({ ...(portName ? { name: portName } : {}), port, targetPort, protocol: "TCP" })),
  };
}

export function ns(name: string, labels: Labels = {}): Namespace {
  return { name, labels: { ...labels, "kubernetes.io/metadata.name": name }, declared: true };
}

export function wl(
  id: string,
  labels: Labels = {},
  options: { ports?: [name: string | undefined, port: number, protocol?: Protocol][]; sa?: string; sidecar?: boolean } = {},
): Workload {
  const match = /^([^/]+)\/([^[]+)\[([A-Za-z]+)\]$/.exec(id);
  const [, namespace, name, kind] = match ?? [undefined, "default", id, "Deployment"];
  const ports: ContainerPort[] = (options.ports ?? []).map(([portName, port, protocol]) => ({
    container: "main",
    ...(portName ? { name: portName } : {}),
    port,
    protocol: protocol ?? "TCP",
  }));
  return {
    id: `${namespace}/${name}[${kind}]`,
    namespace: namespace!,
    name: name!,
    kind: kind as Workload["kind"],
    labels,
    serviceAccount: options.sa ?? name!,
    ports,
    sidecar: { injected: options.sidecar ?? false, reason: "fixture" },
    pods: 0,
    hostNetwork: false,
  };
}

export function policy(kind: PolicyKind, namespace: string, name: string, spec: unknown, apiVersion?: string): Policy {
  const version = apiVersion ?? (kind === "NetworkPolicy" ? "networking.k8s.io/v1" : "security.istio.io/v1");
  return {
    id: `${namespace}/${name}[${kind}]`,
    kind,
    apiVersion: version,
    namespace,
    name,
    object: { apiVersion: version, kind, metadata: { name, namespace }, spec },
  };
}

export const np = (namespace: string, name: string, spec: unknown) => policy("NetworkPolicy", namespace, name, spec);
