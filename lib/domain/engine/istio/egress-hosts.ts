/**
 * Host names of ServiceEntries and of Sidecar egress listeners, and how Istio matches one against
 * the other.
 *
 * - ServiceEntry `hosts` (https://istio.io/latest/docs/reference/config/networking/service-entry/#ServiceEntry):
 *   "Could be a DNS name with wildcard prefix." Used as written: unlike DestinationRule hosts,
 *   short names are not expanded with the namespace.
 * - Sidecar egress `hosts` (https://istio.io/latest/docs/reference/config/networking/sidecar/#IstioEgressListener):
 *   "namespace/dnsName format ... The dnsName should be specified using FQDN format, optionally
 *   including a wildcard character in the left-most component (e.g., prod/*.example.com). Set the
 *   dnsName to * to select all services from the specified namespace (e.g., prod/*). The namespace
 *   can be set to *, ~, or ., representing any, no or the current namespace, respectively."
 */
import { describeValue, Invalid } from "./mtls-verbatim";

/** One `namespace/dnsName` entry of a Sidecar egress listener. */
export interface EgressImport {
  /** `*` any namespace, `~` none, `.` the workload's own, or a namespace name. */
  namespace: string;
  /** `*`, a wildcard `*.example.com`, or an FQDN. */
  dnsName: string;
}

/** Istio's DNS-1123 label (pkg/config/labels), which also takes upper case. */
const LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/i;
/**
 * The left-most label may be the wildcard `*`, or a partial wildcard such as `*-api` or `*api`
 * (Istio's ValidateWildcardDomain accepts those and only warns about them).
 */
const FIRST_LABEL = /^(\*|(\*|\*-)?[a-z0-9]([-a-z0-9]*[a-z0-9])?)$/i;

/** Why `host` is not a DNS name with an optional wildcard prefix (Istio's ValidateWildcardDomain), or null when it is. */
export function wildcardDomainProblem(host: string): string | null {
  if (host === "") return "is empty";
  if (host.length > 255) return "is longer than 255 characters";
  const [first = "", ...rest] = host.split(".");
  if (first.length > 63 || !FIRST_LABEL.test(first)) {
    return `${describeValue(host)} is not a DNS name (label ${describeValue(first)}; a wildcard may only start the left-most label)`;
  }
  const bad = rest.find((label) => label.length > 63 || !LABEL.test(label));
  if (bad !== undefined) return `${describeValue(host)} is not a DNS name (label ${describeValue(bad)})`;
  return null;
}

const isWildcard = (host: string) => host.startsWith("*");

/**
 * Istio's host.Name.SubsetOf: whether every name `host` stands for is also covered by `pattern`.
 * `*` covers everything; `*.example.com` covers `api.example.com` and `*.api.example.com` but not
 * `example.com`; a wildcard host is covered only by a wildcard at least as wide, so the Sidecar
 * entry `*\/api.example.com` does not import a ServiceEntry for `*.example.com` (istiod's
 * matchingService tests the ServiceEntry's host as a subset of the imported one).
 */
export function hostSubsetOf(host: string, pattern: string): boolean {
  if (isWildcard(host)) return isWildcard(pattern) && host.slice(1).endsWith(pattern.slice(1));
  if (isWildcard(pattern)) return host.endsWith(pattern.slice(1));
  return host === pattern;
}

const NAMESPACE = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/i;

/**
 * Reads a Sidecar egress host as Istio validates it (validateNamespaceSlashWildcardHostname): a
 * namespace (`*`, `.`, `~` or a DNS label) and a dnsName (`*`, or a DNS name with a dot: "short
 * names (non FQDN) are not allowed"), separated by the first `/`.
 */
export function readEgressImport(raw: unknown, field: string): EgressImport {
  if (typeof raw !== "string") throw new Invalid(field, `must be a "namespace/dnsName" string, found ${describeValue(raw)}`);
  const slash = raw.indexOf("/");
  if (slash < 0) throw new Invalid(field, `${describeValue(raw)} must be of the form namespace/dnsName (e.g. "./*" or "*/api.example.com")`);
  const namespace = raw.slice(0, slash);
  const dnsName = raw.slice(slash + 1);
  if (namespace === "" || dnsName === "") throw new Invalid(field, `${describeValue(raw)}: neither the namespace nor the dnsName may be empty`);
  if (!["*", ".", "~"].includes(namespace) && (namespace.length > 63 || !NAMESPACE.test(namespace))) {
    throw new Invalid(field, `${describeValue(raw)}: the namespace must be "*", ".", "~" or a namespace name`);
  }
  if (dnsName !== "*") {
    if (!dnsName.includes(".")) throw new Invalid(field, `${describeValue(raw)}: short names are not allowed, write the FQDN or "*"`);
    const problem = wildcardDomainProblem(dnsName);
    if (problem !== null) throw new Invalid(field, problem);
  }
  return { namespace, dnsName };
}

/**
 * Whether an egress import names a ServiceEntry `host` of namespace `entryNamespace`, for a
 * workload of `workloadNamespace` (`.` is the workload's namespace: for a namespace's own Sidecar
 * that is the Sidecar's namespace, and for the root namespace default it is the workload's, as
 * the Sidecar reference's `./*` + `istio-system/*` mesh-default example shows).
 */
export function importCovers(imported: EgressImport, target: { host: string; entryNamespace: string; workloadNamespace: string }): boolean {
  const { host, entryNamespace, workloadNamespace } = target;
  const namespaceMatches =
    imported.namespace === "*" || (imported.namespace === "." ? entryNamespace === workloadNamespace : imported.namespace === entryNamespace);
  // `~` is never a namespace name, so `~/...` matches nothing.
  return namespaceMatches && hostSubsetOf(host, imported.dnsName);
}
