/**
 * The public vocabulary of AuthorizationPolicy evaluation (see authz.ts): what is asked (a
 * connection to a workload port) and what is answered (allow, deny, or "it depends, on this").
 */
import type { Workload } from "../../model";

/** A connection attempt: who connects to which port of which workload. */
export interface AuthzRequest {
  source: { kind: "workload"; workload: Workload } | { kind: "external"; ip?: string } | { kind: "unknown" };
  /** Whether the connection is mTLS (then the source principal and namespace are known). */
  mtls: boolean;
  destination: Workload;
  /** Destination (container/target) port and protocol. */
  port: number;
  protocol: "TCP" | "UDP" | "SCTP";
  /** Whether Envoy sees HTTP on this port (Istio: port name/appProtocol http, http2, grpc...). */
  http: boolean;
}

/**
 * Requests matched by one rule (one `from` x one `to` of it, with its `when`): all listed
 * fields must hold. A field left out does not restrict. `conditions` are facts that cannot be
 * known from a snapshot (JWT claims, headers, pod IPs...), written for a reader.
 */
export interface HttpAlternative {
  /** e.g. `shop/web[AuthorizationPolicy] rule 0`, or `no ALLOW policy`. */
  rule: string;
  methods?: string[];
  notMethods?: string[];
  paths?: string[];
  notPaths?: string[];
  hosts?: string[];
  notHosts?: string[];
  conditions?: string[];
}

/** When ALLOW rules only admit some HTTP requests (or DENY rules refuse some): which ones. */
export interface HttpConstraint {
  /** Union of the methods the alternatives admit; "*" when one of them admits any method. */
  methods: string[] | "*";
  /** Union of the paths the alternatives admit (Istio patterns); "*" when one admits any path. */
  paths: string[] | "*";
  /** Union of the hosts the alternatives admit; absent when one of them admits any host. */
  hosts?: string[];
  /** What the ALLOW side admits: a request passes when it matches one alternative. */
  alternatives: HttpAlternative[];
  /** What DENY rules refuse (evaluated before ALLOW): a request matching one is denied. */
  denied?: HttpAlternative[];
}

/**
 * The verdict for a connection. `allow`: certainly some requests pass (all of them unless `http`
 * says otherwise). `deny`: certainly none. `conditional`: something a snapshot cannot know
 * decides (an external CUSTOM authorizer, a JWT, a pod IP...), said in `reason`.
 */
export type AuthzDecision =
  | { effect: "allow"; allowedBy: string[]; http?: HttpConstraint }
  | { effect: "deny"; deniedBy: string[] }
  | { effect: "conditional"; reason: string; allowedBy: string[]; http?: HttpConstraint };

export type AuthzEffect = AuthzDecision["effect"];
