import { ManifestCollector } from "./collect";
import { selectMeshConfig } from "./mesh-config";
import { buildNamespaces } from "./namespaces";
import { expandObjects } from "./objects";
import { readDocuments } from "./parse-documents";
import type { NamespaceFacts } from "./sidecar";
import { assertWithinLimit } from "./size";
import { compare, sortById } from "./sort";
import { DEFAULT_MAX_MANIFEST_BYTES, type ManifestFile, type ManifestReadResult, type ReadManifestsOptions } from "./types";
import { buildWorkloads } from "./workloads";

/**
 * Reads Kubernetes and Istio manifests (YAML multi-document streams, JSON, `kind: List` dumps,
 * Helm output) into Meshlens' own types. Pure: no I/O, same input -> same output.
 *
 * Throws AppError `payload_too_large` when the input is over `maxBytes`, and `invalid_manifest`
 * (naming file, document, object and field) for anything it cannot read. Objects it does not
 * use become warnings.
 */
export function readManifests(files: readonly ManifestFile[], options: ReadManifestsOptions = {}): ManifestReadResult {
  assertWithinLimit(files, options.maxBytes ?? DEFAULT_MAX_MANIFEST_BYTES);

  const collector = new ManifestCollector();
  for (const file of files) {
    for (const doc of readDocuments(file)) {
      for (const object of expandObjects(doc)) collector.add(object);
    }
  }
  const input = collector.collected;

  const { meshConfig, warnings: meshWarnings } = selectMeshConfig([...input.meshConfigMaps.values()]);
  const namespaces = buildNamespaces(input.namespaces, input.referencedNamespaces);
  const facts = new Map<string, NamespaceFacts>(namespaces.map((n) => [n.name, n]));
  const workloads = buildWorkloads({
    controllers: input.controllers.values(),
    pods: input.pods.values(),
    namespaces: facts,
    rootNamespace: meshConfig.rootNamespace,
  });

  return {
    namespaces,
    workloads,
    services: sortById(input.services.values()),
    policies: sortById(input.policies.values()),
    meshConfig,
    warnings: [...input.warnings, ...meshWarnings],
    serviceAccounts: [...input.serviceAccounts.values()].sort(compare),
  };
}
