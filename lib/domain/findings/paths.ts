/**
 * One pass over every allowed path (the engine's peers of every workload), shared by the
 * detectors and the summary. A cluster without isolation has millions of allowed pairs, and the
 * engine works each workload's peers out afresh when no other source shares its policies: so
 * they are read once, and everything anybody needs from them is gathered in the same loop.
 */
import { parseAuthorizationPolicy } from "../engine/istio/authz-parse";
import type { ConnectionSet } from "../engine/primitives/connections";
import type { Policy } from "../model";
import type { FindingContext } from "./context";
import { ALL_TCP, mtlsTargets, sortedUnique } from "./mtls-targets";

export interface PathScan {
  n: number;
  /** Every allowed pair of distinct workloads, whatever the protocol (the summary's figure). */
  allowedPaths: number;
  /** Observed workload pairs, as `source * n + destination`. */
  observed: Set<number>;
  /** Per workload: a number for its namespace, and its position in id order (to compare without strings). */
  namespaceOf: Int32Array;
  rank: Int32Array;
  /**
   * Per workload: other workloads that may connect to it, those of other namespaces, and those it
   * may connect to (over TCP, or over UDP/SCTP to a port the destination declares).
   */
  incoming: Int32Array;
  incomingFromOtherNamespaces: Int32Array;
  outgoing: Int32Array;
  /**
   * Paths open end to end (over TCP) into a workload with a sidecar and an ALLOW
   * AuthorizationPolicy, source ascending: three parallel lists (millions of pairs in the worst case).
   */
  guarded: { sources: number[]; destinations: number[]; connections: ConnectionSet[] };
  /** Who may reach the workloads that may take plaintext (see mtls-targets.ts). */
  reach: Reach;
}

export interface Reach {
  /**
   * Per weak destination: a workload that may reach its weak ports (the first in snapshot order,
   * or null), those without a sidecar that may (ids; they send plaintext: STRICT would refuse
   * them), and whether addresses outside the cluster may.
   */
  weak: Map<number, { exampleCaller: string | null; unmeshedCallers: Callers; fromOutside: boolean }>;
  /** Per unmeshed destination: the workloads with a sidecar the policies let reach it over TCP. */
  meshedCallers: Map<number, Callers>;
}

/** Sources that may reach a destination: how many, and the first {@link LISTED_CALLERS} in snapshot order (which is id order), as ids. */
export interface Callers {
  count: number;
  first: string[];
}

export const LISTED_CALLERS = 10;

const scans = new WeakMap<FindingContext, PathScan>();

export function scanPaths(context: FindingContext): PathScan {
  const known = scans.get(context);
  if (known) return known;
  const { snapshot, analysis, index } = context;
  const workloads = snapshot.workloads;
  const n = workloads.length;
  const observed = new Set<number>();
  for (const edges of context.observedPairs.values()) {
    const edge = edges[0]!;
    const s = edge.source.kind === "workload" ? index.get(edge.source.id) : undefined;
    const d = edge.destination.kind === "workload" ? index.get(edge.destination.id) : undefined;
    if (s !== undefined && d !== undefined) observed.add(s * n + d);
  }
  const namespaceIds = new Map<string, number>();
  const namespaceOf = Int32Array.from(workloads, (w) => {
    let id = namespaceIds.get(w.namespace);
    if (id === undefined) namespaceIds.set(w.namespace, (id = namespaceIds.size));
    return id;
  });
  const allowPolicies = allowPolicyIds(snapshot.policies);
  const guardedDestination = Uint8Array.from(workloads, (w) => (w.sidecar.injected && analysis.authorization.policiesFor(w).some((id) => allowPolicies.has(id)) ? 1 : 0));
  const incoming = new Int32Array(n);
  const incomingFromOtherNamespaces = new Int32Array(n);
  const outgoing = new Int32Array(n);
  const guarded: PathScan["guarded"] = { sources: [], destinations: [], connections: [] };
  // Ports other than TCP that a workload serves: reach over UDP or SCTP only counts toward them.
  const otherPorts = workloads.map((w) => w.ports.filter((p) => p.protocol !== "TCP"));

  // Workloads that may take plaintext: per weak destination the index of its weak port set (sets
  // shared by many destinations are compared once per peer group), and the unmeshed servers.
  const { weak, unmeshedServers } = mtlsTargets(context);
  const portSets: ConnectionSet[] = [];
  const portsIndex = new Int32Array(n).fill(-1);
  const setIndex = new Map<string, number>();
  for (const [d, ports] of weak) {
    const key = ports.connections.toString();
    let i = setIndex.get(key);
    if (i === undefined) {
      setIndex.set(key, (i = portSets.length));
      portSets.push(ports.connections);
    }
    portsIndex[d] = i;
  }
  const isUnmeshed = new Uint8Array(n);
  for (const d of unmeshedServers) isUnmeshed[d] = 1;
  const example = new Int32Array(n).fill(-1);
  // Callers are counted, and only the first few (in snapshot order) kept: a destination may have thousands.
  const unmeshedCallers = { count: new Int32Array(n), first: new Map<number, number[]>() };
  const meshedCallers = { count: new Int32Array(n), first: new Map<number, number[]>() };
  const addCallers = (callers: typeof meshedCallers, d: number, sources: readonly number[], count: number) => {
    callers.count[d]! += count;
    let list = callers.first.get(d);
    if (!list) callers.first.set(d, (list = []));
    for (let k = 0, added = 0; k < sources.length && added < LISTED_CALLERS; k++) {
      if (sources[k] === d) continue;
      list.push(sources[k]!);
      added += 1;
    }
    if (list.length > 2 * LISTED_CALLERS) list.sort((a, b) => a - b).length = LISTED_CALLERS;
  };

  // Every allowed pair (millions in a cluster without isolation) is met once per class of
  // sources that share an answer, and counted for all of them: kept tight.
  let allowedPaths = 0;
  const inClass = new Uint8Array(n);
  const selfCounted = new Uint8Array(n);
  const perNamespace = new Int32Array(namespaceIds.size);
  const guardedBySource: { d: number; connections: ConnectionSet }[][] = [];
  for (const sources of analysis.sourceClasses()) {
    const m = sources.length;
    const first = sources[0]!;
    // One class: same sidecar, same answer (see MeshAnalysis.sourceClasses).
    const meshedSource = workloads[first]!.sidecar.injected;
    for (const s of sources) {
      inClass[s] = 1;
      perNamespace[namespaceOf[s]!]! += 1;
    }
    let counted = 0;
    const guardedHere: { d: number; connections: ConnectionSet }[] = [];
    for (const group of analysis.peerGroupsOf(first, { remember: false })) {
      const destinations = group.destinations;
      // Istio's sidecar does not capture UDP or SCTP, so a path refused over TCP often stays open
      // there: counted only toward a workload that serves such a port.
      const tcp = !group.connections.intersect(ALL_TCP).isEmpty();
      const overlaps = portSets.length > 0 ? new Int8Array(portSets.length) : null; // 0 unknown, 1 yes, 2 no
      for (let k = 0; k < destinations.length; k++) {
        const d = destinations[k]!;
        const self = inClass[d]!;
        // The sources of the class other than d itself (its own entry is its connection to itself).
        const callers = m - self;
        if (callers === 0) continue;
        allowedPaths += callers;
        const p = portsIndex[d]!;
        if (p >= 0) {
          let o = overlaps![p]!;
          if (o === 0) o = overlaps![p] = group.connections.intersect(portSets[p]!).isEmpty() ? 2 : 1;
          if (o === 1) {
            const caller = first !== d ? first : sources[1]!;
            if (example[d]! < 0 || caller < example[d]!) example[d] = caller;
            if (!meshedSource) addCallers(unmeshedCallers, d, sources, callers);
          }
        }
        if (tcp && meshedSource && isUnmeshed[d] === 1) addCallers(meshedCallers, d, sources, callers);
        if (!tcp && !otherPorts[d]!.some((port) => group.connections.has(port.protocol, port.port))) continue;
        counted += 1;
        if (self) selfCounted[d] = 1;
        incoming[d]! += callers;
        // Those of the class in another namespace than d (d itself, if one of them, is in d's).
        incomingFromOtherNamespaces[d]! += m - perNamespace[namespaceOf[d]!]!;
        // AuthorizationPolicies only judge TCP (the sidecar captures nothing else).
        if (tcp && guardedDestination[d]) guardedHere.push({ d, connections: group.connections });
      }
    }
    for (const s of sources) {
      outgoing[s] = counted - selfCounted[s]!;
      if (guardedHere.length > 0) guardedBySource[s] = guardedHere;
      inClass[s] = 0;
      selfCounted[s] = 0;
      perNamespace[namespaceOf[s]!] = 0;
    }
  }
  // Source ascending, as the over-permissive detector reads them.
  guardedBySource.forEach((entries, s) => {
    for (const { d, connections } of entries) {
      if (d === s) continue;
      guarded.sources.push(s);
      guarded.destinations.push(d);
      guarded.connections.push(connections);
    }
  });

  const id = (i: number) => workloads[i]!.id;
  const callersOf = (callers: typeof meshedCallers, d: number): Callers => ({
    count: callers.count[d]!,
    first: sortedUnique((callers.first.get(d) ?? []).sort((a, b) => a - b).slice(0, LISTED_CALLERS).map(id)),
  });
  const reach: Reach = { weak: new Map(), meshedCallers: new Map() };
  for (const [d, ports] of weak) {
    const first = example[d]!;
    reach.weak.set(d, {
      exampleCaller: first < 0 ? null : id(first),
      unmeshedCallers: callersOf(unmeshedCallers, d),
      fromOutside: analysis.fromExternal(d).some((segment) => !segment.connections.intersect(ports.connections).isEmpty()),
    });
  }
  for (const d of meshedCallers.first.keys()) reach.meshedCallers.set(d, callersOf(meshedCallers, d));

  const rank = new Int32Array(n);
  workloads
    .map((w, i) => ({ id: w.id, i }))
    .sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))
    .forEach(({ i }, r) => (rank[i] = r));
  const scan: PathScan = { n, allowedPaths, observed, namespaceOf, rank, incoming, incomingFromOtherNamespaces, outgoing, guarded, reach };
  scans.set(context, scan);
  return scan;
}

/** Ids of the ALLOW AuthorizationPolicies Istio accepts. */
function allowPolicyIds(policies: readonly Policy[]): Set<string> {
  return new Set(policies.filter((p) => p.kind === "AuthorizationPolicy" && parseAuthorizationPolicy(p).policy?.action === "ALLOW").map((p) => p.id));
}
