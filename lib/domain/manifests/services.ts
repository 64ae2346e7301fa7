import type { z } from "zod";
import { objectId, type Service, type ServicePort } from "../model";
import type { ServiceSchema } from "./schemas";

type ServiceObject = z.infer<typeof ServiceSchema>;

/**
 * A Service in Meshlens' terms.
 * - type defaults to ClusterIP, as the API server defaults it.
 * - selector: absent and `{}` both mean "no selector": Kubernetes then creates no endpoints
 *   automatically (they are managed by hand), so the Service selects no pods rather than all of
 *   them. An ExternalName Service is a DNS CNAME and ignores any selector.
 * - ports: protocol defaults to TCP and targetPort to the port, as the API server defaults them.
 */
export function toService(object: ServiceObject, namespace: string): Service {
  const spec = object.spec ?? {};
  const type = spec.type ?? "ClusterIP";
  const selector = spec.selector && Object.keys(spec.selector).length > 0 && type !== "ExternalName" ? { ...spec.selector } : null;
  const ports = (spec.ports ?? []).map((p): ServicePort => {
    const port: ServicePort = { port: p.port, targetPort: p.targetPort ?? p.port, protocol: p.protocol ?? "TCP" };
    if (p.name) port.name = p.name;
    return port;
  });
  const name = object.metadata.name;
  const service: Service = { id: objectId(namespace, name, "Service"), namespace, name, type, selector, ports };
  if (type === "ExternalName" && spec.externalName) service.externalName = spec.externalName;
  return service;
}
