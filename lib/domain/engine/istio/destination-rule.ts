/**
 * The client side of mTLS: which TLS mode a client's sidecar uses towards a service port, from the
 * DestinationRule Istio picks for that client and host.
 *
 * Lookup, as istiod does it (PushContext.destinationRule, SidecarScope.DestinationRule):
 * 1. Rules in the client's own namespace that it can see (exportTo `*`, `.` or naming it). For a
 *    client in the root namespace only the root namespace's private rules count here, so that
 *    mesh-wide catch-all rules there do not shadow the service's own.
 * 2. Else rules in the service's namespace exported to the client's namespace.
 * 3. Else rules in the root namespace exported to the client's namespace.
 * The first namespace with a matching rule decides, even when a later one has a more specific
 * host. Within it, the most specific host wins (exact name, then the longest wildcard); a rule
 * with a workloadSelector counts only for matching clients of its own namespace and then wins
 * over the rule without one; for any other client it is as if it were not there (the lookup
 * goes on), which is how the reference describes it. exportTo naming namespaces is read by its
 * plain meaning (visible to exactly those namespaces).
 * Mode: `trafficPolicy.tls.mode`, replaced for a service port by the first
 * `portLevelSettings[]` entry with that `port.number` ("Traffic settings specified at the
 * destination-level will not be inherited when overridden by port-level settings", so an entry
 * without tls means auto mTLS). No rule, or no tls: AUTO
 * (https://istio.io/latest/docs/concepts/security/#auto-mutual-tls). Istio enables auto mTLS by
 * default (meshConfig.enableAutoMtls); MeshConfig does not carry that field, so it is assumed on.
 *
 * Not modelled: subsets (they apply only through VirtualService routes), Sidecar resources that
 * narrow what a client sees, meshConfig.defaultDestinationRuleExportTo, a cluster domain other
 * than cluster.local, and merging between a rule with a workloadSelector and one without
 * (each is taken on its own; several rules with the same selector, or none, are merged).
 */
import type { MeshConfig, Policy, Workload } from "../../model";
import type { PolicyIssue } from "../issues";
import { sameSelector, selectorMatches } from "./istio-selectors";
import { hostMatches, hostSpecificity } from "./destination-rule-hosts";
import { readDestinationRules, type ClientTlsMode, type DestinationRuleEntry } from "./destination-rule-read";

export type { ClientTlsMode } from "./destination-rule-read";

/** The TLS a client sidecar uses towards a service port, and the DestinationRule that decided. */
export interface ClientTlsDecision {
  mode: ClientTlsMode | "AUTO";
  /**
   * The DestinationRule that applies to this client, host and port (`ns/name[DestinationRule]`),
   * also when it sets no tls (it still shadows rules further down the lookup); null when none does.
   */
  setBy: string | null;
  /**
   * Where in setBy the mode comes from: `spec.trafficPolicy.tls.mode`, a
   * `...portLevelSettings[i].tls.mode`, a `...tls` block without a mode (DISABLE), or a
   * `...portLevelSettings[i]` entry without tls (AUTO). Absent when no rule applies or it has no tls.
   */
  field?: string;
}

const AUTO: ClientTlsDecision = { mode: "AUTO", setBy: null };

/**
 * Read rules by policies array: the snapshot's policies are verbatim data that is never
 * mutated, and resolveClientTls runs once per edge.
 */
const readCache = new WeakMap<readonly Policy[], { rules: DestinationRuleEntry[]; issues: PolicyIssue[] }>();

function readCached(policies: readonly Policy[]) {
  let read = readCache.get(policies);
  if (!read) {
    read = readDestinationRules(policies);
    readCache.set(policies, read);
  }
  return read;
}

/** The DestinationRules Istio would refuse, and rules with no effect (for the findings list). */
export function destinationRuleIssues(policies: readonly Policy[]): PolicyIssue[] {
  return [...readCached(policies).issues];
}

/**
 * The TLS mode `source`'s sidecar uses for `destinationHost:port`. Only meaningful for a source
 * with a sidecar (edgeEncryption ignores it otherwise).
 */
export function resolveClientTls(input: {
  source: Workload;
  /** FQDN e.g. cart.shop.svc.cluster.local */
  destinationHost: string;
  destinationNamespace: string;
  /** service port */
  port: number;
  policies: readonly Policy[];
  meshConfig: MeshConfig;
}): ClientTlsDecision {
  const { source, destinationHost, port, meshConfig } = input;
  const client = source.namespace;
  const root = meshConfig.rootNamespace;
  const steps: { namespace: string; eligible: (rule: DestinationRuleEntry) => boolean }[] = [
    { namespace: client, eligible: (rule) => visibleTo(rule, client) && (client !== root || privateOnly(rule)) },
    { namespace: input.destinationNamespace, eligible: (rule) => !privateOnly(rule) && visibleTo(rule, client) },
    { namespace: root, eligible: (rule) => !privateOnly(rule) && visibleTo(rule, client) },
  ];
  const { rules } = readCached(input.policies);
  for (const step of steps) {
    const candidates = rules.filter(
      (rule) =>
        rule.namespace === step.namespace &&
        step.eligible(rule) &&
        hostMatches(rule.host, destinationHost) &&
        // workloadSelector: "applied only to the workload instances matching the workload selector
        // label in the same namespace"; such rules are private, so only step 1 sees them.
        (rule.workloadSelector === null || selectorMatches(rule.workloadSelector, source.labels)),
    );
    if (candidates.length > 0) return decide(mostSpecific(candidates), port);
  }
  return AUTO;
}

function visibleTo(rule: DestinationRuleEntry, namespace: string): boolean {
  return rule.exportTo === "*" || rule.exportTo.has(namespace);
}

/** Exported to its own namespace only (`.`), or selecting workloads (Istio never exports those). */
function privateOnly(rule: DestinationRuleEntry): boolean {
  return rule.workloadSelector !== null || (rule.exportTo !== "*" && rule.exportTo.size === 1 && rule.exportTo.has(rule.namespace));
}

/**
 * The rules Istio merges into the one that applies: those with the most specific host, then the
 * matching workloadSelector group that was created first if any, else those without a selector.
 * `candidates` are oldest first.
 */
function mostSpecific(candidates: DestinationRuleEntry[]): DestinationRuleEntry[] {
  const best = Math.max(...candidates.map((rule) => hostSpecificity(rule.host)));
  const onHost = candidates.filter((rule) => hostSpecificity(rule.host) === best);
  const selecting = onHost.filter((rule) => rule.workloadSelector !== null);
  const first = selecting[0];
  if (first) return selecting.filter((rule) => sameSelector(rule.workloadSelector!, first.workloadSelector!));
  return onHost;
}

/** The merged rule's mode: the oldest trafficPolicy among the merged rules, then the port's entry. */
function decide(merged: DestinationRuleEntry[], port: number): ClientTlsDecision {
  const rule = merged.find((candidate) => candidate.trafficPolicy !== null) ?? merged[0]!;
  const traffic = rule.trafficPolicy;
  if (traffic === null) return { mode: "AUTO", setBy: rule.id };
  const portSetting = traffic.ports.get(port);
  if (portSetting) {
    return portSetting.tls
      ? { mode: portSetting.tls.mode, setBy: rule.id, field: portSetting.tls.field }
      : { mode: "AUTO", setBy: rule.id, field: portSetting.field };
  }
  return traffic.tls ? { mode: traffic.tls.mode, setBy: rule.id, field: traffic.tls.field } : { mode: "AUTO", setBy: rule.id };
}
