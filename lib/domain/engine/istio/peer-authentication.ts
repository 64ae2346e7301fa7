/**
 * The server side of mTLS: which mode (STRICT, PERMISSIVE, DISABLE) each workload's sidecar
 * enforces on each port, from the PeerAuthentication policies.
 *
 * Istio's rules (https://istio.io/latest/docs/concepts/security/#peer-authentication and
 * https://istio.io/latest/docs/reference/config/security/peer_authentication/, implemented by
 * istiod's ComposePeerAuthentication):
 * - Scope: a policy with selector labels is workload-specific (it selects pods of its own
 *   namespace); one without (or with empty labels) is namespace-wide; one without in the root
 *   namespace (meshConfig.rootNamespace) is mesh-wide; one with a selector in the root namespace
 *   is ignored (see groupByScope).
 * - The narrowest scope wins: workload > namespace > mesh. A mode UNSET (or no `mtls`) inherits
 *   the parent's; above the mesh level Istio's default is PERMISSIVE.
 * - Several policies of one scope: the oldest (creationTimestamp, then name) is used.
 * - portLevelMtls (workload-specific policies only) overrides per workload port; a port's UNSET
 *   takes the workload's resolved mode.
 */
import type { MeshConfig, Policy, Workload } from "../../model";
import type { PolicyIssue } from "../issues";
import { selectorMatches } from "./istio-selectors";
import { compareCreation, sortIssues } from "./mtls-verbatim";
import { readPeerAuthentications, type MtlsMode, type MtlsSetting, type PeerAuthenticationRule } from "./peer-authentication-read";

export type { MtlsMode } from "./peer-authentication-read";

/** A mode and where it came from. */
export interface ModeDecision {
  mode: MtlsMode;
  /** policy id `ns/name[PeerAuthentication]` that set it, or null for Istio's default */
  setBy: string | null;
}

/** The server-side mTLS mode of one workload. */
export interface WorkloadMtls {
  /** `namespace/name[Kind]` */
  workload: string;
  mode: ModeDecision;
  /** container/target port -> mode, only ports that differ or are set explicitly */
  ports: Record<number, ModeDecision>;
  /**
   * True when the workload has no sidecar: no Envoy enforces a PeerAuthentication, the
   * application accepts plaintext only, and `mode` is `{ mode: "DISABLE", setBy: null }`.
   */
  noSidecar: boolean;
  /** The mode on a workload (container/target) port. */
  modeForPort(port: number): ModeDecision;
}

/** Istio's mode when no PeerAuthentication sets one. */
const ISTIO_DEFAULT: ModeDecision = { mode: "PERMISSIVE", setBy: null };
const NO_SIDECAR: ModeDecision = { mode: "DISABLE", setBy: null };
const OLDEST = "the oldest (by creationTimestamp, then name)";

/** The effective server-side mTLS mode of every workload, by workload id. */
export function resolvePeerAuthentication(input: {
  workloads: readonly Workload[];
  policies: readonly Policy[];
  meshConfig: MeshConfig;
}): { byWorkload: Map<string, WorkloadMtls>; issues: PolicyIssue[] } {
  const { rules, issues } = readPeerAuthentications(input.policies);
  const scopes = groupByScope(rules, input.meshConfig.rootNamespace, issues);
  const byWorkload = new Map<string, WorkloadMtls>();
  for (const workload of input.workloads) {
    byWorkload.set(workload.id, resolveWorkload(workload, scopes, issues));
  }
  return { byWorkload, issues: sortIssues(issues) };
}

interface Scopes {
  rootNamespace: string;
  mesh: PeerAuthenticationRule | null;
  /** The namespace-wide policy of each namespace other than the root. */
  namespaceWide: Map<string, PeerAuthenticationRule>;
  /** Policies with selector labels, by namespace, oldest first. */
  withSelector: Map<string, PeerAuthenticationRule[]>;
}

/**
 * Sorts policies into mesh, namespace and workload scope, keeping the oldest where a scope allows
 * only one. A policy with a selector in the root namespace is ignored: istiod's
 * ComposePeerAuthentication takes workload-level policies only from outside the root namespace
 * ("Workload-level configs should not be in root namespace ... they will be safely ignored"),
 * although the `selector` reference suggests they match workloads of every namespace. Meshlens
 * follows what istiod does, and says so on the policy.
 */
function groupByScope(rules: PeerAuthenticationRule[], rootNamespace: string, issues: PolicyIssue[]): Scopes {
  const sorted = [...rules].sort((a, b) => compareCreation(a.order, b.order));
  const wide = new Map<string, PeerAuthenticationRule[]>();
  const withSelector = new Map<string, PeerAuthenticationRule[]>();
  for (const rule of sorted) {
    if (rule.selector !== null && rule.namespace === rootNamespace) {
      issues.push({
        policy: rule.id,
        field: "spec.selector",
        message: `a PeerAuthentication with a selector in the root namespace ${rootNamespace} is ignored by istiod (workload-level policies only count outside the root namespace); remove the selector to make it mesh-wide, or move it to the workloads' namespace`,
      });
      continue;
    }
    const target = rule.selector === null ? wide : withSelector;
    target.set(rule.namespace, [...(target.get(rule.namespace) ?? []), rule]);
  }
  let mesh: PeerAuthenticationRule | null = null;
  const namespaceWide = new Map<string, PeerAuthenticationRule>();
  for (const [namespace, [used, ...ignored]] of wide) {
    if (!used) continue;
    const scope = namespace === rootNamespace ? `mesh-wide PeerAuthentication in the root namespace ${namespace}` : `namespace-wide PeerAuthentication in ${namespace}`;
    for (const other of ignored) {
      issues.push({
        policy: other.id,
        field: "spec.selector",
        message: `more than one ${scope}: using ${used.id}, ${OLDEST}; this one is ignored`,
      });
    }
    if (namespace === rootNamespace) mesh = used;
    else namespaceWide.set(namespace, used);
  }
  return { rootNamespace, mesh, namespaceWide, withSelector };
}

function resolveWorkload(workload: Workload, scopes: Scopes, issues: PolicyIssue[]): WorkloadMtls {
  if (!workload.sidecar.injected) {
    // Without Envoy nothing terminates mTLS: PeerAuthentication has no effect and the
    // application sees whatever bytes arrive, so only plaintext (from Istio's point of view) works.
    return workloadMtls(workload.id, NO_SIDECAR, {}, true);
  }
  const selecting = (scopes.withSelector.get(workload.namespace) ?? []).filter((rule) => selectorMatches(rule.selector!, workload.labels));
  const [workloadRule, ...ignored] = selecting;
  for (const other of ignored) {
    issues.push({
      policy: other.id,
      field: "spec.selector",
      message: `more than one PeerAuthentication with a selector matches ${workload.id}: using ${workloadRule!.id}, ${OLDEST}; this one is ignored for it`,
    });
  }
  // Mesh, then namespace, then workload: each level that is not UNSET overrides the one above.
  let mode = ISTIO_DEFAULT;
  mode = override(mode, scopes.mesh);
  if (workload.namespace !== scopes.rootNamespace) mode = override(mode, scopes.namespaceWide.get(workload.namespace) ?? null);
  mode = override(mode, workloadRule ?? null);
  const ports: Record<number, ModeDecision> = {};
  for (const [port, setting] of workloadRule?.portLevelMtls ?? []) {
    // UNSET on a port means the workload's resolved mode: nothing to record.
    if (setting !== "UNSET") ports[port] = { mode: setting, setBy: workloadRule!.id };
  }
  return workloadMtls(workload.id, mode, ports, false);
}

function override(parent: ModeDecision, rule: PeerAuthenticationRule | null): ModeDecision {
  if (rule === null) return parent;
  const setting: MtlsSetting = rule.mode;
  return setting === "UNSET" ? parent : { mode: setting, setBy: rule.id };
}

function workloadMtls(workload: string, mode: ModeDecision, ports: Record<number, ModeDecision>, noSidecar: boolean): WorkloadMtls {
  return { workload, mode, ports, noSidecar, modeForPort: (port) => ports[port] ?? mode };
}
