/** Builders for the hand-checkable fixtures of the egress tests (not used by the engine). */
import type { MeshConfig, Policy } from "../../model";
import { MESH } from "./mtls-test-helpers";

export { MESH, workload } from "./mtls-test-helpers";

/** The mesh config with REGISTRY_ONLY, as read from the `istio` ConfigMap. */
export const REGISTRY_ONLY_MESH: MeshConfig = { ...MESH, source: "istio-system/istio[ConfigMap]", outboundTrafficPolicy: "REGISTRY_ONLY" };

interface PolicyOptions {
  /** metadata.creationTimestamp */
  created?: string;
  apiVersion?: string;
}

/** A Sidecar `ns/name` (networking.istio.io/v1 unless given). */
export const sidecar = (ref: string, spec: unknown, options: PolicyOptions = {}) => policy("Sidecar", ref, spec, options);

/** A ServiceEntry `ns/name` (networking.istio.io/v1 unless given). */
export const serviceEntry = (ref: string, spec: unknown, options: PolicyOptions = {}) => policy("ServiceEntry", ref, spec, options);

/** A MESH_EXTERNAL ServiceEntry for one host on 443/TLS, exported everywhere. */
export const tlsEntry = (ref: string, host: string, extra: Record<string, unknown> = {}) =>
  serviceEntry(ref, { hosts: [host], ports: [{ number: 443, name: "tls", protocol: "TLS" }], resolution: "DNS", ...extra });

function policy(kind: "Sidecar" | "ServiceEntry", ref: string, spec: unknown, options: PolicyOptions): Policy {
  const [namespace, name, ...rest] = ref.split("/");
  if (!namespace || !name || rest.length > 0) throw new Error(`expected "namespace/name", got ${JSON.stringify(ref)}`);
  const apiVersion = options.apiVersion ?? "networking.istio.io/v1";
  const metadata: Record<string, unknown> = { name, namespace };
  if (options.created !== undefined) metadata.creationTimestamp = options.created;
  const object: Record<string, unknown> = { apiVersion, kind, metadata };
  if (spec !== undefined) object.spec = spec;
  return { id: `${namespace}/${name}[${kind}]`, kind, apiVersion, namespace, name, object };
}
