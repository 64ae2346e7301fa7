/**
 * What can really connect: NetworkPolicies (layer 3/4) first, then, at a destination with an
 * Istio sidecar, mutual TLS (PeerAuthentication against what the client sends, DestinationRule
 * and auto mTLS) and AuthorizationPolicies, port by port.
 *
 * - Istio's sidecar only captures TCP: UDP and SCTP pass by Envoy, unencrypted and unauthorized
 *   by Istio (only NetworkPolicies apply to them).
 * - A port whose client and server cannot agree on TLS (e.g. plaintext to a STRICT port) is
 *   refused; a port an AuthorizationPolicy denies is refused. Both are reported, not dropped.
 * - AuthorizationPolicy decisions that depend on what a snapshot cannot know (JWT claims,
 *   headers, pod IPs, a CUSTOM authorizer) keep the port as "conditional".
 * - HTTP is recognised from the Service port name (`http`, `http2`, `grpc`, `grpc-web`, alone or
 *   with a `-suffix`), as Istio's explicit protocol selection does; Istio's automatic protocol
 *   sniffing on unnamed ports is not modelled (such ports count as TCP).
 */
import type { MeshConfig, Namespace, Policy, Service, Workload } from "../model";
import type { PolicyIssue } from "./issues";
import { compileAuthorizationPolicies, type AuthorizationPolicies, type HttpConstraint } from "./istio/authz";
import { resolveEgress, type WorkloadEgress } from "./istio/egress";
import { selectorMatches } from "./istio/istio-selectors";
import { destinationRuleIssues, edgeEncryption, resolveClientTls, resolvePeerAuthentication, type Encryption, type WorkloadMtls } from "./istio/mtls";
import { analyzeNetworkPolicies, type ExternalSegment, type NetworkPolicyAnalysis, type PairVerdict } from "./network-policy/evaluate";
import { ConnectionSet, IntersectionCache } from "./primitives/connections";

export interface MeshInput {
  workloads: readonly Workload[];
  namespaces: readonly Namespace[];
  services: readonly Service[];
  policies: readonly Policy[];
  meshConfig: MeshConfig;
}

/** Ports of one connection that share the same security state. */
export interface PortGroup {
  connections: ConnectionSet;
  /** "not captured": UDP/SCTP, or ports Istio does not intercept: plaintext, outside Istio's reach. */
  encryption: Exclude<Encryption, "refused"> | "not captured";
  authorization: "allow" | "conditional" | "not enforced";
  /** AuthorizationPolicy rules that admit it (empty when none applies). */
  allowedBy: string[];
  /** When only some HTTP requests are admitted. */
  http?: HttpConstraint;
  /** Why: the TLS decision, and a conditional authorization's reason. */
  reason: string;
}

/** Workloads one source may reach with the same connections (shared between calls: do not modify). */
export interface PeerGroup {
  readonly connections: ConnectionSet;
  readonly destinations: readonly number[];
}

/** Ports the NetworkPolicies allow but Istio refuses, and why. */
export interface RefusedPorts {
  connections: ConnectionSet;
  reason: string;
}

export interface MeshVerdict {
  /** Everything that can connect (allowed or conditional). */
  connections: ConnectionSet;
  groups: PortGroup[];
  refused: RefusedPorts[];
  networkPolicy: PairVerdict;
}

export interface MeshAnalysis {
  readonly networkPolicies: NetworkPolicyAnalysis;
  readonly authorization: AuthorizationPolicies;
  readonly mtls: ReadonlyMap<string, WorkloadMtls>;
  /** Per workload id: what it may reach outside the mesh through its sidecar (Sidecar, ServiceEntry, outbound policy). */
  readonly egress: ReadonlyMap<string, WorkloadEgress>;
  readonly issues: readonly PolicyIssue[];
  readonly notes: readonly PolicyIssue[];
  between(source: number, destination: number): MeshVerdict;
  /** What `between` allows, without groups or explanations (cheaper: for bulk questions). */
  connectionsBetween(source: number, destination: number): ConnectionSet;
  /**
   * Every workload the source may connect to, grouped by what it may use (destinations
   * ascending): one workload's peers.
   */
  peersOf(source: number): PeerGroup[];
  /**
   * `peersOf` with the source's connection to itself left in (a group may list the source): no
   * copies, for bulk passes over every workload, which skip it themselves. Do not modify.
   * `remember: false` keeps a computed answer out of the cache (a pass that reads each class of
   * sources once has no use for it, and millions of remembered pairs weigh hundreds of MiB).
   */
  peerGroupsOf(source: number, options?: { remember?: boolean }): readonly PeerGroup[];
  /**
   * Sources with the same `peerGroupsOf` answer, each source in exactly one class (ascending
   * within it, classes by their first source): a pass over every allowed pair can read each
   * answer once and count it for all its sources.
   */
  sourceClasses(): number[][];
  /** From outside the cluster: the NetworkPolicy address segments, each through Istio. */
  fromExternal(destination: number): (Omit<MeshVerdict, "networkPolicy"> & { ips: ExternalSegment["ips"]; networkPolicy: ExternalSegment })[];
}

const ALL_TCP = ConnectionSet.allOf("TCP");
/** Past this many remembered (source class, destination) entries, peers are recomputed (bounded memory). */
const MAX_CACHED_PEERS = 20_000_000;
const HTTP_PORT_NAME = /^(http|http2|grpc|grpc-web)(-|$)/i;

export interface MeshOptions {
  /**
   * Share Istio work between sources the policies cannot tell apart (the default). Off, every
   * pair is decided for its own source: slow, and the reference the shared answer is tested
   * against.
   */
  share?: boolean;
}

export function analyzeMesh(input: MeshInput, options: MeshOptions = {}): MeshAnalysis {
  const share = options.share ?? true;
  const workloads = input.workloads;
  const networkPolicies = analyzeNetworkPolicies({ workloads, namespaces: input.namespaces, policies: [...input.policies] });
  const authorization = compileAuthorizationPolicies({
    workloads: [...workloads],
    policies: [...input.policies],
    rootNamespace: input.meshConfig.rootNamespace,
  });
  const peerAuthentication = resolvePeerAuthentication({ workloads, policies: input.policies, meshConfig: input.meshConfig });
  const egress = resolveEgress({ workloads, policies: input.policies, meshConfig: input.meshConfig });
  const hasDestinationRules = input.policies.some((p) => p.kind === "DestinationRule");
  const policyById = new Map(input.policies.map((p) => [p.id, p]));
  const namedPorts = new Map<string, number[]>();
  const portsNamedBy = (id: string) => {
    let ports = namedPorts.get(id);
    if (!ports) namedPorts.set(id, (ports = authorizationPorts(policyById.get(id))));
    return ports;
  };
  /** Per destination, its profiles by what the destination can tell of the source (see profileFor). */
  const profiles: Map<string, Map<string, IstioProfile>>[] = [];
  const sharedPasses = new Map<string, ConnectionSet>();
  /**
   * What a client's DestinationRules depend on (istio/destination-rule.ts): its namespace, and
   * which rules of that namespace with a workloadSelector select it. Clients alike in both send
   * alike, so they share profiles.
   */
  const selectingRules = input.policies.filter((p) => p.kind === "DestinationRule" && drWorkloadSelector(p) !== null);
  const destinationRuleClient = (source: Workload) =>
    `${source.namespace}|${selectingRules
      .filter((p) => p.namespace === source.namespace && selectorMatches(drWorkloadSelector(p)!, source.labels))
      .map((p) => p.id)
      .join(",")}`;
  const strangerPassesByKey = new Map<string, ConnectionSet>();
  /**
   * Per destination, the profiles for "a stranger": a source its AuthorizationPolicies do not
   * name, with a sidecar (slot 0) and without (slot 1). Kept where those policies only test the
   * source identity for equality (or not at all) and there are no DestinationRules: then every
   * source they do not name gets one of these two profiles.
   */
  const strangerProfiles: (IstioProfile | undefined)[][] = [];
  /** Per identity key (see `identityKeys`), the destinations with stranger profiles that name it. */
  const namedBy = new Map<string, number[]>();

  /** The Service ports that send to a workload's port: for DestinationRule lookup and protocol. */
  const servicesOf = new Map<string, { svc: Service; sp: Service["ports"][number] }[]>();
  /** Services with a selector, by namespace, each with its selector's entries and TCP ports. */
  const servicesByNamespace = new Map<string, { svc: Service; selector: [string, string][]; tcp: Service["ports"] }[]>();
  for (const svc of input.services) {
    if (svc.selector === null) continue;
    const entry = { svc, selector: Object.entries(svc.selector), tcp: svc.ports.filter((sp) => sp.protocol === "TCP") };
    const list = servicesByNamespace.get(svc.namespace);
    if (list) list.push(entry);
    else servicesByNamespace.set(svc.namespace, [entry]);
  }
  const servicePortsOf = (destination: Workload) => {
    let all = servicesOf.get(destination.id);
    if (!all) {
      // A Service sends to the workloads of its namespace whose labels include its selector.
      all = (servicesByNamespace.get(destination.namespace) ?? [])
        .filter(({ selector }) => selector.every(([k, v]) => destination.labels[k] === v))
        .flatMap(({ svc, tcp }) => tcp.map((sp) => ({ svc, sp })));
      servicesOf.set(destination.id, all);
    }
    return all;
  };
  const servicePorts = (destination: Workload, port: number) =>
    servicePortsOf(destination).filter(({ sp }) => sp.targetPort === port || destination.ports.some((cp) => cp.name === sp.targetPort && cp.port === port));

  /**
   * Ports that a destination's Istio settings tell apart: its container ports, the ports its
   * AuthorizationPolicies and PeerAuthentication name, and its Services' target ports. Every
   * other TCP port behaves like any one of them, so one representative decides for all.
   */
  const distinctPorts = new Map<number, number[]>();
  const portsOf = (d: number): number[] => {
    let ports = distinctPorts.get(d);
    if (!ports) {
      const w = workloads[d]!;
      const set = new Set<number>(w.ports.filter((p) => p.protocol === "TCP").map((p) => p.port));
      for (const port of Object.keys(peerAuthentication.byWorkload.get(w.id)?.ports ?? {})) set.add(Number(port));
      for (const id of authorization.policiesFor(w)) for (const port of portsNamedBy(id)) set.add(port);
      for (const { sp } of servicePortsOf(w)) if (typeof sp.targetPort === "number") set.add(sp.targetPort);
      ports = [...set].filter((p) => p >= 1 && p <= 65535).sort((a, b) => a - b);
      distinctPorts.set(d, ports);
    }
    return ports;
  };

  /** The security state of one TCP port from a source (null: outside the mesh) to a destination. */
  const decidePort = (source: Workload | null, destination: Workload, port: number): Omit<PortGroup, "connections"> | RefusedPorts => {
    const serverMtls = peerAuthentication.byWorkload.get(destination.id)!;
    const services = servicePorts(destination, port);
    const via = hasDestinationRules && source ? services[0] : undefined;
    const clientTls = via
      ? resolveClientTls({
          source: source!,
          destinationHost: `${via.svc.name}.${via.svc.namespace}.svc.cluster.local`,
          destinationNamespace: via.svc.namespace,
          port: via.sp.port,
          policies: input.policies,
          meshConfig: input.meshConfig,
        })
      : { mode: "AUTO" as const, setBy: null };
    const tls = edgeEncryption({ source, destination, serverMtls, targetPort: port, clientTls });
    if (tls.encryption === "refused") return { connections: ConnectionSet.none(), reason: tls.reason };
    const http = services.some(({ sp }) => HTTP_PORT_NAME.test(sp.name ?? ""));
    const decision = authorization.authorize({
      source: source ? { kind: "workload", workload: source } : { kind: "unknown" },
      mtls: tls.encryption === "mtls",
      destination,
      port,
      protocol: "TCP",
      http,
    });
    if (decision.effect === "deny") {
      return { connections: ConnectionSet.none(), reason: `denied by ${decision.deniedBy.join(", ")}` };
    }
    const enforced = destination.sidecar.injected;
    return {
      encryption: tls.encryption,
      authorization: !enforced ? "not enforced" : decision.effect,
      allowedBy: enforced ? decision.allowedBy : [],
      ...(decision.http ? { http: decision.http } : {}),
      reason: decision.effect === "conditional" ? `${tls.reason}; ${decision.reason}` : tls.reason,
    };
  };

  const analysis: MeshAnalysis = {
    networkPolicies,
    authorization,
    mtls: peerAuthentication.byWorkload,
    egress: egress.byWorkload,
    issues: [...networkPolicies.issues, ...authorization.issues, ...peerAuthentication.issues, ...destinationRuleIssues(input.policies), ...egress.issues],
    notes: authorization.notes,
    between(s, d) {
      const networkPolicy = networkPolicies.between(s, d);
      return verdict(networkPolicy.connections, profileFor(workloads[s]!, d), networkPolicy);
    },
    connectionsBetween(s, d) {
      const allowed = networkPolicies.connectionsBetween(s, d);
      return allowed.isEmpty() ? allowed : allowed.intersect(profileFor(workloads[s]!, d).passes);
    },
    peerGroupsOf(s, options) {
      const key = sourceKeys[s];
      let all = key === undefined ? undefined : peersBySourceClass.get(key);
      if (!all) {
        all = allPeersOf(s);
        if (key !== undefined && cachedPeers < MAX_CACHED_PEERS && options?.remember !== false) {
          peersBySourceClass.set(key, all);
          for (const group of all) cachedPeers += group.destinations.length;
        }
      }
      return all;
    },
    sourceClasses() {
      const classes: number[][] = [];
      const byKey = new Map<string, number[]>();
      for (let s = 0; s < workloads.length; s++) {
        const key = sourceKeys[s];
        if (key === undefined) classes.push([s]);
        else {
          const members = byKey.get(key);
          if (members) members.push(s);
          else {
            const created = [s];
            byKey.set(key, created);
            classes.push(created);
          }
        }
      }
      return classes;
    },
    peersOf(s) {
      // The source's own entry, if any, is its connection to itself: not listed.
      return analysis.peerGroupsOf(s).flatMap((group) => {
        const at = sortedIndexOf(group.destinations, s);
        if (at < 0) return [group];
        return group.destinations.length === 1 ? [] : [{ connections: group.connections, destinations: group.destinations.slice(0, at).concat(group.destinations.slice(at + 1)) }];
      });
    },
    fromExternal(d) {
      const profile = profileFor(null, d);
      return networkPolicies.fromExternal(d).map((segment) => Object.assign(verdict(segment.connections, profile, segment), { ips: segment.ips }));
    },
  };
  // The compact answer, computed up front: the stranger profiles, and destinations grouped.
  if (share && !hasDestinationRules) {
    const templates = [workloads.find((w) => w.sidecar.injected), workloads.find((w) => !w.sidecar.injected)];
    // A source with a made-up identity (names cannot contain NUL), so that no policy names it.
    const strangers = templates.map((w) => w && { ...w, id: "\u0000stranger", namespace: "\u0000", serviceAccount: "\u0000" });
    const strangerKeys = strangers.flatMap((w) => (w ? authorization.identityKeys(w) : []));
    workloads.forEach((destination, d) => {
      const named = authorization.exactIdentities(destination);
      if (named === null || strangerKeys.some((key) => named.has(key))) return;
      strangerProfiles[d] = strangers.map((w) => w && buildProfile(w, d, strangerPasses(w, d)));
      for (const key of named) {
        const list = namedBy.get(key);
        if (list) list.push(d);
        else namedBy.set(key, [d]);
      }
    });
  }
  /**
   * Destinations that every stranger reaches alike: one ingress class, and stranger profiles that
   * let the same ports through (`passes`, by the source's sidecar). The others (`passes` null)
   * are answered one by one.
   */
  const peerClasses: { members: number[]; passes: (ConnectionSet | undefined)[] | null }[] = [];
  {
    const byKey = new Map<string, (typeof peerClasses)[number]>();
    workloads.forEach((_, d) => {
      const passes = strangerProfiles[d]?.map((profile) => profile?.passes) ?? null;
      const key = `${networkPolicies.ingressClass[d]}|${passes ? passes.map(String).join("|") : `only ${d}`}`;
      const known = byKey.get(key);
      if (known) known.members.push(d);
      else byKey.set(key, { members: [d], passes });
    });
    peerClasses.push(...byKey.values());
  }
  /**
   * Sources that reach every destination alike share one peers answer: same NetworkPolicy source
   * class, same sidecar, and named by the same policies. Only where stranger profiles decide
   * every destination's Istio side (else what a destination can tell of a source is subtler);
   * only for classes of two or more.
   */
  const sourceKeys: (string | undefined)[] = [];
  if (share && !hasDestinationRules && workloads.every((_, d) => strangerProfiles[d] !== undefined)) {
    const keys = workloads.map((w, s) => {
      const named = authorization.identityKeys(w).filter((key) => namedBy.has(key));
      return `${networkPolicies.sourceClass[s]}|${w.sidecar.injected}|${named.join("|")}`;
    });
    const count = new Map<string, number>();
    for (const key of keys) count.set(key, (count.get(key) ?? 0) + 1);
    keys.forEach((key, s) => {
      if (count.get(key)! > 1) sourceKeys[s] = key;
    });
  }
  const peersBySourceClass = new Map<string, PeerGroup[]>();
  let cachedPeers = 0;
  return analysis;

  /**
   * How Istio treats every port from a source (null: outside) to a destination, as classes of
   * ports that decide alike: each port the destination's settings name, and all other TCP ports
   * together (UDP and SCTP are never captured). Sources the destination's settings cannot tell
   * apart share one profile: the key holds only what matters (sidecar; which identity patterns of
   * the destination's AuthorizationPolicies it matches; namespace and labels when
   * DestinationRules exist).
   */
  function profileFor(source: Workload | null, d: number): IstioProfile {
    return source === null ? profileByKey(null, d, "outside", "") : profilesFrom(source)(d);
  }

  /** `profileFor` one source toward many destinations: its key parts worked out once. */
  function profilesFrom(source: Workload): (d: number) => IstioProfile {
    const slot = source.sidecar.injected ? 0 : 1;
    const client = !share ? source.id : `${source.sidecar.injected ? "sidecar" : "plain"}|${hasDestinationRules ? destinationRuleClient(source) : "-"}`;
    const signatureToward = authorization.signaturesOf(source);
    const named = new Set(authorization.identityKeys(source).flatMap((key) => namedBy.get(key) ?? []));
    return (d) => {
      const strangers = strangerProfiles[d];
      if (strangers && !named.has(d)) return strangers[slot]!;
      return profileByKey(source, d, client, share ? signatureToward(workloads[d]!) : "");
    };
  }

  /** Keyed in two levels, so that no key string is built per pair. */
  function profileByKey(source: Workload | null, d: number, client: string, identity: string): IstioProfile {
    const byClient = (profiles[d] ??= new Map());
    let known = byClient.get(client);
    if (!known) byClient.set(client, (known = new Map()));
    let profile = known.get(identity);
    if (!profile) known.set(identity, (profile = buildProfile(source, d)));
    return profile;
  }

  /** One workload's peers, itself included (its entry is its connection to itself). */
  function allPeersOf(s: number): PeerGroup[] {
    const source = workloads[s]!;
    const slot = source.sidecar.injected ? 0 : 1;
    const np = networkPolicies.from(s);
    const profileToward = profilesFrom(source);
    const intersections = new IntersectionCache();
    // Each destination's group, found class by class; then listed in one ordered pass.
    const groupOf = new Int32Array(workloads.length).fill(-1);
    const groups: { connections: ConnectionSet; destinations: number[] }[] = [];
    const byText = new Map<string, number>();
    const groupFor = (connections: ConnectionSet) => {
      const text = connections.toString();
      let g = byText.get(text);
      if (g === undefined) {
        byText.set(text, (g = groups.length));
        groups.push({ connections, destinations: [] });
      }
      return g;
    };
    const one = (d: number) => {
      const allowed = np.toward(d);
      const connections = allowed.isEmpty() ? allowed : intersections.intersect(allowed, profileToward(d).passes);
      groupOf[d] = connections.isEmpty() ? -1 : groupFor(connections);
    };
    for (const { members, passes } of peerClasses) {
      if (!passes) {
        for (const d of members) one(d);
        continue;
      }
      const admitted = np.ingress(members[0]!);
      if (admitted.isEmpty()) continue;
      const connections = intersections.intersect(admitted, passes[slot]!);
      if (connections.isEmpty()) continue;
      if (np.egressOpen) {
        const g = groupFor(connections);
        for (const d of members) groupOf[d] = g;
      } else {
        for (const d of members) {
          const allowed = intersections.intersect(connections, np.egress(d));
          if (!allowed.isEmpty()) groupOf[d] = groupFor(allowed);
        }
      }
    }
    // Destinations whose policies name this source were counted as a stranger's: redone.
    for (const key of authorization.identityKeys(source)) for (const d of namedBy.get(key) ?? []) one(d);
    for (let d = 0; d < groupOf.length; d++) if (groupOf[d]! >= 0) groups[groupOf[d]!]!.destinations.push(d);
    return groups.filter((group) => group.destinations.length > 0);
  }

  /** How Istio decides each class of ports from the source to the destination. */
  function decidePorts(source: Workload | null, d: number): [ConnectionSet, Omit<PortGroup, "connections"> | RefusedPorts][] {
    const destination = workloads[d]!;
    const decided: [ConnectionSet, Omit<PortGroup, "connections"> | RefusedPorts][] = [
      [ConnectionSet.all().subtract(ALL_TCP), { encryption: "not captured", authorization: "not enforced", allowedBy: [], reason: "Istio's sidecar only captures TCP" }],
    ];
    let rest = ALL_TCP;
    for (const port of portsOf(d)) {
      const one = ConnectionSet.of("TCP", port);
      rest = rest.subtract(one);
      decided.push([one, decidePort(source, destination, port)]);
    }
    const representative = restRepresentative(d);
    if (representative !== undefined) decided.push([rest, decidePort(source, destination, representative)]);
    return decided;
  }

  /** The port that decides for every TCP port the destination's settings do not name. */
  function restRepresentative(d: number): number | undefined {
    const named = portsOf(d);
    let port = 1;
    for (const p of named) if (p === port) port++; // ascending, so the first gap
    return port <= 65535 ? port : undefined;
  }

  /**
   * Builds a profile. `passes`, when given, is already known (see strangerPasses), and the port
   * decisions are then only made if the explanations are asked for.
   */
  function buildProfile(source: Workload | null, d: number, knownPasses?: ConnectionSet): IstioProfile {
    let decided: ReturnType<typeof decidePorts> | undefined;
    const decide = () => (decided ??= decidePorts(source, d));
    const passes = knownPasses ?? sharedSet(ConnectionSet.unionAll(decide().filter(([, result]) => "encryption" in result).map(([ports]) => ports)));
    let classes: PortClass[] | undefined;
    return {
      passes,
      get classes() {
        return (classes ??= decide().map(([ports, result]) => portClass(ports, result, source)));
      },
    };
  }

  /** One object per distinct set, so that callers can remember intersections by identity. */
  function sharedSet(set: ConnectionSet): ConnectionSet {
    const key = set.toString();
    const shared = sharedPasses.get(key) ?? set;
    sharedPasses.set(key, shared);
    return shared;
  }

  /**
   * What Istio lets through from a stranger (see strangerProfiles) to a destination. Without
   * DestinationRules it only depends on: the source's sidecar; the destination's sidecar and
   * AuthorizationPolicy set; and, per port its settings name and for the representative of the
   * others, the port number, its PeerAuthentication mode and whether a Service names it HTTP.
   * Destinations alike in all of these share the answer, worked out once.
   */
  function strangerPasses(stranger: Workload, d: number): ConnectionSet {
    const destination = workloads[d]!;
    const mtls = peerAuthentication.byWorkload.get(destination.id)!;
    const ports = [...portsOf(d), restRepresentative(d)].map((port) => {
      if (port === undefined) return "";
      const http = servicePorts(destination, port).some(({ sp }) => HTTP_PORT_NAME.test(sp.name ?? ""));
      return `${port}:${mtls.modeForPort(port).mode}:${http}`;
    });
    const key = `${stranger.sidecar.injected}|${destination.sidecar.injected}|${mtls.noSidecar}|${authorization.policySetOf(destination)}|${ports.join(",")}`;
    let passes = strangerPassesByKey.get(key);
    if (!passes) strangerPassesByKey.set(key, (passes = buildProfile(stranger, d).passes));
    return passes;
  }
}

/** One class of ports of a profile, its text shared by every source with the same key. */
function portClass(ports: ConnectionSet, result: Omit<PortGroup, "connections"> | RefusedPorts, source: Workload | null): PortClass {
  // Shared by every source with the same key, so the text must not name this one.
  const reason = portAgnostic(source ? result.reason.replaceAll(source.id, "the source") : result.reason);
  if (!("encryption" in result)) return { ports, refusedReason: reason, stateKey: `refused|${reason}` };
  const state = { ...result, reason };
  return { ports, state, stateKey: JSON.stringify([state.encryption, state.authorization, reason, state.allowedBy, state.http ?? null]) };
}

interface PortClass {
  ports: ConnectionSet;
  state?: Omit<PortGroup, "connections">;
  refusedReason?: string;
  /** Classes with the same key are reported as one group. */
  stateKey: string;
}

interface IstioProfile {
  readonly classes: PortClass[];
  /** Every port Istio lets through (allowed or conditional). */
  passes: ConnectionSet;
}

/** The verdict for what the NetworkPolicies allow; its groups are only worked out when read. */
class LazyVerdict<N> {
  readonly connections: ConnectionSet;
  private detail: { groups: PortGroup[]; refused: RefusedPorts[] } | undefined;

  constructor(
    private readonly allowed: ConnectionSet,
    private readonly profile: IstioProfile,
    readonly networkPolicy: N,
  ) {
    this.connections = allowed.intersect(profile.passes);
  }

  get groups(): PortGroup[] {
    return this.details().groups;
  }

  get refused(): RefusedPorts[] {
    return this.details().refused;
  }

  private details() {
    if (!this.detail) {
      const byKey = new Map<string, PortGroup | RefusedPorts>();
      for (const cls of this.profile.classes) {
        const ports = cls.ports.intersect(this.allowed);
        if (ports.isEmpty()) continue;
        const same = byKey.get(cls.stateKey);
        if (same) same.connections = same.connections.union(ports);
        else byKey.set(cls.stateKey, cls.state ? { ...cls.state, connections: ports } : { connections: ports, reason: cls.refusedReason! });
      }
      const entries = [...byKey.values()];
      this.detail = { groups: entries.filter((e): e is PortGroup => "encryption" in e), refused: entries.filter((e) => !("encryption" in e)) };
    }
    return this.detail;
  }
}

const verdict = <N>(allowed: ConnectionSet, profile: IstioProfile, networkPolicy: N) => new LazyVerdict(allowed, profile, networkPolicy);

/** Port numbers an AuthorizationPolicy's rules name (`to.operation.ports/notPorts`, `when destination.port`). */
function authorizationPorts(policy: Policy | undefined): number[] {
  const spec = policy?.object.spec as { rules?: { to?: { operation?: { ports?: unknown; notPorts?: unknown } }[]; when?: { key?: unknown; values?: unknown; notValues?: unknown }[] }[] } | undefined;
  const ports: number[] = [];
  const take = (values: unknown) => {
    if (Array.isArray(values)) for (const v of values) if (/^\d+$/.test(String(v))) ports.push(Number(v));
  };
  for (const rule of spec?.rules ?? []) {
    for (const to of rule.to ?? []) {
      take(to.operation?.ports);
      take(to.operation?.notPorts);
    }
    for (const condition of rule.when ?? []) {
      if (condition.key === "destination.port") {
        take(condition.values);
        take(condition.notValues);
      }
    }
  }
  return ports;
}


/** A DestinationRule's `workloadSelector.matchLabels`, or null without one. */
function drWorkloadSelector(policy: Policy): Record<string, string> | null {
  const selector = (policy.object.spec as { workloadSelector?: { matchLabels?: Record<string, string> } } | undefined)?.workloadSelector;
  return selector ? (selector.matchLabels ?? {}) : null;
}

/** Where `value` is in an ascending list, or -1. */
function sortedIndexOf(list: readonly number[], value: number): number {
  let lo = 0;
  let hi = list.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >>> 1;
    if (list[mid]! === value) return mid;
    if (list[mid]! < value) lo = mid + 1;
    else hi = mid - 1;
  }
  return -1;
}

/**
 * Reasons are about one port ("port 6379 is STRICT"); the entry's connections already say which
 * ports, so the text is made port-agnostic and ports with the same story share one entry.
 */
const portAgnostic = (reason: string) => reason.replace(/\bport \d+ is\b/g, "the port is");




