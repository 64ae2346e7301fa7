/**
 * DestinationRule objects (networking.istio.io v1, v1beta1 and v1alpha3 alike: the spec is the
 * same) read into checked rules, keeping what decides client-side TLS. Reference:
 * https://istio.io/latest/docs/reference/config/networking/destination-rule/
 */
import type { Policy } from "../../model";
import type { PolicyIssue } from "../issues";
import { readWorkloadSelector, sameSelector, type MatchLabels } from "./istio-selectors";
import { resolveHost } from "./destination-rule-hosts";
import { compareCreation, creationOrder, describeValue, Invalid, isAbsent, isObject, readEach, type CreationOrder, type Json } from "./mtls-verbatim";

/** ClientTLSSettings.TLSmode (https://istio.io/latest/docs/reference/config/networking/destination-rule/#ClientTLSSettings-TLSmode). */
export type ClientTlsMode = "DISABLE" | "SIMPLE" | "MUTUAL" | "ISTIO_MUTUAL";

const TLS_MODES: ReadonlySet<string> = new Set<ClientTlsMode>(["DISABLE", "SIMPLE", "MUTUAL", "ISTIO_MUTUAL"]);

/** A `tls` block and the field that decided its mode. */
export interface TlsSetting {
  mode: ClientTlsMode;
  /** `...tls.mode`, or `...tls` when the block has no mode: DISABLE, the enum's zero value. */
  field: string;
}

/** The parts of a trafficPolicy that decide client TLS. */
export interface TrafficTls {
  /** null: no `tls`, so auto mTLS decides. */
  tls: TlsSetting | null;
  /** Service port -> the first portLevelSettings entry for it, with its own tls (null: none). */
  ports: ReadonlyMap<number, { field: string; tls: TlsSetting | null }>;
}

/** A DestinationRule Istio would accept. */
export interface DestinationRuleEntry {
  id: string;
  namespace: string;
  order: CreationOrder;
  /** `spec.host` resolved to an FQDN (short names are relative to the rule's namespace), or a wildcard. */
  host: string;
  /** null: applies to every client that can see the rule. */
  workloadSelector: MatchLabels | null;
  /** `*`: every namespace; else the namespaces it is exported to (`.` written as the rule's own). */
  exportTo: "*" | ReadonlySet<string>;
  /** null: no trafficPolicy at all. */
  trafficPolicy: TrafficTls | null;
}

/** Reads every DestinationRule; those Istio would refuse are reported and left out. */
export function readDestinationRules(policies: readonly Policy[]): { rules: DestinationRuleEntry[]; issues: PolicyIssue[] } {
  const { rules, issues } = readEach(policies, "DestinationRule", readRule);
  rules.sort((a, b) => compareCreation(a.order, b.order));
  issues.push(...mergedTrafficPolicies(rules));
  return { rules, issues };
}

function readRule(policy: Policy, notes: PolicyIssue[]): DestinationRuleEntry {
  const spec = policy.object.spec;
  if (!isObject(spec)) throw new Invalid("spec", `must be a mapping, found ${describeValue(spec)}`);
  if (typeof spec.host !== "string" || spec.host === "") throw new Invalid("spec.host", "is required (the service the rule is for)");
  const workloadSelector = readWorkloadSelector(spec.workloadSelector, "spec.workloadSelector");
  const exportTo = readExportTo(spec.exportTo, policy.namespace, workloadSelector !== null);
  const trafficPolicy = readTrafficPolicy(spec.trafficPolicy, "spec.trafficPolicy", policy, notes);
  const { order, issue } = creationOrder(policy);
  if (issue) notes.push(issue);
  return { id: policy.id, namespace: policy.namespace, order, host: resolveHost(spec.host, policy.namespace), workloadSelector, exportTo, trafficPolicy };
}

const DNS1123_LABEL = /^(?=.{1,63}$)[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

/**
 * `exportTo` as Istio validates it (validateExportTo): `*`, `.` or namespace names, no duplicates
 * (`.` counts as the rule's own namespace), `*` alone, and a rule with a workloadSelector never
 * beyond its own namespace. Absent or empty: `*` (meshConfig.defaultDestinationRuleExportTo is not
 * read; Istio's default is `*`). A rule with a workloadSelector is never exported anyway.
 */
function readExportTo(raw: unknown, namespace: string, hasSelector: boolean): "*" | ReadonlySet<string> {
  const field = "spec.exportTo";
  if (isAbsent(raw)) return hasSelector ? new Set([namespace]) : "*";
  if (!Array.isArray(raw)) throw new Invalid(field, `must be a list of namespaces, found ${describeValue(raw)}`);
  if (raw.length === 0) return hasSelector ? new Set([namespace]) : "*";
  const names = new Set<string>();
  raw.forEach((value: unknown, i) => {
    const at = `${field}[${i}]`;
    if (typeof value !== "string") throw new Invalid(at, `must be a string, found ${describeValue(value)}`);
    if (value !== "*" && value !== "." && !DNS1123_LABEL.test(value)) {
      throw new Invalid(at, `${describeValue(value)} is not "*", "." or a namespace name`);
    }
    const name = value === "." ? namespace : value;
    if (names.has(name)) throw new Invalid(at, `duplicate entry ${describeValue(value)} (. is the rule's own namespace ${namespace})`);
    names.add(name);
  });
  if (names.has("*") && names.size > 1) throw new Invalid(field, `"*" cannot be combined with other entries`);
  if (hasSelector && !(names.size === 1 && names.has(namespace))) {
    throw new Invalid(field, "a DestinationRule with a workloadSelector cannot be exported beyond its own namespace");
  }
  return names.has("*") ? "*" : names;
}

function readTrafficPolicy(raw: unknown, field: string, policy: Policy, notes: PolicyIssue[]): TrafficTls | null {
  if (isAbsent(raw)) return null;
  if (!isObject(raw)) throw new Invalid(field, `must be a mapping, found ${describeValue(raw)}`);
  const tls = readTls(raw.tls, `${field}.tls`);
  const ports = new Map<number, { field: string; tls: TlsSetting | null }>();
  const list = raw.portLevelSettings;
  if (isAbsent(list)) return { tls, ports };
  if (!Array.isArray(list)) throw new Invalid(`${field}.portLevelSettings`, `must be a list, found ${describeValue(list)}`);
  list.forEach((entry: unknown, i) => {
    const at = `${field}.portLevelSettings[${i}]`;
    if (!isObject(entry)) throw new Invalid(at, `must be a mapping, found ${describeValue(entry)}`);
    const port = portNumber(entry, at);
    const setting = { field: at, tls: readTls(entry.tls, `${at}.tls`) };
    const first = ports.get(port);
    if (first) {
      // getPortLevelTrafficPolicy stops at the first entry for the port.
      notes.push({ policy: policy.id, field: `${at}.port.number`, message: `port ${port} is already set by ${first.field}, which Istio uses: this entry is ignored` });
    } else {
      ports.set(port, setting);
    }
  });
  return { tls, ports };
}

function portNumber(entry: Json, at: string): number {
  const port = entry.port;
  if (!isObject(port)) throw new Invalid(`${at}.port`, "is required (portLevelSettings need a port)");
  const number = port.number;
  if (typeof number !== "number" || !Number.isInteger(number) || number < 1 || number > 65535) {
    throw new Invalid(`${at}.port.number`, `must be a port number 1-65535, found ${describeValue(number)}`);
  }
  return number;
}

/** A `tls` block: null when absent; a block without a mode is DISABLE (the enum's zero value). */
function readTls(raw: unknown, field: string): TlsSetting | null {
  if (isAbsent(raw)) return null;
  if (!isObject(raw)) throw new Invalid(field, `must be a mapping, found ${describeValue(raw)}`);
  const mode = raw.mode;
  if (isAbsent(mode)) return { mode: "DISABLE", field };
  if (typeof mode !== "string" || !TLS_MODES.has(mode)) {
    throw new Invalid(`${field}.mode`, `unknown mode ${describeValue(mode)} (expected DISABLE, SIMPLE, MUTUAL or ISTIO_MUTUAL)`);
  }
  return { mode: mode as ClientTlsMode, field: `${field}.mode` };
}

/**
 * Istio merges DestinationRules of one namespace for the same host (and the same workloadSelector,
 * or none): subsets are joined, and the trafficPolicy is the oldest one's that has a trafficPolicy
 * (mergeDestinationRule). The later rules' trafficPolicies have no effect: report them.
 * `rules` is oldest first.
 */
function mergedTrafficPolicies(rules: readonly DestinationRuleEntry[]): PolicyIssue[] {
  const issues: PolicyIssue[] = [];
  const used: DestinationRuleEntry[] = [];
  for (const rule of rules) {
    if (rule.trafficPolicy === null) continue;
    const earlier = used.find((other) => sameTarget(other, rule));
    if (!earlier) {
      used.push(rule);
      continue;
    }
    issues.push({
      policy: rule.id,
      field: "spec.trafficPolicy",
      message: `${earlier.id} is for the same host ${rule.host} in ${rule.namespace} and is older: for clients that see both, Istio merges them and keeps ${earlier.id}'s trafficPolicy, so this one's has no effect`,
    });
  }
  return issues;
}

function sameTarget(a: DestinationRuleEntry, b: DestinationRuleEntry): boolean {
  if (a.namespace !== b.namespace || a.host !== b.host) return false;
  if (a.workloadSelector === null || b.workloadSelector === null) return a.workloadSelector === b.workloadSelector;
  return sameSelector(a.workloadSelector, b.workloadSelector);
}
