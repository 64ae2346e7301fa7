/**
 * Proof that a recommendation (recommend.ts) allows the observed traffic and nothing more, by
 * the policy engine itself: the snapshot's NetworkPolicies, AuthorizationPolicies and
 * PeerAuthentications in the recommended namespaces are replaced by the generated ones (other
 * namespaces keep theirs; DestinationRules, Sidecars and ServiceEntries are kept), `analyzeMesh`
 * runs on the result, and two questions are asked:
 *
 * - Observed but not allowed: every observed workload -> workload flow touching a recommended
 *   namespace must be allowed on each of its derived ports (and observed external traffic of
 *   their workloads on its ports, by the NetworkPolicies). A flow the current policies refuse
 *   too is not the recommendation's doing: it is listed under `accepted`.
 * - Allowed but not observed: every (source, destination) the engine allows, one of them in a
 *   recommended namespace, must be observed, on the derived ports; so must what those workloads
 *   may send out of the cluster or receive from it. DNS (kube-dns) and istiod are expected.
 *
 * What selectors cannot narrow further is accounted for in `accepted`, with the reason: pods of
 * two workloads with the very same labels (NetworkPolicies cannot tell them apart), and peers the
 * snapshot does not have, admitted by their namespace. Destinations whose AuthorizationPolicy is
 * held back until their callers speak mTLS are protected at layer 4 only, but the NetworkPolicies
 * still admit only their observed callers: they add nothing here unless one of those two reasons
 * applies, and then it is listed like any other.
 */
import { analyzeMesh, type MeshAnalysis } from "../engine/mesh";
import { ConnectionSet } from "../engine/primitives/connections";
import { objectId, POLICY_KINDS, type Policy, type PolicyKind, type Snapshot, type Workload } from "../model";
import { observedFlows, type ObservedFlow, type Recommendation } from "./recommend";

/** An allowed or refused connection that is expected, and why. */
export interface AcceptedPair {
  /** `source => destination : connections` */
  pair: string;
  reason: string;
}

export interface Proof {
  /** `source => destination : connections` allowed by the recommendation but never observed. */
  allowedButNotObserved: string[];
  /** `source => destination : port` observed but refused once the recommendation is applied. */
  observedButNotAllowed: string[];
  /** Differences that are expected, each with its reason (see the file comment). */
  accepted: AcceptedPair[];
}

/** The kinds a recommendation replaces in its namespaces. */
const REPLACED: ReadonlySet<string> = new Set<PolicyKind>(["NetworkPolicy", "AuthorizationPolicy", "PeerAuthentication"]);

/** Checks a recommendation against the snapshot's observed traffic (see the file comment). */
export function proveRecommendation(snapshot: Snapshot, recommendation: Recommendation): Proof {
  const recommended = new Set(recommendation.namespaces.map((n) => n.namespace));
  const generated = recommendation.namespaces.flatMap((n) => n.objects).filter((o) => REPLACED.has(String(o.kind))).map(asPolicy);
  const policies = [...snapshot.policies.filter((p) => !(REPLACED.has(p.kind) && recommended.has(p.namespace))), ...generated];
  const after = analyzeMesh({ ...snapshot, policies });
  let before: MeshAnalysis | undefined;
  const current = () => (before ??= analyzeMesh(snapshot));

  const workloads = snapshot.workloads;
  const index = new Map(workloads.map((w, i) => [w.id, i]));
  const involved = (w: Workload) => recommended.has(w.namespace);
  const observed = new ObservedIndex(observedFlows(snapshot), workloads);
  const proof: Proof = { allowedButNotObserved: [], observedButNotAllowed: [], accepted: [] };

  // Observed traffic must still be allowed.
  for (const flow of observed.flows) {
    const { source, destination } = flow;
    if (source.kind !== "workload") continue;
    const s = index.get(source.workload.id)!;
    if (destination.kind === "workload") {
      if (!involved(source.workload) && !involved(destination.workload)) continue;
      const d = index.get(destination.workload.id)!;
      for (const port of missingPorts(flow, after.connectionsBetween(s, d))) {
        const pair = `${source.workload.id} => ${destination.workload.id} : ${port}`;
        const today = current().connectionsBetween(s, d);
        if (port === "any port" ? today.isEmpty() : !today.has("TCP", port)) proof.accepted.push({ pair, reason: "the current policies refuse it too" });
        else proof.observedButNotAllowed.push(pair);
      }
    } else if (destination.kind === "external" && involved(source.workload) && (destination.via === "service-entry" || destination.via === "passthrough")) {
      const allowed = ConnectionSet.unionAll(after.networkPolicies.toExternal(s).map((segment) => segment.connections));
      for (const port of missingPorts(flow, allowed)) proof.observedButNotAllowed.push(`${source.workload.id} => ${destination.host} : ${port}`);
    }
  }

  // Nothing else may be allowed.
  workloads.forEach((source, s) => {
    for (const group of after.peersOf(s)) {
      for (const d of group.destinations) {
        const destination = workloads[d]!;
        if (!involved(source) && !involved(destination)) continue;
        if (isInfrastructure(destination)) continue;
        const excess = group.connections.subtract(observed.between(source, destination));
        if (excess.isEmpty()) continue;
        const explanations = observed.explain(source, destination);
        const explained = excess.intersect(ConnectionSet.unionAll(explanations.map((e) => e.connections)));
        const unexplained = excess.subtract(explained);
        if (!unexplained.isEmpty()) proof.allowedButNotObserved.push(`${source.id} => ${destination.id} : ${unexplained}`);
        if (!explained.isEmpty()) {
          const reasons = explanations.filter((e) => !e.connections.intersect(explained).isEmpty()).map((e) => e.reason);
          proof.accepted.push({ pair: `${source.id} => ${destination.id} : ${explained}`, reason: reasons.join("; ") });
        }
      }
    }
  });
  // Nor in or out of the cluster.
  workloads.forEach((workload, w) => {
    if (!involved(workload)) return;
    const out = ConnectionSet.unionAll(after.networkPolicies.toExternal(w).map((segment) => segment.connections));
    const excess = out.subtract(observed.external(workload));
    if (!excess.isEmpty()) proof.allowedButNotObserved.push(`${workload.id} => external : ${excess}`);
    const inbound = ConnectionSet.unionAll(after.fromExternal(w).map((segment) => segment.connections));
    if (!inbound.isEmpty()) proof.allowedButNotObserved.push(`external => ${workload.id} : ${inbound}`);
  });

  const byText = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
  proof.allowedButNotObserved.sort(byText);
  proof.observedButNotAllowed.sort(byText);
  proof.accepted.sort((a, b) => byText(a.pair, b.pair));
  return proof;
}

/** Observed ports of a flow the allowed set lacks: port numbers, or "any port" when none could be derived. */
function missingPorts(flow: ObservedFlow, allowed: ConnectionSet): (number | "any port")[] {
  if (flow.ports === null) return allowed.isEmpty() ? ["any port"] : [];
  return flow.ports.filter((port) => !allowed.has("TCP", port));
}

/** What is expected to be reachable without being in telemetry: kube-dns and istiod. */
function isInfrastructure(workload: Workload): boolean {
  return (workload.namespace === "kube-system" && workload.labels["k8s-app"] === "kube-dns") || workload.labels.app === "istiod";
}

/** Observed flows, indexed for the questions the proof asks. */
class ObservedIndex {
  private readonly pairs = new Map<string, ConnectionSet>();
  /** Callers the snapshot does not have, by the workload they reached: admitted by namespace. */
  private readonly unmatchedCallers = new Map<string, { name: string; namespace: string; connections: ConnectionSet }[]>();
  private readonly unmatchedCallees = new Map<string, { name: string; namespace: string; connections: ConnectionSet }[]>();
  private readonly externalBySource = new Map<string, ConnectionSet>();
  /** Workloads of a namespace with exactly the same labels, which no selector tells apart. */
  private readonly twins = new Map<string, Workload[]>();

  constructor(
    readonly flows: ObservedFlow[],
    workloads: readonly Workload[],
  ) {
    const byLabels = new Map<string, Workload[]>();
    for (const w of workloads) {
      const key = JSON.stringify([w.namespace, Object.entries(w.labels).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))]);
      byLabels.set(key, [...(byLabels.get(key) ?? []), w]);
    }
    for (const group of byLabels.values()) for (const w of group) this.twins.set(w.id, group);
    for (const flow of flows) {
      const connections = flow.ports === null ? ConnectionSet.all() : ConnectionSet.unionAll(flow.ports.map((p) => ConnectionSet.of("TCP", p)));
      const { source, destination } = flow;
      if (source.kind === "workload" && destination.kind === "workload") {
        const key = pairKey(source.workload, destination.workload);
        this.pairs.set(key, (this.pairs.get(key) ?? ConnectionSet.none()).union(connections));
      } else if (source.kind === "unmatched" && destination.kind === "workload") {
        push(this.unmatchedCallers, destination.workload.id, { ...source, connections });
      } else if (source.kind === "workload" && destination.kind === "unmatched") {
        push(this.unmatchedCallees, source.workload.id, { ...destination, connections });
      } else if (source.kind === "workload" && destination.kind === "external" && (destination.via === "service-entry" || destination.via === "passthrough")) {
        this.externalBySource.set(source.workload.id, (this.externalBySource.get(source.workload.id) ?? ConnectionSet.none()).union(connections));
      }
    }
  }

  /** What was observed from one workload to another (no connections when nothing). */
  between(source: Workload, destination: Workload): ConnectionSet {
    return this.pairs.get(pairKey(source, destination)) ?? ConnectionSet.none();
  }

  external(source: Workload): ConnectionSet {
    return this.externalBySource.get(source.id) ?? ConnectionSet.none();
  }

  /** Observed flows whose policies also cover this pair, because selectors cannot be narrower. */
  explain(source: Workload, destination: Workload): { connections: ConnectionSet; reason: string }[] {
    const found: { connections: ConnectionSet; reason: string }[] = [];
    const sources = this.twins.get(source.id) ?? [source];
    const destinations = this.twins.get(destination.id) ?? [destination];
    for (const s of sources) {
      for (const d of destinations) {
        if (s.id === source.id && d.id === destination.id) continue;
        const connections = this.pairs.get(pairKey(s, d));
        if (!connections) continue;
        const twins = [s.id !== source.id ? `${source.id} has the same pod labels as ${s.id}` : "", d.id !== destination.id ? `${destination.id} has the same pod labels as ${d.id}` : ""];
        found.push({ connections, reason: `${twins.filter(Boolean).join(" and ")}, and ${s.id} => ${d.id} was observed: NetworkPolicies cannot tell them apart` });
      }
    }
    for (const caller of this.unmatchedCallers.get(destination.id) ?? []) {
      if (caller.namespace !== source.namespace) continue;
      found.push({ connections: caller.connections, reason: `${caller.namespace}/${caller.name} (not in the snapshot) was observed calling ${destination.id}: its whole namespace is admitted` });
    }
    for (const callee of this.unmatchedCallees.get(source.id) ?? []) {
      if (callee.namespace !== destination.namespace) continue;
      found.push({ connections: callee.connections, reason: `${source.id} was observed calling ${callee.namespace}/${callee.name} (not in the snapshot): its whole namespace is allowed` });
    }
    return found;
  }
}

const pairKey = (source: Workload, destination: Workload) => `${source.id}\u0000${destination.id}`;

function push<T>(map: Map<string, T[]>, key: string, value: T): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}

/** A generated object as the snapshot keeps policies (verbatim). */
function asPolicy(object: Record<string, unknown>): Policy {
  const kind = String(object.kind);
  if (!(POLICY_KINDS as readonly string[]).includes(kind)) throw new Error(`not a policy kind: ${kind}`);
  const { name, namespace } = object.metadata as { name: string; namespace: string };
  return { id: objectId(namespace, name, kind), kind: kind as PolicyKind, apiVersion: String(object.apiVersion), namespace, name, object };
}
