/**
 * PeerAuthentication objects (security.istio.io v1 and v1beta1 alike: the spec is the same) read
 * into checked rules. Reference:
 * https://istio.io/latest/docs/reference/config/security/peer_authentication/
 */
import type { Policy } from "../../model";
import type { PolicyIssue } from "../issues";
import { readWorkloadSelector, type MatchLabels } from "./istio-selectors";
import { creationOrder, describeValue, Invalid, isAbsent, isObject, readEach, type CreationOrder } from "./mtls-verbatim";

/** What a server-side sidecar accepts: only mTLS, both mTLS and plaintext, or only plaintext. */
export type MtlsMode = "STRICT" | "PERMISSIVE" | "DISABLE";

/** A mode as written: UNSET (or no `mtls`) inherits from the parent scope. */
export type MtlsSetting = MtlsMode | "UNSET";

const SETTINGS: ReadonlySet<string> = new Set<MtlsSetting>(["UNSET", "DISABLE", "PERMISSIVE", "STRICT"]);

/** A PeerAuthentication Istio would accept. */
export interface PeerAuthenticationRule {
  id: string;
  namespace: string;
  order: CreationOrder;
  /**
   * The selector's matchLabels; null when there is no selector or it has no labels, which makes
   * the policy namespace-wide (mesh-wide in the root namespace), as ComposePeerAuthentication
   * reads it.
   */
  selector: MatchLabels | null;
  mode: MtlsSetting;
  /** Workload (container) port -> setting, from `portLevelMtls`; only policies with a selector have any. */
  portLevelMtls: ReadonlyMap<number, MtlsSetting>;
}

/**
 * Reads every PeerAuthentication. Objects Istio would refuse are reported and left out; an unknown
 * mode is reported and read as UNSET, so that level inherits.
 */
export function readPeerAuthentications(policies: readonly Policy[]): { rules: PeerAuthenticationRule[]; issues: PolicyIssue[] } {
  const { rules, issues } = readEach(policies, "PeerAuthentication", readRule);
  return { rules, issues };
}

function readRule(policy: Policy, notes: PolicyIssue[]): PeerAuthenticationRule {
  const spec = policy.object.spec ?? {};
  // An empty spec is a valid namespace-wide (or mesh-wide) policy with mode UNSET.
  if (!isObject(spec)) throw new Invalid("spec", `must be a mapping, found ${describeValue(spec)}`);
  const labels = readWorkloadSelector(spec.selector, "spec.selector");
  const selector = labels && Object.keys(labels).length > 0 ? labels : null;
  const mode = readMtls(spec.mtls, "spec.mtls", policy, notes);
  const portLevelMtls = readPortLevelMtls(spec.portLevelMtls, selector !== null, policy, notes);
  const { order, issue } = creationOrder(policy);
  if (issue) notes.push(issue);
  return { id: policy.id, namespace: policy.namespace, order, selector, mode, portLevelMtls };
}

/** `mtls: { mode }`; absent means UNSET. */
function readMtls(raw: unknown, field: string, policy: Policy, notes: PolicyIssue[]): MtlsSetting {
  if (isAbsent(raw)) return "UNSET";
  if (!isObject(raw)) throw new Invalid(field, `must be a mapping with a mode, found ${describeValue(raw)}`);
  const mode = raw.mode;
  if (isAbsent(mode)) return "UNSET";
  if (typeof mode === "string" && SETTINGS.has(mode)) return mode as MtlsSetting;
  notes.push({
    policy: policy.id,
    field: `${field}.mode`,
    message: `unknown mode ${describeValue(mode)} (expected UNSET, DISABLE, PERMISSIVE or STRICT): read as UNSET, so it inherits`,
  });
  return "UNSET";
}

/**
 * `portLevelMtls: { "<port>": { mode } }`. The keys are ports of the workload, not of a Service
 * ("The port refers to the port of the workload, not the port of the Kubernetes service", API
 * reference). Istio refuses portLevelMtls on a policy without selector labels ("portLevelMtls
 * requires selector" in the CRD, "mesh/namespace peer authentication cannot have port level mTLS"
 * in the webhook) and refuses port 0.
 */
function readPortLevelMtls(raw: unknown, hasSelector: boolean, policy: Policy, notes: PolicyIssue[]): ReadonlyMap<number, MtlsSetting> {
  const ports = new Map<number, MtlsSetting>();
  if (isAbsent(raw)) return ports;
  const field = "spec.portLevelMtls";
  if (!isObject(raw)) throw new Invalid(field, `must be a mapping of port numbers to settings, found ${describeValue(raw)}`);
  const entries = Object.entries(raw);
  if (entries.length > 0 && !hasSelector) {
    throw new Invalid(field, "portLevelMtls needs a selector with labels: Istio refuses it on a mesh-wide or namespace-wide PeerAuthentication");
  }
  for (const [key, value] of entries) {
    const at = `${field}["${key}"]`;
    const port = /^[1-9]\d{0,4}$/.test(key) ? Number(key) : Number.NaN;
    if (!(port >= 1 && port <= 65535)) throw new Invalid(at, `${JSON.stringify(key)} is not a port number 1-65535`);
    ports.set(port, readMtls(value, at, policy, notes));
  }
  return ports;
}
