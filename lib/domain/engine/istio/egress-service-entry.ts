/**
 * ServiceEntry objects (networking.istio.io v1, v1beta1 and v1alpha3 alike: the spec is the same)
 * read into the hosts they add to the mesh's service registry, and the namespaces they are
 * exported to. Reference: https://istio.io/latest/docs/reference/config/networking/service-entry/
 *
 * Only what decides egress is read: hosts, ports, exportTo, location, resolution and whether
 * addresses are given. Endpoints and `workloadSelector` are not: they choose the instances behind
 * the entry (MESH_INTERNAL workloads), not the clients, so they never restrict who can reach it.
 */
import type { Policy } from "../../model";
import type { PolicyIssue } from "../issues";
import { wildcardDomainProblem } from "./egress-hosts";
import { readPortName, readPortNumber, readProtocol } from "./egress-ports";
import { describeValue, Invalid, isAbsent, isObject, refusedIssue } from "./mtls-verbatim";

/** ServiceEntry.Location: MESH_EXTERNAL (the enum's zero value, so the default) or MESH_INTERNAL. */
export type Location = "MESH_EXTERNAL" | "MESH_INTERNAL";
/** ServiceEntry.Resolution: NONE (the default), STATIC, DNS or DNS_ROUND_ROBIN. */
export type Resolution = "NONE" | "STATIC" | "DNS" | "DNS_ROUND_ROBIN";

const LOCATIONS: ReadonlySet<string> = new Set<Location>(["MESH_EXTERNAL", "MESH_INTERNAL"]);
const RESOLUTIONS: ReadonlySet<string> = new Set<Resolution>(["NONE", "STATIC", "DNS", "DNS_ROUND_ROBIN"]);

/** A port of a ServiceEntry, as declared. */
export interface DeclaredPort {
  number: number;
  /** As declared (e.g. `HTTPS`, `tls`); `""` when absent: Istio sniffs the protocol. */
  protocol: string;
  name?: string;
}

/** Who may see a ServiceEntry: every namespace, none (`~`), or the listed ones (`.` written as its own). */
export type ExportTo = "*" | "~" | ReadonlySet<string>;

/** A ServiceEntry Istio would accept, with at least one port. */
export interface ServiceEntryRule {
  id: string;
  namespace: string;
  hosts: readonly string[];
  ports: readonly DeclaredPort[];
  exportTo: ExportTo;
  location: Location;
  resolution: Resolution;
}

/**
 * Reads every ServiceEntry, sorted by id. Those Istio would refuse are reported and left out, and
 * so are those without ports: Istio builds listeners and clusters per service port, so an entry
 * without ports makes nothing reachable through a sidecar.
 */
export function readServiceEntries(policies: readonly Policy[]): { entries: ServiceEntryRule[]; issues: PolicyIssue[] } {
  const entries: ServiceEntryRule[] = [];
  const issues: PolicyIssue[] = [];
  for (const policy of policies) {
    if (policy.kind !== "ServiceEntry") continue;
    let read: { entry: ServiceEntryRule; addresses: boolean };
    try {
      read = readEntry(policy);
    } catch (error) {
      if (!(error instanceof Invalid)) throw error;
      issues.push(refusedIssue(policy, error));
      continue;
    }
    if (read.entry.ports.length === 0) {
      issues.push({
        policy: policy.id,
        field: "spec.ports",
        message: "declares no ports: Istio builds listeners and clusters per port, so this entry makes no host reachable through a sidecar; it is left out",
      });
      continue;
    }
    issues.push(...openTcpPorts(read.entry, read.addresses));
    entries.push(read.entry);
  }
  entries.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  return { entries, issues };
}

/**
 * Whether a ServiceEntry is visible to proxies of `namespace` (istiod's IsServiceVisible): `*` to
 * all, `~` to none, otherwise only to the listed namespaces. An explicit list without `.` or its
 * own name hides the entry from its own namespace too.
 */
export function exportedTo(entry: ServiceEntryRule, namespace: string): boolean {
  if (entry.exportTo === "*") return true;
  if (entry.exportTo === "~") return false;
  return entry.exportTo.has(namespace);
}

function readEntry(policy: Policy): { entry: ServiceEntryRule; addresses: boolean } {
  const spec = policy.object.spec;
  if (!isObject(spec)) throw new Invalid("spec", `must be a mapping, found ${describeValue(spec)}`);
  const hosts = readHosts(spec.hosts);
  const ports = readPorts(spec.ports);
  const exportTo = readExportTo(spec.exportTo, policy.namespace);
  const location = readEnum(spec.location, { field: "spec.location", values: LOCATIONS, zero: "MESH_EXTERNAL" }) as Location;
  const resolution = readEnum(spec.resolution, { field: "spec.resolution", values: RESOLUTIONS, zero: "NONE" }) as Resolution;
  if ((resolution === "DNS" || resolution === "DNS_ROUND_ROBIN") && isAbsent(spec.endpoints) && isAbsent(spec.workloadSelector)) {
    // ValidateServiceEntry: "hosts must be FQDN if no endpoints are provided for resolution mode DNS".
    const wildcard = hosts.findIndex((host) => host.startsWith("*"));
    if (wildcard >= 0) throw new Invalid(`spec.hosts[${wildcard}]`, `a wildcard host needs endpoints with resolution ${resolution}: there is no name to resolve`);
  }
  const addresses = spec.addresses;
  if (!isAbsent(addresses) && !Array.isArray(addresses)) throw new Invalid("spec.addresses", `must be a list, found ${describeValue(addresses)}`);
  const entry = { id: policy.id, namespace: policy.namespace, hosts, ports, exportTo, location, resolution };
  return { entry, addresses: Array.isArray(addresses) && addresses.length > 0 };
}

/** `hosts` is required and non-empty; each a DNS name with an optional wildcard prefix, never the bare `*`. */
function readHosts(raw: unknown): string[] {
  if (!Array.isArray(raw) || raw.length === 0) throw new Invalid("spec.hosts", "is required: a ServiceEntry must declare at least one host");
  return raw.map((host: unknown, i) => {
    const at = `spec.hosts[${i}]`;
    if (typeof host !== "string") throw new Invalid(at, `must be a string, found ${describeValue(host)}`);
    // ValidateServiceEntry: "Full wildcard is not allowed in the service entry."
    if (host === "*") throw new Invalid(at, `"*" is not allowed: a ServiceEntry cannot declare every host`);
    const problem = wildcardDomainProblem(host);
    if (problem !== null) throw new Invalid(at, problem);
    return host;
  });
}

/** Ports: numbers 1-65535, each declared once, protocols Istio knows. */
function readPorts(raw: unknown): DeclaredPort[] {
  if (isAbsent(raw)) return [];
  if (!Array.isArray(raw)) throw new Invalid("spec.ports", `must be a list, found ${describeValue(raw)}`);
  const seen = new Set<number>();
  const ports = raw.map((port: unknown, i): DeclaredPort => {
    const at = `spec.ports[${i}]`;
    if (!isObject(port)) throw new Invalid(at, `must be a mapping, found ${describeValue(port)}`);
    const number = readPortNumber(port.number, `${at}.number`);
    if (seen.has(number)) throw new Invalid(`${at}.number`, `port ${number} is declared twice`);
    seen.add(number);
    const protocol = readProtocol(port.protocol, `${at}.protocol`);
    const name = readPortName(port.name, `${at}.name`);
    return name === undefined ? { number, protocol } : { number, protocol, name };
  });
  return ports.sort((a, b) => a.number - b.number);
}

const DNS1123_LABEL = /^(?=.{1,63}$)[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

/**
 * `exportTo` as Istio validates it for a ServiceEntry (validateExportTo): `*`, `.`, `~` or
 * namespace names, no duplicates (`.` counts as the entry's own namespace), `*` and `~` only
 * alone. Absent or empty: exported to all namespaces ("If no namespaces are specified then the
 * service is exported to all namespaces by default"; meshConfig.defaultServiceExportTo is not read).
 */
function readExportTo(raw: unknown, namespace: string): ExportTo {
  const field = "spec.exportTo";
  if (isAbsent(raw)) return "*";
  if (!Array.isArray(raw)) throw new Invalid(field, `must be a list of namespaces, found ${describeValue(raw)}`);
  if (raw.length === 0) return "*";
  const names = new Set<string>();
  raw.forEach((value: unknown, i) => {
    const at = `${field}[${i}]`;
    if (typeof value !== "string") throw new Invalid(at, `must be a string, found ${describeValue(value)}`);
    if (value !== "*" && value !== "." && value !== "~" && !DNS1123_LABEL.test(value)) {
      throw new Invalid(at, `${describeValue(value)} is not "*", ".", "~" or a namespace name`);
    }
    const name = value === "." ? namespace : value;
    if (names.has(name)) throw new Invalid(at, `duplicate entry ${describeValue(value)} (. is the entry's own namespace ${namespace})`);
    names.add(name);
  });
  for (const alone of ["*", "~"] as const) {
    if (names.has(alone) && names.size > 1) throw new Invalid(field, `"${alone}" cannot be combined with other entries`);
  }
  if (names.has("*")) return "*";
  if (names.has("~")) return "~";
  return names;
}

function readEnum(raw: unknown, { field, values, zero }: { field: string; values: ReadonlySet<string>; zero: string }): string {
  if (isAbsent(raw)) return zero;
  if (typeof raw !== "string" || !values.has(raw)) throw new Invalid(field, `unknown value ${describeValue(raw)} (expected ${[...values].join(" or ")})`);
  return raw;
}

/** Protocols whose connections carry no host name Envoy could match (no SNI, no Host header), or sniffed ones. */
const OPAQUE: ReadonlySet<string> = new Set(["", "tcp", "mongo", "redis", "mysql"]);

/**
 * A TCP port (or one without a protocol) of an entry with resolution NONE and no addresses is
 * matched on the port alone: Envoy's listener is 0.0.0.0:port and its cluster forwards to the
 * original destination, so any address on that port is reachable, not only the declared hosts.
 * Istio's validation warns about it ("addresses are required for ports serving TCP (or unset)
 * protocol when resolution mode is NONE"). Reported, not changed: the hosts are listed as declared.
 */
function openTcpPorts(entry: ServiceEntryRule, hasAddresses: boolean): PolicyIssue[] {
  if (hasAddresses || entry.resolution !== "NONE") return [];
  return entry.ports
    .filter((port) => OPAQUE.has(port.protocol.toLowerCase()))
    .map((port) => ({
      policy: entry.id,
      field: "spec.addresses",
      message: `port ${port.number} (${port.protocol || "no protocol"}) with resolution NONE and no addresses: the sidecar matches it on the port alone and forwards to the original destination, so any address on port ${port.number} is reachable, not only ${entry.hosts.join(", ")}`,
    }));
}
