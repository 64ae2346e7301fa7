import type { ContainerPort, Labels } from "../model";
import type { PodSpec } from "./schemas";

/** What Meshlens needs from a pod (or a controller's pod template), in its own terms. */
export interface PodShape {
  labels: Labels;
  /** The `sidecar.istio.io/inject` annotation, the older form of the label. */
  injectAnnotation?: string;
  serviceAccount: string;
  ports: ContainerPort[];
  hostNetwork: boolean;
  /** An `istio-proxy` container runs in the pod: a sidecar is already injected. */
  istioProxy: boolean;
}

const ISTIO_PROXY = "istio-proxy";

/**
 * The one place a PodSpec becomes a {@link PodShape}.
 * - serviceAccount: `serviceAccountName`, else the deprecated `serviceAccount` alias, else
 *   `default` (the ServiceAccount admission controller's default).
 * - ports: those of all containers, and of init containers with `restartPolicy: Always`, which
 *   are native sidecars that run beside the app (k8s 1.28+). Plain init containers have exited
 *   before the pod serves, so their ports never accept traffic. Protocol defaults to TCP.
 * - istioProxy: a container named istio-proxy, or a native-sidecar init container of that name
 *   (Istio's ENABLE_NATIVE_SIDECARS mode).
 */
export function podShape(
  spec: PodSpec,
  meta: { labels?: Labels | null; annotations?: { "sidecar.istio.io/inject"?: string | null } | null },
): PodShape {
  const sidecars = (spec.initContainers ?? []).filter((c) => c.restartPolicy === "Always");
  const running = [...spec.containers, ...sidecars];
  const ports = running.flatMap((container) =>
    (container.ports ?? []).map((p): ContainerPort => {
      const port: ContainerPort = { container: container.name, port: p.containerPort, protocol: p.protocol ?? "TCP" };
      if (p.name) port.name = p.name;
      return port;
    }),
  );
  const shape: PodShape = {
    labels: { ...(meta.labels ?? {}) },
    serviceAccount: spec.serviceAccountName || spec.serviceAccount || "default",
    ports,
    hostNetwork: spec.hostNetwork ?? false,
    istioProxy: running.some((c) => c.name === ISTIO_PROXY),
  };
  const inject = meta.annotations?.["sidecar.istio.io/inject"];
  if (typeof inject === "string") shape.injectAnnotation = inject;
  return shape;
}
