import { parseDocument } from "yaml";
import { objectId, type IngestWarning, type MeshConfig } from "../model";
import { invalidManifest, type SourceLocation } from "./location";
import { MAX_ALIAS_COUNT } from "./parse-documents";
import { MeshConfigTextSchema } from "./schemas";
import { formatPath, parseReadable } from "./validate";

/**
 * Istio's defaults when no mesh config is given
 * (https://istio.io/latest/docs/reference/config/istio.mesh.v1alpha1/): policies in
 * `istio-system` apply mesh-wide (rootNamespace), and sidecars may reach hosts outside the
 * registry (outboundTrafficPolicy.mode ALLOW_ANY).
 */
export const DEFAULT_MESH_CONFIG: MeshConfig = {
  source: null,
  rootNamespace: "istio-system",
  outboundTrafficPolicy: "ALLOW_ANY",
};

/** Where istiod is installed by default, and so where its mesh config ConfigMap lives. */
export const ISTIO_CONFIG_NAMESPACE = "istio-system";

/** A ConfigMap that holds Istio's mesh config: `istio`, or `istio-<revision>` with a `mesh` key. */
export interface MeshConfigMap {
  name: string;
  mesh: string | undefined;
  location: SourceLocation;
}

/**
 * Whether a ConfigMap is Istio's mesh config. istio-system holds other `istio-*` ConfigMaps
 * (istio-ca-root-cert, istio-sidecar-injector, leader-election locks), so a revisioned name
 * counts only when it has the `mesh` key that istiod reads.
 */
export function isMeshConfigMap(namespace: string, name: string, data: unknown): boolean {
  if (namespace !== ISTIO_CONFIG_NAMESPACE) return false;
  if (name === "istio") return true;
  const hasMesh = typeof data === "object" && data !== null && typeof (data as Record<string, unknown>).mesh === "string";
  return name.startsWith("istio-") && hasMesh;
}

/**
 * The mesh config of the input. With several (one per control-plane revision) the default
 * revision's `istio` wins, else the first by name; the others are reported as skipped.
 */
export function selectMeshConfig(maps: readonly MeshConfigMap[]): { meshConfig: MeshConfig; warnings: IngestWarning[] } {
  if (maps.length === 0) return { meshConfig: { ...DEFAULT_MESH_CONFIG }, warnings: [] };
  const sorted = [...maps].sort((a, b) => (a.name === "istio" ? -1 : b.name === "istio" ? 1 : a.name < b.name ? -1 : 1));
  const [chosen, ...others] = sorted as [MeshConfigMap, ...MeshConfigMap[]];
  const source = objectId(ISTIO_CONFIG_NAMESPACE, chosen.name, "ConfigMap");
  const warnings = others.map((other) => ({
    file: other.location.file,
    document: other.location.document,
    message: `ConfigMap ${ISTIO_CONFIG_NAMESPACE}/${other.name} skipped: the mesh config is taken from ${source}`,
  }));
  return { meshConfig: { source, ...parseMeshText(chosen) }, warnings };
}

/** Reads rootNamespace and outboundTrafficPolicy.mode from the `mesh` key (YAML text). */
function parseMeshText(map: MeshConfigMap): Omit<MeshConfig, "source"> {
  const subject = `ConfigMap ${ISTIO_CONFIG_NAMESPACE}/${map.name}`;
  const defaults = { rootNamespace: DEFAULT_MESH_CONFIG.rootNamespace, outboundTrafficPolicy: DEFAULT_MESH_CONFIG.outboundTrafficPolicy };
  if (map.mesh === undefined || map.mesh.trim() === "") return defaults;
  const doc = parseDocument(map.mesh, { uniqueKeys: true, prettyErrors: false });
  const error = doc.errors[0];
  if (error) throw invalidManifest(map.location, `not valid YAML: ${error.message}`, { subject, field: "data.mesh" });
  let value: unknown;
  try {
    value = doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
  } catch {
    throw invalidManifest(map.location, "YAML aliases were expanded too much or are undefined", { subject, field: "data.mesh" });
  }
  if (value === null || value === undefined) return defaults;
  const parsed = parseReadable(MeshConfigTextSchema, value);
  if (!parsed.success) {
    const { issue } = parsed;
    const inner = formatPath(issue.path);
    throw invalidManifest(map.location, `${inner ? `${inner}: ` : ""}${issue.message}`, { subject, field: "data.mesh" });
  }
  return {
    rootNamespace: parsed.data.rootNamespace ?? defaults.rootNamespace,
    outboundTrafficPolicy: parsed.data.outboundTrafficPolicy?.mode ?? defaults.outboundTrafficPolicy,
  };
}
