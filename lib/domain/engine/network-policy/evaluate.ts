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
import { ConnectionSet, IntersectionCache, type Protocol } from "../primitives/connections";
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
  /**
   * Per destination, a class: destinations of one class admit any given source alike on ingress
   * (same isolation, same rules, and the same container ports when a rule names ports).
   */
  readonly ingressClass: Int32Array;
  /**
   * Per source, a class: sources of one class are allowed alike toward every destination (the
   * same pod peers select them, and the same egress rules, or none, isolate them).
   */
  readonly sourceClass: Int32Array;
  /** `connectionsBetween` for one source and many destinations, sharing work between them. */
  from(source: number): SourceView;
  /** From a workload to addresses outside the cluster: disjoint address ranges, each with what is allowed. */
  toExternal(source: number): ExternalSegment[];
  /** From addresses outside the cluster to a workload. */
  fromExternal(destination: number): ExternalSegment[];
}

export interface SourceView {
  /** What `connectionsBetween` answers. */
  toward(destination: number): ConnectionSet;
  /** The destination's ingress half alone: the same for its whole ingress class. */
  ingress(destination: number): ConnectionSet;
  /** The source's egress half alone. */
  egress(destination: number): ConnectionSet;
  /** The source is not isolated for egress, so `egress` allows everything and `toward` is `ingress`. */
  egressOpen: boolean;
}

interface AttachedRule {
  /** Numbers the rules: destinations with the same rule numbers share their ingress answers. */
  serial: number;
  policy: string;
  direction: "ingress" | "egress";
  rule: CompiledRule;
  /** Its pod peers, as ids of distinct peer selections (see `membership`). */
  podPeers: number[];
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

  /**
   * Distinct pod peers (namespace and pod selector, in the policy's namespace), by id, with the
   * workloads each selects. After compilation they are transposed into `membership`: per
   * workload, one bit per peer id, so that "does this rule admit workload w" reads one small
   * contiguous row (one workload's questions touch a few hundred bytes, not a bitmap per peer).
   */
  const peerIds = new Map<string, number>();
  const peerMembers: number[][] = [];
  const peerId = (peer: Extract<CompiledPeer, { kind: "pods" }>, policyNamespace: string): number => {
    const key = `${peer.namespaceSelector ? `ns:${peer.namespaceSelector.text}` : `in:${policyNamespace}`}|${peer.podSelector.text}`;
    let id = peerIds.get(key);
    if (id === undefined) {
      const namespaces = peer.namespaceSelector
        ? new Set(workloadNamespaces.filter((ns) => peer.namespaceSelector!.matches(labelsOf(ns))))
        : new Set([policyNamespace]);
      id = peerMembers.length;
      peerMembers.push(selectedPods(peer.podSelector, (ns) => namespaces.has(ns)));
      peerIds.set(key, id);
    }
    return id;
  };

  const ingressRules: AttachedRule[][] = Array.from({ length: n }, () => []);
  const egressRules: AttachedRule[][] = Array.from({ length: n }, () => []);
  const isolatedForIngress = new Array<boolean>(n).fill(false);
  const isolatedForEgress = new Array<boolean>(n).fill(false);
  const selectedBy: string[][] = Array.from({ length: n }, () => []);

  let serial = 0;
  for (const policy of policies) {
    const selected = selectedPods(policy.podSelector, (ns) => ns === policy.namespace);
    const attach = (rules: CompiledRule[], direction: "ingress" | "egress"): AttachedRule[] =>
      rules.map((rule) => {
        const podPeers: number[] = [];
        let ips = IpSet.none();
        for (const peer of rule.peers ?? []) {
          if (peer.kind === "pods") podPeers.push(peerId(peer, policy.namespace));
          else ips = ips.union(peer.ips);
        }
        let fixed = rule.ports === null ? ConnectionSet.all() : ConnectionSet.none();
        const named: AttachedRule["named"] = [];
        for (const port of rule.ports ?? []) {
          if (port.kind === "numbers") fixed = fixed.union(port.connections);
          else named.push({ protocol: port.protocol, name: port.name });
        }
        const anyone = rule.peers === null;
        return { serial: serial++, policy: policy.id, direction, rule, podPeers, ips: anyone ? IpSet.all() : ips, anyone, fixed, named };
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

  const words = Math.max(1, Math.ceil(peerMembers.length / 32));
  const membership = new Uint32Array(n * words);
  peerMembers.forEach((members, id) => {
    for (const w of members) membership[w * words + (id >>> 5)]! |= 1 << (id & 31);
  });
  peerMembers.length = 0; // transposed: not kept
  const admits = (rule: AttachedRule, peer: number) => {
    if (rule.anyone) return true;
    const row = peer * words;
    for (const id of rule.podPeers) if (membership[row + (id >>> 5)]! & (1 << (id & 31))) return true;
    return false;
  };

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

  const ingressClass = new Int32Array(n);
  const classes = new Map<string, number>();
  for (let d = 0; d < n; d++) {
    const rules = ingressRules[d]!;
    let key = isolatedForIngress[d] ? rules.map((rule) => rule.serial).join(",") : "open";
    if (rules.some((rule) => rule.named.length > 0)) key += `|${JSON.stringify(workloads[d]!.ports)}`;
    let id = classes.get(key);
    if (id === undefined) classes.set(key, (id = classes.size));
    ingressClass[d] = id;
  }

  const sourceClass = new Int32Array(n);
  {
    const known = new Map<string, number>();
    const row = new Uint16Array(membership.buffer);
    for (let w = 0; w < n; w++) {
      let bits = "";
      for (let at = w * words * 2, end = at + words * 2; at < end; at += 4096) bits += String.fromCharCode(...row.subarray(at, Math.min(end, at + 4096)));
      const key = `${isolatedForEgress[w] ? egressRules[w]!.map((rule) => rule.serial).join(",") : "open"}|${bits}`;
      let id = known.get(key);
      if (id === undefined) known.set(key, (id = known.size));
      sourceClass[w] = id;
    }
  }

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
    ingressClass,
    sourceClass,
    from(source) {
      const ingressByClass = new Array<ConnectionSet | undefined>(classes.size);
      const rules = egressRules[source]!;
      const egressOpen = !isolatedForEgress[source]!;
      // Without named ports, the egress answer only depends on which rules admit the destination.
      const byMask = egressOpen || rules.length > 30 || rules.some((rule) => rule.named.length > 0) ? null : new Map<number, ConnectionSet>();
      const intersections = new IntersectionCache();
      const ingress = (destination: number) => {
        const c = ingressClass[destination]!;
        let result = ingressByClass[c];
        if (result === undefined) {
          result = allowedOnly(ingressRules[destination]!, isolatedForIngress[destination]!, source, destination);
          ingressByClass[c] = result;
        }
        return result;
      };
      const egress = (destination: number) => {
        if (egressOpen) return ALL;
        if (!byMask) return allowedOnly(rules, true, destination, destination);
        let mask = 0;
        for (let r = 0; r < rules.length; r++) if (admits(rules[r]!, destination)) mask |= 1 << r;
        let result = byMask.get(mask);
        if (result === undefined) {
          result = ConnectionSet.unionAll(rules.filter((_, r) => mask & (1 << r)).map((rule) => rule.fixed));
          byMask.set(mask, result);
        }
        return result;
      };
      return {
        egressOpen,
        ingress,
        egress,
        toward(destination) {
          const admitted = ingress(destination);
          return admitted.isEmpty() || egressOpen ? admitted : intersections.intersect(admitted, egress(destination));
        },
      };
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
