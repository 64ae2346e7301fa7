/**
 * NetworkPolicy objects (networking.k8s.io/v1, kept verbatim in the snapshot) become checked,
 * typed rules. Everything the API server would refuse (ValidateNetworkPolicy in
 * k8s.io/kubernetes/pkg/apis/networking/validation) is reported as a PolicyIssue and the whole
 * policy is left out, since such an object could never have existed in the cluster.
 */
import type { Policy } from "../../model";
import type { PolicyIssue } from "../issues";
import { ConnectionSet, type Protocol } from "../primitives/connections";
import { IpSet, parseCidr } from "../primitives/ipv4";
import { compileSelector, type CompiledSelector } from "../primitives/selectors";

/** Who a rule admits: pods (by namespace and pod selectors) or addresses outside the cluster. */
export type CompiledPeer =
  | {
      kind: "pods";
      /** null: only the policy's own namespace (a peer with a podSelector alone). */
      namespaceSelector: CompiledSelector | null;
      /** `{}` (or absent next to a namespaceSelector): every pod. */
      podSelector: CompiledSelector;
    }
  | { kind: "ipBlock"; ips: IpSet; cidr: string; except: string[]; ipv6: boolean };

/** A port entry: numeric ports as a ConnectionSet, a named port resolved later per pod. */
export type CompiledPort = { kind: "numbers"; connections: ConnectionSet } | { kind: "named"; protocol: Protocol; name: string };

export interface CompiledRule {
  /** Position in spec.ingress / spec.egress, for explanations. */
  index: number;
  /** null: `from`/`to` absent or empty, which admits every source or destination. */
  peers: CompiledPeer[] | null;
  /** null: `ports` absent or empty, which admits every port and protocol. */
  ports: CompiledPort[] | null;
}

export interface CompiledNetworkPolicy {
  id: string;
  namespace: string;
  podSelector: CompiledSelector;
  /** null: the policy does not have the Ingress type, so it does not isolate for ingress. */
  ingress: CompiledRule[] | null;
  egress: CompiledRule[] | null;
}

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === "object" && v !== null && !Array.isArray(v);

class Invalid extends Error {
  constructor(
    readonly field: string,
    message: string,
  ) {
    super(message);
  }
}

/** Compiles every NetworkPolicy of the snapshot; invalid ones are reported and left out. */
export function compileNetworkPolicies(policies: readonly Policy[]): { policies: CompiledNetworkPolicy[]; issues: PolicyIssue[] } {
  const compiled: CompiledNetworkPolicy[] = [];
  const issues: PolicyIssue[] = [];
  for (const policy of policies) {
    if (policy.kind !== "NetworkPolicy") continue;
    try {
      compiled.push(compilePolicy(policy));
    } catch (error) {
      if (!(error instanceof Invalid)) throw error;
      issues.push({ policy: policy.id, field: error.field, message: `${error.message}; the policy is left out, as the API server would refuse it` });
    }
  }
  return { policies: compiled, issues };
}

function compilePolicy(policy: Policy): CompiledNetworkPolicy {
  const spec = policy.object.spec;
  if (!isObject(spec)) throw new Invalid("spec", "spec is missing");
  const podSelector = selector(spec.podSelector ?? {}, "spec.podSelector");
  const types = policyTypes(spec);
  return {
    id: policy.id,
    namespace: policy.namespace,
    podSelector,
    ingress: types.has("Ingress") ? rules(spec.ingress, "spec.ingress", "from") : null,
    egress: types.has("Egress") ? rules(spec.egress, "spec.egress", "to") : null,
  };
}

/**
 * policyTypes as the API server defaults it (SetDefaults_NetworkPolicySpec): when absent,
 * Ingress always, plus Egress when the policy has a non-empty `egress` list.
 */
function policyTypes(spec: Json): Set<"Ingress" | "Egress"> {
  const given = spec.policyTypes;
  if (given === undefined || given === null || (Array.isArray(given) && given.length === 0)) {
    const types = new Set<"Ingress" | "Egress">(["Ingress"]);
    if (Array.isArray(spec.egress) && spec.egress.length > 0) types.add("Egress");
    return types;
  }
  if (!Array.isArray(given)) throw new Invalid("spec.policyTypes", "must be a list");
  if (given.length > 2) throw new Invalid("spec.policyTypes", "may not have more than 2 entries");
  const types = new Set<"Ingress" | "Egress">();
  given.forEach((t, i) => {
    if (t !== "Ingress" && t !== "Egress") throw new Invalid(`spec.policyTypes[${i}]`, `unsupported value ${JSON.stringify(t)} (must be Ingress or Egress)`);
    types.add(t);
  });
  return types;
}

function rules(raw: unknown, field: string, peerKey: "from" | "to"): CompiledRule[] {
  // Absent or `[]` with the type set: isolated, nothing admitted.
  if (raw === undefined || raw === null) return [];
  if (!Array.isArray(raw)) throw new Invalid(field, "must be a list of rules");
  return raw.map((rule, index) => {
    const at = `${field}[${index}]`;
    if (rule !== null && !isObject(rule)) throw new Invalid(at, "must be an object");
    const r = rule ?? {};
    return { index, peers: peers(r[peerKey], `${at}.${peerKey}`), ports: ports(r.ports, `${at}.ports`) };
  });
}

function peers(raw: unknown, field: string): CompiledPeer[] | null {
  if (raw === undefined || raw === null) return null;
  if (!Array.isArray(raw)) throw new Invalid(field, "must be a list of peers");
  if (raw.length === 0) return null;
  return raw.map((peer, i) => compilePeer(peer, `${field}[${i}]`));
}

function compilePeer(raw: unknown, field: string): CompiledPeer {
  if (!isObject(raw)) throw new Invalid(field, "must be an object");
  const { podSelector, namespaceSelector, ipBlock } = raw;
  const hasPods = podSelector !== undefined && podSelector !== null;
  const hasNamespaces = namespaceSelector !== undefined && namespaceSelector !== null;
  const hasIpBlock = ipBlock !== undefined && ipBlock !== null;
  if (hasIpBlock && (hasPods || hasNamespaces)) {
    throw new Invalid(field, "may not specify both ipBlock and another peer");
  }
  if (hasIpBlock) return compileIpBlock(ipBlock, `${field}.ipBlock`);
  if (!hasPods && !hasNamespaces) throw new Invalid(field, "must specify a peer (podSelector, namespaceSelector or ipBlock)");
  return {
    kind: "pods",
    namespaceSelector: hasNamespaces ? selector(namespaceSelector, `${field}.namespaceSelector`) : null,
    podSelector: selector(hasPods ? podSelector : {}, `${field}.podSelector`),
  };
}

/**
 * `cidr` minus its `except` entries, each of which must lie strictly inside `cidr`. IPv6 blocks
 * are valid but Meshlens models IPv4 only: they keep an empty address set and are flagged.
 */
function compileIpBlock(raw: unknown, field: string): CompiledPeer {
  if (!isObject(raw)) throw new Invalid(field, "must be an object");
  if (typeof raw.cidr !== "string" || raw.cidr === "") throw new Invalid(`${field}.cidr`, "is required");
  const cidr = parseCidr(raw.cidr);
  if (!cidr.ok) throw new Invalid(`${field}.cidr`, cidr.error);
  const exceptRaw = raw.except ?? [];
  if (!Array.isArray(exceptRaw)) throw new Invalid(`${field}.except`, "must be a list of CIDRs");
  const except = exceptRaw.map((e, i) => {
    const at = `${field}.except[${i}]`;
    if (typeof e !== "string") throw new Invalid(at, "must be a CIDR string");
    const parsed = parseCidr(e);
    if (!parsed.ok) throw new Invalid(at, parsed.error);
    if (parsed.version !== cidr.version) throw new Invalid(at, `must be a strict subset of ${raw.cidr}`);
    if (cidr.version === 4 && parsed.version === 4) {
      const strict = parsed.start >= cidr.start && parsed.end <= cidr.end && !(parsed.start === cidr.start && parsed.end === cidr.end);
      if (!strict) throw new Invalid(at, `${e} must be a strict subset of ${raw.cidr}`);
    }
    return e;
  });
  if (cidr.version === 6) return { kind: "ipBlock", ips: IpSet.none(), cidr: raw.cidr, except, ipv6: true };
  const ips = except.reduce((set, e) => set.subtract(IpSet.cidr(e)), IpSet.cidr(raw.cidr));
  return { kind: "ipBlock", ips, cidr: raw.cidr, except, ipv6: false };
}

const PROTOCOLS = new Set(["TCP", "UDP", "SCTP"]);
/** IANA_SVC_NAME, as the API server validates named ports (validation.IsValidPortName). */
const PORT_NAME = /^(?=.{1,15}$)(?=.*[a-z])[a-z0-9]+(-[a-z0-9]+)*$/;

function ports(raw: unknown, field: string): CompiledPort[] | null {
  if (raw === undefined || raw === null) return null;
  if (!Array.isArray(raw)) throw new Invalid(field, "must be a list of ports");
  if (raw.length === 0) return null;
  return raw.map((entry, i) => compilePort(entry, `${field}[${i}]`));
}

function compilePort(raw: unknown, field: string): CompiledPort {
  if (!isObject(raw)) throw new Invalid(field, "must be an object");
  const protocol = raw.protocol ?? "TCP"; // the API server's default
  if (typeof protocol !== "string" || !PROTOCOLS.has(protocol)) {
    throw new Invalid(`${field}.protocol`, `unsupported value ${JSON.stringify(protocol)} (must be TCP, UDP or SCTP)`);
  }
  const p = protocol as Protocol;
  const { port, endPort } = raw;
  if (port === undefined || port === null) {
    if (endPort !== undefined && endPort !== null) throw new Invalid(`${field}.endPort`, "may not be specified without port");
    return { kind: "numbers", connections: ConnectionSet.allOf(p) }; // every port of the protocol
  }
  // A string is always a port name, even "80": IntOrString keeps its type, and a name must
  // contain a letter, so a quoted number is refused as the API server refuses it.
  if (typeof port === "string") {
    if (!PORT_NAME.test(port)) throw new Invalid(`${field}.port`, `${JSON.stringify(port)} is not a valid port name (IANA_SVC_NAME)`);
    if (endPort !== undefined && endPort !== null) throw new Invalid(`${field}.endPort`, "may not be specified when port is a named port");
    return { kind: "named", protocol: p, name: port };
  }
  const number = port;
  if (typeof number !== "number" || !Number.isInteger(number) || number < 1 || number > 65535) {
    throw new Invalid(`${field}.port`, `${JSON.stringify(port)} must be a port number 1-65535 or a port name`);
  }
  if (endPort === undefined || endPort === null) return { kind: "numbers", connections: ConnectionSet.of(p, number) };
  if (typeof endPort !== "number" || !Number.isInteger(endPort) || endPort > 65535) {
    throw new Invalid(`${field}.endPort`, `${JSON.stringify(endPort)} must be a port number 1-65535`);
  }
  if (endPort < number) throw new Invalid(`${field}.endPort`, `must be greater than or equal to port (${number})`);
  return { kind: "numbers", connections: ConnectionSet.of(p, number, endPort) };
}

function selector(raw: unknown, field: string): CompiledSelector {
  const result = compileSelector(raw, field);
  if (!result.ok) throw new Invalid(result.field, result.error);
  return result.selector;
}
