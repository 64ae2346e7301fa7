/**
 * Internal shapes shared by the AuthorizationPolicy reader (authz-parse.ts), the rule matcher
 * (authz-match.ts) and the decision (authz-decide.ts). Not exported from authz.ts.
 */
import type { Labels } from "../../model";
import type { IpAddress } from "./authz-ip";

export const AUTHZ_ACTIONS = ["ALLOW", "DENY", "AUDIT", "CUSTOM"] as const;
export type AuthzAction = (typeof AUTHZ_ACTIONS)[number];

/**
 * The attribute a field or `when` condition tests. `from`/`to` fields are read as the
 * attributes the docs say they are "the same as" (e.g. `principals` is `source.principal`).
 */
export type Attribute =
  | "source.principal"
  | "source.namespace"
  | "source.serviceAccount"
  | "source.ip"
  | "remote.ip"
  | "request.auth.principal"
  | "request.auth.audiences"
  | "request.auth.presenter"
  | "request.auth.claims"
  | "request.headers"
  | "request.method"
  | "request.path"
  | "request.host"
  | "destination.ip"
  | "destination.port"
  | "connection.sni"
  | "experimental.envoy.filters";

/**
 * Attributes Envoy only has for HTTP: the fields Istio's docs list as HTTP-only
 * (requestPrincipals, hosts, methods, paths) and the `when` keys marked "HTTP only" in
 * https://istio.io/latest/docs/reference/config/security/conditions/.
 */
export const HTTP_ONLY: ReadonlySet<Attribute> = new Set<Attribute>([
  "request.auth.principal",
  "request.auth.audiences",
  "request.auth.presenter",
  "request.auth.claims",
  "request.headers",
  "request.method",
  "request.path",
  "request.host",
]);

/** One field (with its `not` twin) or one `when` condition: values ORed, notValues excluded. */
export interface ParsedField {
  attribute: Attribute;
  /** How a reader names the positive and the negative side, e.g. ["ipBlocks", "notIpBlocks"]. */
  names: [string, string];
  values: string[];
  notValues: string[];
}

export interface ParsedRule {
  /** null: no `from` (any source); else one entry per source, its fields ANDed. */
  from: ParsedField[][] | null;
  /** null: no `to` (any operation); else one entry per operation. */
  to: ParsedField[][] | null;
  when: ParsedField[];
}

/** A policy that passed Istio's validation, reduced to what decides. */
export interface ParsedPolicy {
  id: string;
  namespace: string;
  action: AuthzAction;
  /** CUSTOM only: the extension provider's name. */
  provider: string | null;
  /** matchLabels; `{}` (no or empty selector) selects every workload in scope. */
  selector: Labels;
  rules: ParsedRule[];
}

/** What is known about one request before matching, computed once per `authorize` call. */
export interface Facts {
  /** The mTLS peer: none (plaintext: Envoy sees no principal), known, or unknown. */
  peer:
    | { kind: "none" }
    | { kind: "known"; principal: string; namespace: string; serviceAccount: string }
    | { kind: "unknown"; why: string };
  sourceIp: { kind: "known"; address: IpAddress } | { kind: "unknown"; why: string };
  port: number;
  http: boolean;
}

export type HttpDimension = "methods" | "paths" | "hosts";

/** A restriction a field puts on the requests of a matching connection. */
export type Term =
  | { kind: "http"; dimension: HttpDimension; values: string[]; notValues: string[] }
  | { kind: "condition"; text: string };

export interface HttpTerms {
  methods?: string[];
  notMethods?: string[];
  paths?: string[];
  notPaths?: string[];
  hosts?: string[];
  notHosts?: string[];
}

/** One way a rule matches: these HTTP restrictions and these unknowable conditions all hold. */
export interface Conj {
  http: HttpTerms;
  conditions: string[];
}

/** A conjunction with nothing in it: the rule matches every request of the connection. */
export function isUnconditional(conj: Conj): boolean {
  return conj.conditions.length === 0 && Object.keys(conj.http).length === 0;
}
