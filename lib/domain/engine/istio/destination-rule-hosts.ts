/**
 * How a DestinationRule's `host` names a service
 * (https://istio.io/latest/docs/reference/config/networking/destination-rule/#DestinationRule):
 * "When short names are used (e.g. reviews instead of reviews.default.svc.cluster.local), Istio
 * will interpret the short name based on the namespace of the rule, not the service."
 */

/**
 * The DNS domain Istio appends to short names. Kubernetes' default; a cluster with another domain
 * is not modelled (the MeshConfig type does not carry it).
 */
export const CLUSTER_DOMAIN = "cluster.local";

/**
 * Istio's ResolveShortnameToFQDN: a host without a dot is a service of the rule's namespace
 * (`cart` in `shop` -> `cart.shop.svc.cluster.local`); anything with a dot (`cart.shop`, an FQDN,
 * `*.shop.svc.cluster.local`), the wildcard `*` and IPv6 addresses are kept as written.
 */
export function resolveHost(host: string, namespace: string): string {
  if (host === "*" || host.includes(".") || host.includes(":")) return host;
  return `${host}.${namespace}.svc.${CLUSTER_DOMAIN}`;
}

/**
 * Whether a resolved DR host covers a service FQDN: the same name, or a wildcard `*.suffix` whose
 * suffix (with its dot) ends the name; `*` covers every name.
 */
export function hostMatches(pattern: string, fqdn: string): boolean {
  if (pattern.startsWith("*")) return fqdn.endsWith(pattern.slice(1));
  return pattern === fqdn;
}

/**
 * How specific a matching host is, higher wins (Istio's MostSpecificHostMatch): an exact name
 * beats every wildcard, and a longer wildcard suffix beats a shorter one.
 */
export function hostSpecificity(pattern: string): number {
  return pattern.startsWith("*") ? pattern.length : Number.MAX_SAFE_INTEGER;
}
