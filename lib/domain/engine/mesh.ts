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
import { destinationRuleIssues, edgeEncryption, resolveClientTls, resolvePeerAuthentication, type Encryption, type WorkloadMtls } from "./istio/mtls";
import { analyzeNetworkPolicies, type ExternalSegment, type NetworkPolicyAnalysis, type PairVerdict } from "./network-policy/evaluate";
import { ConnectionSet } from "./primitives/connections";

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
  readonly issues: readonly PolicyIssue[];
  readonly notes: readonly PolicyIssue[];
  between(source: number, destination: number): MeshVerdict;
  /** What `between` allows, without groups or explanations (cheaper: for bulk questions). */
  connectionsBetween(source: number, destination: number): ConnectionSet;
  /** Every workload the source may connect to, with what: one workload's peers. */
  peersOf(source: number): { destination: number; connections: ConnectionSet }[];
  /** From outside the cluster: the NetworkPolicy address segments, each through Istio. */
  fromExternal(destination: number): (Omit<MeshVerdict, "networkPolicy"> & { ips: ExternalSegment["ips"]; networkPolicy: ExternalSegment })[];
}

const ALL_TCP = ConnectionSet.allOf("TCP");
const HTTP_PORT_NAME = /^(http|http2|grpc|grpc-web)(-|$)/i;

export function analyzeMesh(input: MeshInput): MeshAnalysis {
  const workloads = input.workloads;
  const networkPolicies = analyzeNetworkPolicies({ workloads, namespaces: input.namespaces, policies: [...input.policies] });
  const authorization = compileAuthorizationPolicies({
    workloads: [...workloads],
    policies: [...input.policies],
    rootNamespace: input.meshConfig.rootNamespace,
  });
  const peerAuthentication = resolvePeerAuthentication({ workloads, policies: input.policies, meshConfig: input.meshConfig });
  const hasDestinationRules = input.policies.some((p) => p.kind === "DestinationRule");
  const policyById = new Map(input.policies.map((p) => [p.id, p]));
  const profiles = new Map<string, IstioProfile>();
  /** Per destination, the profiles for a source with and without a sidecar (fast path). */
  const bySidecar: IstioProfile[][] = [];
  /** Per destination: 1 when no AuthorizationPolicy looks at who the source is, 2 when one does. */
  const blind = new Uint8Array(workloads.length);
  const identityBlind = (d: number) => {
    if (blind[d] === 0) blind[d] = authorization.sourceSignature(workloads[d]!, workloads[d]!) === "" ? 1 : 2;
    return blind[d] === 1;
  };

  /** The Service ports that send to a workload's port: for DestinationRule lookup and protocol. */
  const servicesOf = new Map<string, { svc: Service; sp: Service["ports"][number] }[]>();
  const servicesByNamespace = new Map<string, Service[]>();
  for (const svc of input.services) {
    const list = servicesByNamespace.get(svc.namespace);
    if (list) list.push(svc);
    else servicesByNamespace.set(svc.namespace, [svc]);
  }
  const servicePortsOf = (destination: Workload) => {
    let all = servicesOf.get(destination.id);
    if (!all) {
      all = (servicesByNamespace.get(destination.namespace) ?? []).filter((svc) => selects(svc, destination)).flatMap((svc) => svc.ports.filter((sp) => sp.protocol === "TCP").map((sp) => ({ svc, sp })));
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
      for (const id of authorization.policiesFor(w)) for (const port of authorizationPorts(policyById.get(id))) set.add(port);
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
    issues: [...networkPolicies.issues, ...authorization.issues, ...peerAuthentication.issues, ...destinationRuleIssues(input.policies)],
    notes: authorization.notes,
    between(s, d) {
      const networkPolicy = networkPolicies.between(s, d);
      return verdict(networkPolicy.connections, profileFor(workloads[s]!, d), networkPolicy);
    },
    connectionsBetween(s, d) {
      const allowed = networkPolicies.connectionsBetween(s, d);
      return allowed.isEmpty() ? allowed : allowed.intersect(profileFor(workloads[s]!, d).passes);
    },
    peersOf(s) {
      const peers: { destination: number; connections: ConnectionSet }[] = [];
      for (let d = 0; d < workloads.length; d++) {
        if (d === s) continue;
        const connections = analysis.connectionsBetween(s, d);
        if (!connections.isEmpty()) peers.push({ destination: d, connections });
      }
      return peers;
    },
    fromExternal(d) {
      const profile = profileFor(null, d);
      return networkPolicies.fromExternal(d).map((segment) => Object.assign(verdict(segment.connections, profile, segment), { ips: segment.ips }));
    },
  };
  // The compact answer, computed up front: for every destination whose policies do not look at
  // who the source is, the two profiles (source with and without a sidecar) all pairs use.
  const withSidecar = workloads.find((w) => w.sidecar.injected);
  const withoutSidecar = workloads.find((w) => !w.sidecar.injected);
  if (!hasDestinationRules) {
    workloads.forEach((_, d) => {
      if (!identityBlind(d)) return;
      const slots = (bySidecar[d] ??= []);
      if (withSidecar) slots[0] ??= buildProfile(withSidecar, d);
      if (withoutSidecar) slots[1] ??= buildProfile(withoutSidecar, d);
    });
  }
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
    const destination = workloads[d]!;
    // Fast path: no identity test and no DestinationRule, so only the sidecar matters.
    if (source !== null && !hasDestinationRules && identityBlind(d)) {
      const slots = (bySidecar[d] ??= []);
      const slot = source.sidecar.injected ? 0 : 1;
      return (slots[slot] ??= buildProfile(source, d));
    }
    let key: string;
    if (source === null) key = `${d}|outside`;
    else {
      const identity = authorization.sourceSignature(destination, source);
      const client = hasDestinationRules ? `${source.namespace}|${JSON.stringify(source.labels)}` : "-";
      key = `${d}|${source.sidecar.injected ? "sidecar" : "plain"}|${identity}|${client}`;
    }
    let profile = profiles.get(key);
    if (!profile) {
      profile = buildProfile(source, d);
      profiles.set(key, profile);
    }
    return profile;
  }

  function buildProfile(source: Workload | null, d: number): IstioProfile {
    const destination = workloads[d]!;
    const classes: PortClass[] = [];
    const add = (ports: ConnectionSet, result: Omit<PortGroup, "connections"> | RefusedPorts) => {
      // Shared by every source with the same key, so the text must not name this one.
      const reason = portAgnostic(source ? result.reason.replaceAll(source.id, "the source") : result.reason);
      if ("encryption" in result) {
        const state = { ...result, reason };
        const stateKey = JSON.stringify([state.encryption, state.authorization, reason, state.allowedBy, state.http ?? null]);
        classes.push({ ports, state, stateKey });
      } else {
        classes.push({ ports, refusedReason: reason, stateKey: `refused|${reason}` });
      }
    };
    add(ConnectionSet.all().subtract(ALL_TCP), { encryption: "not captured", authorization: "not enforced", allowedBy: [], reason: "Istio's sidecar only captures TCP" });
    let rest = ALL_TCP;
    for (const port of portsOf(d)) {
      const one = ConnectionSet.of("TCP", port);
      rest = rest.subtract(one);
      add(one, decidePort(source, destination, port));
    }
    const representative = rest.ranges("TCP")[0]?.[0];
    if (representative !== undefined) add(rest, decidePort(source, destination, representative));
    const passes = ConnectionSet.unionAll(classes.filter((c) => c.state).map((c) => c.ports));
    return { classes, passes };
  }
}

interface PortClass {
  ports: ConnectionSet;
  state?: Omit<PortGroup, "connections">;
  refusedReason?: string;
  /** Classes with the same key are reported as one group. */
  stateKey: string;
}

interface IstioProfile {
  classes: PortClass[];
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

/** A Service sends to the workloads of its namespace whose labels include its selector. */
const selects = (svc: Service, w: Workload) =>
  svc.namespace === w.namespace && svc.selector !== null && Object.entries(svc.selector).every(([k, v]) => w.labels[k] === v);

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


/**
 * Reasons are about one port ("port 6379 is STRICT"); the entry's connections already say which
 * ports, so the text is made port-agnostic and ports with the same story share one entry.
 */
const portAgnostic = (reason: string) => reason.replace(/\bport \d+ is\b/g, "the port is");




