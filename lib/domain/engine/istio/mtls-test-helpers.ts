/** Builders for the hand-checkable fixtures of this folder's tests (not used by the engine). */
import type { Labels, MeshConfig, Policy, PolicyKind, Workload } from "../../model";
import { DEFAULT_MESH, wl } from "../testing/builders";

/** Istio's defaults: root namespace istio-system. */
export const MESH: MeshConfig = DEFAULT_MESH;

/** A Deployment `ns/name` with a sidecar unless `{ sidecar: false }`. */
export function workload(ref: string, labels: Labels = {}, options: { sidecar?: boolean } = {}): Workload {
  const [namespace, name] = split(ref);
  return wl(`${namespace}/${name}[Deployment]`, labels, { sidecar: options.sidecar ?? true });
}

interface PolicyOptions {
  /** metadata.creationTimestamp */
  created?: string;
  apiVersion?: string;
}

/** A PeerAuthentication `ns/name` (security.istio.io/v1 unless given). */
export const pa = (ref: string, spec?: unknown, options: PolicyOptions = {}) =>
  policy("PeerAuthentication", ref, spec, options.apiVersion ?? "security.istio.io/v1", options.created);

/** A DestinationRule `ns/name` (networking.istio.io/v1 unless given). */
export const dr = (ref: string, spec: unknown, options: PolicyOptions = {}) =>
  policy("DestinationRule", ref, spec, options.apiVersion ?? "networking.istio.io/v1", options.created);

function policy(kind: PolicyKind, ref: string, spec: unknown, apiVersion: string, created: string | undefined): Policy {
  const [namespace, name] = split(ref);
  const metadata: Record<string, unknown> = { name, namespace };
  if (created !== undefined) metadata.creationTimestamp = created;
  const object: Record<string, unknown> = { apiVersion, kind, metadata };
  if (spec !== undefined) object.spec = spec;
  return { id: `${namespace}/${name}[${kind}]`, kind, apiVersion, namespace, name, object };
}

function split(ref: string): [string, string] {
  const [namespace, name, ...rest] = ref.split("/");
  if (!namespace || !name || rest.length > 0) throw new Error(`expected "namespace/name", got ${JSON.stringify(ref)}`);
  return [namespace, name];
}
