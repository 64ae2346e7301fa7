import type { Labels, Namespace } from "../model";
import { compare } from "./sort";

/**
 * The API server labels every namespace `kubernetes.io/metadata.name: <name>` (k8s 1.22+,
 * NamespaceDefaultLabelName), and policies select namespaces by it, so Meshlens adds it too,
 * over any value the manifest gave (the API server overwrites it the same way).
 */
export const NAMESPACE_NAME_LABEL = "kubernetes.io/metadata.name";

/**
 * Every namespace of the input, sorted by name: the declared ones with their labels, and those
 * only referenced by objects with `declared: false` and just the automatic name label (their
 * real labels are unknown).
 */
export function buildNamespaces(declared: ReadonlyMap<string, Labels>, referenced: Iterable<string>): Namespace[] {
  const all = new Map<string, Namespace>();
  for (const name of referenced) {
    all.set(name, { name, labels: { [NAMESPACE_NAME_LABEL]: name }, declared: false });
  }
  for (const [name, labels] of declared) {
    all.set(name, { name, labels: { ...labels, [NAMESPACE_NAME_LABEL]: name }, declared: true });
  }
  return [...all.values()].sort((a, b) => compare(a.name, b.name));
}
