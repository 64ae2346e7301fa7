/** Builders for the AuthorizationPolicy tests (not used by the engine itself). */
import type { Labels, Policy, Workload } from "../../model";
import { wl as workload } from "../testing/builders";
import { compileAuthorizationPolicies } from "./authz";
import type { AuthzDecision, AuthzRequest } from "./authz-types";

export const ROOT = "istio-system";

/** A Deployment `ns/name` with a sidecar; pod labels default to `app: name`, the SA to `name`. */
export function wl(ns: string, name: string, labels: Labels = { app: name }, sa: string = name, options: { sidecar?: boolean } = {}): Workload {
  return workload(`${ns}/${name}[Deployment]`, labels, { sa, sidecar: options.sidecar ?? true });
}

/** An AuthorizationPolicy `ns/name` with this spec, as read from a manifest. */
export function ap(ns: string, name: string, spec: unknown, apiVersion = "security.istio.io/v1"): Policy {
  return {
    id: `${ns}/${name}[AuthorizationPolicy]`,
    kind: "AuthorizationPolicy",
    apiVersion,
    namespace: ns,
    name,
    object: { apiVersion, kind: "AuthorizationPolicy", metadata: { name, namespace: ns }, ...(spec === undefined ? {} : { spec }) },
  };
}

export type From = Workload | "unknown" | { ip?: string };

export interface CallOptions {
  port?: number;
  http?: boolean;
  /** Default: true from a workload, false otherwise. */
  mtls?: boolean;
  protocol?: AuthzRequest["protocol"];
}

/** A request from `from` to `to` (port 8080, TCP, not HTTP unless said). */
export function call(from: From, to: Workload, options: CallOptions = {}): AuthzRequest {
  const source: AuthzRequest["source"] =
    from === "unknown" ? { kind: "unknown" } : "id" in from ? { kind: "workload", workload: from } : { kind: "external", ...from };
  return {
    source,
    mtls: options.mtls ?? source.kind === "workload",
    destination: to,
    port: options.port ?? 8080,
    protocol: options.protocol ?? "TCP",
    http: options.http ?? false,
  };
}

/** Compiles the policies (root namespace istio-system) and returns `authorize` with them. */
export function authorizer(policies: Policy[], options: { workloads?: Workload[]; trustDomain?: string } = {}) {
  const compiled = compileAuthorizationPolicies({
    workloads: options.workloads ?? [],
    policies,
    rootNamespace: ROOT,
    ...(options.trustDomain ? { trustDomain: options.trustDomain } : {}),
  });
  return Object.assign((from: From, to: Workload, callOptions?: CallOptions) => compiled.authorize(call(from, to, callOptions)), compiled);
}

/** Shorthand for `decision.effect`. */
export const effect = (decision: AuthzDecision) => decision.effect;
