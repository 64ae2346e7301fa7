import type { IngestWarning, MeshConfig, Namespace, Policy, Service, Workload } from "../model";

/** One uploaded or collected manifest file. `path` is only shown in messages. */
export interface ManifestFile {
  path: string;
  content: string;
}

export interface ReadManifestsOptions {
  /** Largest total input, in bytes (UTF-8). Default {@link DEFAULT_MAX_MANIFEST_BYTES}. */
  maxBytes?: number;
}

/** What a set of manifests declares, in Meshlens' own types, sorted for deterministic output. */
export interface ManifestReadResult {
  namespaces: Namespace[];
  workloads: Workload[];
  services: Service[];
  policies: Policy[];
  meshConfig: MeshConfig;
  warnings: IngestWarning[];
  /** `namespace/name` of the ServiceAccount objects seen (may be empty). */
  serviceAccounts: string[];
}

/** 64 MiB: the same default as MESHLENS_MAX_UPLOAD_MB. */
export const DEFAULT_MAX_MANIFEST_BYTES = 64 * 1024 * 1024;
