import { invalidManifest, type SourceLocation } from "./location";
import type { SourceDocument } from "./parse-documents";

/** A Kubernetes object as read: a mapping with apiVersion and kind, and where it came from. */
export interface RawObject {
  location: SourceLocation;
  apiVersion: string;
  kind: string;
  value: Record<string, unknown>;
  /** The line of the field at `path` inside this object, when the source has line numbers. */
  lineOf(path: readonly PropertyKey[]): number | undefined;
}

export const isMapping = (value: unknown): value is Record<string, unknown> =>
  typeof value === "object" && value !== null && !Array.isArray(value);

/**
 * The objects of a document. `kind: List` (what `kubectl get -o yaml` prints) and typed lists
 * such as `PodList` (what the API returns) are expanded into their items. Items of a typed list
 * may omit apiVersion and kind, as the API server's own responses do: they inherit them from
 * the list (`PodList` -> `Pod`).
 */
export function expandObjects(doc: SourceDocument): RawObject[] {
  const head = header(doc.value, doc.location);
  const { kind, apiVersion } = head;
  const items = head.value.items;
  const isList = kind === "List" || (kind.endsWith("List") && Array.isArray(items));
  if (!isList) return [{ location: doc.location, apiVersion, kind, value: head.value, lineOf: doc.lineOf }];
  if (!Array.isArray(items)) {
    throw invalidManifest(doc.location, "expected a list", { subject: "List", field: "items", line: doc.lineOf(["items"]) });
  }
  const inherited = kind === "List" ? undefined : { apiVersion, kind: kind.slice(0, -"List".length) };
  return items.map((item, index) => {
    const location = { ...doc.location, item: index + 1 };
    const withType = isMapping(item) && inherited ? { ...inherited, ...item } : item;
    const lineOf = (path: readonly PropertyKey[]) => doc.lineOf(["items", index, ...path]);
    return { ...header(withType, location), location, lineOf };
  });
}

function header(value: unknown, location: SourceLocation) {
  const hint = "Meshlens reads Kubernetes objects: a mapping with apiVersion and kind (e.g. kubectl get -o yaml, helm template)";
  if (!isMapping(value)) throw invalidManifest(location, `not a Kubernetes object: found ${describeValue(value)}. ${hint}.`);
  for (const field of ["apiVersion", "kind"] as const) {
    const given = value[field];
    if (typeof given !== "string" || given.trim() === "") {
      const problem = given === undefined ? `${field} is missing` : `${field} must be a non-empty string`;
      throw invalidManifest(location, `not a Kubernetes object: ${problem}. ${hint}.`);
    }
  }
  return { apiVersion: value.apiVersion as string, kind: value.kind as string, value };
}

/** Names the type of a value without echoing it (it could be anything, secrets included). */
export function describeValue(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "a list";
  if (typeof value === "object") return "a mapping";
  if (typeof value === "string") return "a string";
  if (typeof value === "number" || typeof value === "boolean") return `${typeof value} ${String(value)}`;
  return typeof value;
}
