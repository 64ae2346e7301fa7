/** The manifest reader: Kubernetes/Istio YAML and JSON in, Meshlens' own types out. */
export { readManifests } from "./read-manifests";
export { formatSize } from "./size";
export { DEFAULT_MAX_MANIFEST_BYTES } from "./types";
export type { ManifestFile, ManifestReadResult, ReadManifestsOptions } from "./types";
