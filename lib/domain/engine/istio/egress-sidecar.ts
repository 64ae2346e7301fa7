/**
 * Sidecar objects (networking.istio.io v1, v1beta1 and v1alpha3 alike) read into what decides a
 * workload's egress through its proxy, and which Sidecar applies to which workload.
 * Reference: https://istio.io/latest/docs/reference/config/networking/sidecar/
 *
 * Selection, from the reference: "A Sidecar configuration in the MeshConfig root namespace will be
 * applied by default to all namespaces without a Sidecar configuration"; "A namespace can have
 * only one Sidecar configuration without any workloadSelector"; "The behavior of the system is
 * undefined if two or more Sidecar configurations with a workloadSelector select the same workload
 * instance." istiod (getSidecarScope) takes, in the workload's namespace, the oldest Sidecar whose
 * workloadSelector matches, else the oldest one without a selector, else the root namespace's
 * oldest one without a selector. Where the docs say "undefined", Meshlens takes that same oldest
 * one and reports the others.
 *
 * Not modelled: `ingress`, `inboundConnectionPool`, and the `bind` and `captureMode` of egress
 * listeners (they change where the application must connect, not which hosts it can reach).
 */
import type { Labels, Policy, Workload } from "../../model";
import type { PolicyIssue } from "../issues";
import { readEgressImport, type EgressImport } from "./egress-hosts";
import { readPortNumber, readProtocol } from "./egress-ports";
import { selectorMatches, type MatchLabels } from "./istio-selectors";
import { compareCreation, creationOrder, describeValue, fieldPath, Invalid, isAbsent, isObject, refusedIssue, type CreationOrder } from "./mtls-verbatim";

/** OutboundTrafficPolicy.Mode (https://istio.io/latest/docs/reference/config/networking/sidecar/#OutboundTrafficPolicy-Mode). */
export type OutboundMode = "REGISTRY_ONLY" | "ALLOW_ANY";

/** An egress listener (https://istio.io/latest/docs/reference/config/networking/sidecar/#IstioEgressListener). */
export interface EgressListener {
  /** `spec.egress[i]` */
  field: string;
  /**
   * null: the catch-all listener, whose hosts are reachable on every port that no listener with a
   * port claims. 0: a Unix domain socket listener, whose hosts keep all their ports (istiod only
   * narrows ports for a non-zero listener port). Otherwise only this port of its hosts.
   */
  port: number | null;
  hosts: readonly EgressImport[];
}

/** A Sidecar Istio would accept. */
export interface SidecarRule {
  id: string;
  namespace: string;
  order: CreationOrder;
  /** null: no workloadSelector (the namespace default, or the mesh default in the root namespace). */
  selector: MatchLabels | null;
  /** As written; empty when the Sidecar has no `egress`, which Istio reads as the single listener `*\/*`. */
  egress: readonly EgressListener[];
  /** null: no outboundTrafficPolicy, so the mesh config's applies. */
  outboundTrafficPolicy: { mode: OutboundMode; field: string } | null;
}

/** Reads every Sidecar, oldest first; those Istio would refuse are reported and left out. */
export function readSidecars(policies: readonly Policy[]): { sidecars: SidecarRule[]; issues: PolicyIssue[] } {
  const sidecars: SidecarRule[] = [];
  const issues: PolicyIssue[] = [];
  for (const policy of policies) {
    if (policy.kind !== "Sidecar") continue;
    try {
      const { order, issue } = creationOrder(policy);
      sidecars.push({ ...readSidecar(policy), order });
      if (issue) issues.push(issue);
    } catch (error) {
      if (!(error instanceof Invalid)) throw error;
      issues.push(refusedIssue(policy, error));
    }
  }
  sidecars.sort((a, b) => compareCreation(a.order, b.order));
  return { sidecars, issues };
}

function readSidecar(policy: Policy): Omit<SidecarRule, "order"> {
  // An absent spec is an empty Sidecar, which validateSidecar refuses below.
  const spec = isAbsent(policy.object.spec) ? {} : policy.object.spec;
  if (!isObject(spec)) throw new Invalid("spec", `must be a mapping, found ${describeValue(spec)}`);
  const selector = readSelector(spec.workloadSelector);
  const egress = readEgress(spec.egress);
  const outboundTrafficPolicy = readOutbound(spec.outboundTrafficPolicy);
  const noIngress = isAbsent(spec.ingress) || (Array.isArray(spec.ingress) && spec.ingress.length === 0);
  if (egress.length === 0 && noIngress && outboundTrafficPolicy === null && isAbsent(spec.inboundConnectionPool)) {
    throw new Invalid("spec", "is empty: a Sidecar must set egress, ingress, outboundTrafficPolicy or inboundConnectionPool");
  }
  return { id: policy.id, namespace: policy.namespace, selector, egress, outboundTrafficPolicy };
}

/**
 * The Sidecar's workloadSelector is networking's WorkloadSelector: `labels`, not `matchLabels`.
 * validateSidecar: "workloadSelector cannot have empty labels".
 */
function readSelector(raw: unknown): MatchLabels | null {
  const field = "spec.workloadSelector";
  if (isAbsent(raw)) return null;
  if (!isObject(raw)) throw new Invalid(field, `must be a mapping with labels, found ${describeValue(raw)}`);
  const labels = raw.labels;
  const at = `${field}.labels`;
  if (isAbsent(labels) || (isObject(labels) && Object.keys(labels).length === 0)) {
    throw new Invalid(at, "cannot be empty: a Sidecar for every workload of the namespace has no workloadSelector");
  }
  if (!isObject(labels)) throw new Invalid(at, `must be a mapping of label keys to values, found ${describeValue(labels)}`);
  const selector: Labels = {};
  for (const [key, value] of Object.entries(labels)) {
    if (key === "") throw new Invalid(at, "an empty label key is not supported");
    if (typeof value !== "string") throw new Invalid(fieldPath(at, key), `label values must be strings, found ${describeValue(value)}`);
    selector[key] = value;
  }
  return selector;
}

/**
 * Egress listeners as validateSidecar checks them: each needs hosts; at most one has no port and
 * it comes last; ports are unique; port 0 means a Unix domain socket and needs a `unix://` bind.
 */
function readEgress(raw: unknown): EgressListener[] {
  if (isAbsent(raw)) return [];
  if (!Array.isArray(raw)) throw new Invalid("spec.egress", `must be a list, found ${describeValue(raw)}`);
  const ports = new Set<number>();
  return raw.map((listener: unknown, i): EgressListener => {
    const at = `spec.egress[${i}]`;
    if (!isObject(listener)) throw new Invalid(at, `must be a mapping, found ${describeValue(listener)}`);
    const port = readListenerPort(listener.port, listener.bind, `${at}.port`);
    if (port === null && i !== raw.length - 1) {
      throw new Invalid(`${at}.port`, "only the last egress listener may have no port (the catch-all listener)");
    }
    if (port !== null && port !== 0) {
      if (ports.has(port)) throw new Invalid(`${at}.port.number`, `port ${port} is used by another egress listener`);
      ports.add(port);
    }
    const hosts = listener.hosts;
    if (!Array.isArray(hosts) || hosts.length === 0) throw new Invalid(`${at}.hosts`, "is required: an egress listener must import at least one namespace/dnsName");
    return { field: at, port, hosts: hosts.map((host: unknown, j) => readEgressImport(host, `${at}.hosts[${j}]`)) };
  });
}

function readListenerPort(raw: unknown, bind: unknown, field: string): number | null {
  if (isAbsent(raw)) return null;
  if (!isObject(raw)) throw new Invalid(field, `must be a mapping with a number, found ${describeValue(raw)}`);
  let number = 0;
  if (raw.number === 0) {
    if (typeof bind !== "string" || !bind.startsWith("unix://")) {
      throw new Invalid(`${field}.number`, "0 is only for a Unix domain socket listener, whose bind must start with unix://");
    }
  } else {
    number = readPortNumber(raw.number, `${field}.number`);
  }
  readProtocol(raw.protocol, `${field}.protocol`);
  return number;
}

const MODES: ReadonlySet<string> = new Set<OutboundMode>(["REGISTRY_ONLY", "ALLOW_ANY"]);

/**
 * An outboundTrafficPolicy block without `mode` is REGISTRY_ONLY: it is the enum's zero value
 * (`REGISTRY_ONLY = 0; ALLOW_ANY = 1`), and istiod uses the Sidecar's block whenever one is
 * present. validateSidecarOutboundTrafficPolicy: an egressProxy needs ALLOW_ANY.
 */
function readOutbound(raw: unknown): SidecarRule["outboundTrafficPolicy"] {
  const field = "spec.outboundTrafficPolicy";
  if (isAbsent(raw)) return null;
  if (!isObject(raw)) throw new Invalid(field, `must be a mapping with a mode, found ${describeValue(raw)}`);
  const mode = isAbsent(raw.mode) ? "REGISTRY_ONLY" : raw.mode;
  if (typeof mode !== "string" || !MODES.has(mode)) {
    throw new Invalid(`${field}.mode`, `unknown mode ${describeValue(mode)} (expected REGISTRY_ONLY or ALLOW_ANY)`);
  }
  if (!isAbsent(raw.egressProxy) && mode !== "ALLOW_ANY") {
    throw new Invalid(`${field}.egressProxy`, "is only allowed with mode ALLOW_ANY");
  }
  return { mode: mode as OutboundMode, field: isAbsent(raw.mode) ? field : `${field}.mode` };
}

const OLDEST = "the oldest (by creationTimestamp, then name)";

/** The Sidecars sorted into the levels istiod picks from. */
export interface SidecarScopes {
  rootNamespace: string;
  /** The used Sidecar without a workloadSelector of each namespace (the root namespace's is the mesh default). */
  defaults: ReadonlyMap<string, SidecarRule>;
  /** Sidecars with a workloadSelector, by namespace, oldest first. */
  withSelector: ReadonlyMap<string, readonly SidecarRule[]>;
}

/**
 * Groups Sidecars (oldest first, as readSidecars returns them) by level; a second Sidecar without
 * a workloadSelector in one namespace is reported and ignored.
 */
export function groupSidecars(sidecars: readonly SidecarRule[], rootNamespace: string, issues: PolicyIssue[]): SidecarScopes {
  const defaults = new Map<string, SidecarRule>();
  const withSelector = new Map<string, SidecarRule[]>();
  for (const sidecar of sidecars) {
    if (sidecar.selector !== null) {
      withSelector.set(sidecar.namespace, [...(withSelector.get(sidecar.namespace) ?? []), sidecar]);
      continue;
    }
    const used = defaults.get(sidecar.namespace);
    if (!used) {
      defaults.set(sidecar.namespace, sidecar);
      continue;
    }
    const scope = sidecar.namespace === rootNamespace ? `mesh default in the root namespace ${rootNamespace}` : `default for namespace ${sidecar.namespace}`;
    issues.push({
      policy: sidecar.id,
      field: "spec.workloadSelector",
      message: `more than one Sidecar without a workloadSelector (the ${scope}); Istio's behaviour is undefined: Meshlens uses ${used.id}, ${OLDEST}, and ignores this one`,
    });
  }
  return { rootNamespace, defaults, withSelector };
}

/**
 * The Sidecar that applies to a workload with a proxy: one of its namespace whose workloadSelector
 * matches, else its namespace's default, else the root namespace's default, else none. A Sidecar
 * with a workloadSelector in the root namespace selects root-namespace workloads only.
 */
export function sidecarFor(workload: Workload, scopes: SidecarScopes, issues: PolicyIssue[]): SidecarRule | null {
  const [selected, ...ignored] = (scopes.withSelector.get(workload.namespace) ?? []).filter((sidecar) => selectorMatches(sidecar.selector!, workload.labels));
  for (const other of ignored) {
    issues.push({
      policy: other.id,
      field: "spec.workloadSelector",
      message: `selects ${workload.id}, as ${selected!.id} does; Istio's behaviour is undefined when several Sidecars select one workload: Meshlens uses ${selected!.id}, ${OLDEST}, and ignores this one for it`,
    });
  }
  return selected ?? scopes.defaults.get(workload.namespace) ?? scopes.defaults.get(scopes.rootNamespace) ?? null;
}
