/**
 * What Kubernetes NetworkPolicies allow between workloads, and between workloads and addresses
 * outside the cluster (networking.k8s.io/v1 semantics, https://kubernetes.io/docs/concepts/services-networking/network-policies/):
 *
 * - A pod is isolated for ingress (egress) only if some policy selecting it has that type;
 *   otherwise everything is allowed in that direction.
 * - Policies are additive: an isolated pod admits the union of what its policies' rules allow.
 * - A connection needs the source's egress AND the destination's ingress to allow it.
 * - Named ports resolve against the destination pod's container ports (name and protocol); a
 *   pod without that port name gets nothing from the entry.
 * - ipBlocks only ever match addresses outside the cluster: Meshlens treats pod IPs as in no
 *   ipBlock (the snapshot has no pod IPs, and CNI plugins differ on whether ipBlocks apply to
 *   pod traffic; the Kubernetes docs advise against relying on it).
 */
import type { Labels, Namespace, Workload } from "../../model";
import type { PolicyIssue } from "../issues";
import { ConnectionSet, type Protocol } from "../primitives/connections";
import { IpSet } from "../primitives/ipv4";
import { LabelIndex, type CompiledSelector } from "../primitives/selectors";
import { compileNetworkPolicies, type CompiledPeer, type CompiledRule } from "./compile";

/** A rule that allowed something: `ns/name[NetworkPolicy]` and its position. */
export interface RuleRef {
  policy: string;
  direction: "ingress" | "egress";
  index: number;
}

/** Why a direction was open: the rules that admitted it, or "not isolated" (no policy selects the pod). */
export type Because = RuleRef[] | "not isolated";

export interface PairVerdict {
  connections: ConnectionSet;
  ingress: { connections: ConnectionSet; because: Because };
  egress: { connections: ConnectionSet; because: Because };
}

export interface ExternalSegment {
  ips: IpSet;
  connections: ConnectionSet;
  because: Because;
}

export interface NetworkPolicyAnalysis {
  readonly workloads: readonly Workload[];
  readonly isolatedForIngress: readonly boolean[];
  readonly isolatedForEgress: readonly boolean[];
  /** Policies (ids) selecting each workload. */
  readonly selectedBy: readonly string[][];
  readonly issues: readonly PolicyIssue[];
  /** Between two workloads (indices into `workloads`). */
  between(source: number, destination: number): PairVerdict;
  /** What `between` allows, without the explanation (cheaper: for bulk questions). */
  connectionsBetween(source: number, destination: number): ConnectionSet;
  /** From a workload to addresses outside the cluster: disjoint address ranges, each with what is allowed. */
  toExternal(source: number): ExternalSegment[];
  /** From addresses outside the cluster to a workload. */
  fromExternal(destination: number): ExternalSegment[];
}

interface AttachedRule {
  policy: string;
  direction: "ingress" | "egress";
  rule: CompiledRule;
  /** Per peer: the workloads it admits (bitmap over workload indices), or the addresses. */
  podPeers: Uint8Array[];
  ips: IpSet;
  /** The rule admits everything (no `from`/`to`). */
  anyone: boolean;
  /** Numeric ports (or everything); named ports are added per destination. */
  fixed: ConnectionSet;
  named: { protocol: Protocol; name: string }[];
}

export function analyzeNetworkPolicies(input: {
  workloads: readonly Workload[];
  namespaces: readonly Namespace[];
  policies: Parameters<typeof compileNetworkPolicies>[0];
}): NetworkPolicyAnalysis {
  const { workloads } = input;
  const n = workloads.length;
  const { policies, issues } = compileNetworkPolicies(input.policies);
  const podIndex = new LabelIndex(workloads, (w) => w.labels);
  const namespaceLabels = new Map<string, Labels>(input.namespaces.map((ns) => [ns.name, ns.labels]));
  // The API server labels every namespace with its name (Kubernetes 1.22+).
  const labelsOf = (ns: string) => namespaceLabels.get(ns) ?? { "kubernetes.io/metadata.name": ns };
  const workloadNamespaces = [...new Set(workloads.map((w) => w.namespace))];

  const selectedPods = (podSelector: CompiledSelector, inNamespace: (ns: string) => boolean): number[] =>
    Array.from(podIndex.select(podSelector)).filter((i) => inNamespace(workloads[i]!.namespace));

  const peerCache = new Map<string, Uint8Array>();
  const peerBitmap = (peer: Extract<CompiledPeer, { kind: "pods" }>, policyNamespace: string): Uint8Array => {
    const key = `${peer.namespaceSelector ? `ns:${peer.namespaceSelector.text}` : `in:${policyNamespace}`}|${peer.podSelector.text}`;
    let bitmap = peerCache.get(key);
    if (!bitmap) {
      const namespaces = peer.namespaceSelector
        ? new Set(workloadNamespaces.filter((ns) => peer.namespaceSelector!.matches(labelsOf(ns))))
        : new Set([policyNamespace]);
      bitmap = new Uint8Array(n);
      for (const i of selectedPods(peer.podSelector, (ns) => namespaces.has(ns))) bitmap[i] = 1;
      peerCache.set(key, bitmap);
    }
    return bitmap;
  };

  const ingressRules: AttachedRule[][] = Array.from({ length: n }, () => []);
  const egressRules: AttachedRule[][] = Array.from({ length: n }, () => []);
  const isolatedForIngress = new Array<boolean>(n).fill(false);
  const isolatedForEgress = new Array<boolean>(n).fill(false);
  const selectedBy: string[][] = Array.from({ length: n }, () => []);

  for (const policy of policies) {
    const selected = selectedPods(policy.podSelector, (ns) => ns === policy.namespace);
    const attach = (rules: CompiledRule[], direction: "ingress" | "egress"): AttachedRule[] =>
      rules.map((rule) => {
        const podPeers: Uint8Array[] = [];
        let ips = IpSet.none();
        for (const peer of rule.peers ?? []) {
          if (peer.kind === "pods") podPeers.push(peerBitmap(peer, policy.namespace));
          else ips = ips.union(peer.ips);
        }
        let fixed = rule.ports === null ? ConnectionSet.all() : ConnectionSet.none();
        const named: AttachedRule["named"] = [];
        for (const port of rule.ports ?? []) {
          if (port.kind === "numbers") fixed = fixed.union(port.connections);
          else named.push({ protocol: port.protocol, name: port.name });
        }
        const anyone = rule.peers === null;
        return { policy: policy.id, direction, rule, podPeers, ips: anyone ? IpSet.all() : ips, anyone, fixed, named };
      });
    const ingress = policy.ingress ? attach(policy.ingress, "ingress") : null;
    const egress = policy.egress ? attach(policy.egress, "egress") : null;
    for (const i of selected) {
      selectedBy[i]!.push(policy.id);
      if (ingress) {
        isolatedForIngress[i] = true;
        ingressRules[i]!.push(...ingress);
      }
      if (egress) {
        isolatedForEgress[i] = true;
        egressRules[i]!.push(...egress);
      }
    }
  }

  /** What a rule's ports allow toward one destination pod (null: an address outside the cluster). */
  const portsToward = (rule: AttachedRule, destination: number | null): ConnectionSet => {
    if (rule.named.length === 0 || destination === null) return rule.fixed;
    let result = rule.fixed;
    for (const { protocol, name } of rule.named) {
      for (const port of workloads[destination]!.ports) {
        if (port.name === name && port.protocol === protocol) result = result.union(ConnectionSet.of(protocol, port.port));
      }
    }
    return result;
  };

  const admits = (rule: AttachedRule, peer: number) => rule.anyone || rule.podPeers.some((bitmap) => bitmap[peer] === 1);

  const direction = (rules: AttachedRule[], isolated: boolean, peer: number, destination: number) => {
    if (!isolated) return { connections: ConnectionSet.all(), because: "not isolated" as const };
    let connections = ConnectionSet.none();
    const because: RuleRef[] = [];
    for (const rule of rules) {
      if (!admits(rule, peer)) continue;
      const allowed = portsToward(rule, destination);
      if (allowed.isEmpty()) continue;
      connections = connections.union(allowed);
      because.push({ policy: rule.policy, direction: rule.direction, index: rule.rule.index });
    }
    return { connections, because };
  };

  /** `direction` without the explanation: for questions that only need the answer. */
  const ALL = ConnectionSet.all();
  const allowedOnly = (rules: AttachedRule[], isolated: boolean, peer: number, destination: number): ConnectionSet => {
    if (!isolated) return ALL;
    let connections = ConnectionSet.none();
    for (const rule of rules) if (admits(rule, peer)) connections = connections.union(portsToward(rule, destination));
    return connections;
  };

  const external = (rules: AttachedRule[], isolated: boolean, destination: number | null): ExternalSegment[] => {
    if (!isolated) return [{ ips: IpSet.all(), connections: ConnectionSet.all(), because: "not isolated" }];
    const pieces = rules
      .filter((rule) => !rule.ips.isEmpty())
      .map((rule) => ({ rule, ips: rule.ips, connections: portsToward(rule, destination) }))
      .filter((piece) => !piece.connections.isEmpty());
    return segment(pieces);
  };

  return {
    workloads,
    isolatedForIngress,
    isolatedForEgress,
    selectedBy,
    issues,
    between(source, destination) {
      const ingress = direction(ingressRules[destination]!, isolatedForIngress[destination]!, source, destination);
      const egress = direction(egressRules[source]!, isolatedForEgress[source]!, destination, destination);
      return { connections: ingress.connections.intersect(egress.connections), ingress, egress };
    },
    connectionsBetween(source, destination) {
      const ingress = allowedOnly(ingressRules[destination]!, isolatedForIngress[destination]!, source, destination);
      if (ingress.isEmpty()) return ingress;
      return ingress.intersect(allowedOnly(egressRules[source]!, isolatedForEgress[source]!, destination, destination));
    },
    toExternal: (source) => external(egressRules[source]!, isolatedForEgress[source]!, null),
    fromExternal: (destination) => external(ingressRules[destination]!, isolatedForIngress[destination]!, destination),
  };
}

/**
 * Cuts the address space at every range boundary of the pieces, and gives each elementary range
 * the union of what the pieces covering it allow; neighbours with the same result are merged.
 */
function segment(pieces: { rule: AttachedRule; ips: IpSet; connections: ConnectionSet }[]): ExternalSegment[] {
  const cuts = new Set<number>();
  for (const piece of pieces) {
    for (const [start, end] of piece.ips.ranges()) {
      cuts.add(start);
      cuts.add(end + 1);
    }
  }
  const points = [...cuts].sort((a, b) => a - b);
  const result: ExternalSegment[] = [];
  for (let k = 0; k + 1 < points.length; k++) {
    const start = points[k]!;
    const end = points[k + 1]! - 1;
    let connections = ConnectionSet.none();
    const because: RuleRef[] = [];
    for (const piece of pieces) {
      if (!piece.ips.contains(start)) continue;
      connections = connections.union(piece.connections);
      because.push({ policy: piece.rule.policy, direction: piece.rule.direction, index: piece.rule.rule.index });
    }
    if (connections.isEmpty()) continue;
    const last = result.at(-1);
    const lastEnd = last?.ips.ranges().at(-1)?.[1];
    if (last && lastEnd === start - 1 && last.connections.equals(connections) && sameRules(last.because, because)) {
      result[result.length - 1] = { ...last, ips: last.ips.union(IpSet.range(start, end)) };
    } else {
      result.push({ ips: IpSet.range(start, end), connections, because });
    }
  }
  return result;
}

function sameRules(a: Because, b: Because): boolean {
  if (a === "not isolated" || b === "not isolated") return a === b;
  return a.length === b.length && a.every((r, i) => r.policy === b[i]!.policy && r.index === b[i]!.index && r.direction === b[i]!.direction);
}
