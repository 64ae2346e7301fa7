/**
 * Which external destinations each workload may reach through the mesh, that is through its
 * sidecar proxy, from the Sidecar and ServiceEntry objects and the mesh config.
 *
 * Istio's rules:
 * - A ServiceEntry adds hosts to the service registry, visible to the namespaces it is exported
 *   to (https://istio.io/latest/docs/reference/config/networking/service-entry/, `exportTo`).
 * - The Sidecar that applies to the workload (see egress-sidecar.ts) narrows what its proxy knows
 *   to the hosts its egress listeners import, `namespace/dnsName`, optionally on one port
 *   (https://istio.io/latest/docs/reference/config/networking/sidecar/). Without a Sidecar, or
 *   without `egress`, the proxy knows every host exported to its namespace.
 * - The outbound traffic policy decides what happens to hosts the proxy does not know: ALLOW_ANY
 *   (Istio's default) passes them through (PassthroughCluster), REGISTRY_ONLY blocks them
 *   (BlackHoleCluster) (https://istio.io/latest/docs/tasks/traffic-management/egress/egress-control/).
 *   A Sidecar's outboundTrafficPolicy overrides the mesh config's.
 * - A workload without a sidecar is not held back by the mesh at all: its traffic never meets a
 *   proxy (the egress-control task's policies are all applied by the sidecar), so only
 *   NetworkPolicies (not read here) restrict its egress.
 *
 * Not modelled: routing through an egress gateway (VirtualService and Gateway objects),
 * DestinationRules (TLS origination, subsets), ambient mode (ztunnel and waypoints), the
 * Sidecar's `outboundTrafficPolicy.egressProxy` (ALLOW_ANY traffic then goes to that proxy rather
 * than straight out: still any host), Kubernetes Services (the in-mesh destinations REGISTRY_ONLY
 * also allows; only ServiceEntry hosts are listed), DNS proxying and address auto-allocation,
 * meshConfig.defaultServiceExportTo, and the choice istiod makes when ServiceEntries of different
 * namespaces declare the same host (it keeps one of them per proxy: Meshlens lists both).
 */
import type { MeshConfig, Policy, Workload } from "../../model";
import type { PolicyIssue } from "../issues";
import { importCovers } from "./egress-hosts";
import { exportedTo, readServiceEntries, type DeclaredPort, type ServiceEntryRule } from "./egress-service-entry";
import { groupSidecars, readSidecars, sidecarFor, type EgressListener, type OutboundMode, type SidecarScopes } from "./egress-sidecar";
import { sortIssues } from "./mtls-verbatim";

export type { OutboundMode } from "./egress-sidecar";

/** A host a workload may reach through its sidecar because a ServiceEntry declares it. */
export interface ExternalHost {
  /**
   * As declared, e.g. "api.stripe.example" or "*.googleapis.com". Never "*": ServiceEntries cannot
   * declare it, and ALLOW_ANY passthrough is the workload's `anyHost` flag instead.
   */
  host: string;
  /**
   * Ports (and protocol names as declared: HTTPS, TLS, HTTP, TCP, GRPC...; `""` when not declared,
   * which Istio sniffs), empty = any port. Sorted by number; never empty for a ServiceEntry host,
   * since an entry without ports is left out.
   */
  ports: { number: number; protocol: string; name?: string }[];
  /** ServiceEntry id that declares it (null is reserved for passthrough, which is reported as `anyHost` instead). */
  declaredBy: string | null;
  /** The entry's resolution (NONE when not declared). */
  resolution?: string;
  /** MESH_EXTERNAL (also when not declared) or MESH_INTERNAL: only MESH_EXTERNAL hosts are external destinations. */
  location?: string;
}

/** What one workload may reach outside the mesh through its sidecar. */
export interface WorkloadEgress {
  workload: string;
  /** false when the workload has no sidecar: the mesh does not control its egress at all (only NetworkPolicies do). */
  throughMesh: boolean;
  /**
   * Effective outbound policy for this workload: Sidecar.outboundTrafficPolicy.mode overrides the
   * mesh config's. Without a sidecar this is the mesh config's, and nothing enforces it.
   */
  outboundTrafficPolicy: { mode: OutboundMode; setBy: string | null /* Sidecar id, or meshConfig.source, or null for Istio's default */ };
  /**
   * Which Sidecar resource applies to it (workloadSelector match in its namespace > namespace
   * default without selector > root namespace default), or null. Always null without a sidecar:
   * no proxy applies it.
   */
  sidecar: string | null;
  /**
   * ServiceEntry hosts visible to the workload (exportTo + Sidecar egress hosts filtering), sorted
   * by host then entry. Without a sidecar: those exported to its namespace, the ones it could use
   * if it had one.
   */
  declaredHosts: ExternalHost[];
  /** True when undeclared hosts are reachable: ALLOW_ANY, or no sidecar at all. */
  anyHost: boolean;
}

/** Whether a declared host is outside the mesh (MESH_EXTERNAL, the ServiceEntry default). */
export const isExternal = (host: ExternalHost): boolean => host.location !== "MESH_INTERNAL";

/** The egress of every workload through the mesh, by workload id, and the objects that had to be left out or look wrong. */
export function resolveEgress(input: {
  workloads: readonly Workload[];
  policies: readonly Policy[];
  meshConfig: MeshConfig;
}): { byWorkload: Map<string, WorkloadEgress>; issues: PolicyIssue[] } {
  const sidecars = readSidecars(input.policies);
  const services = readServiceEntries(input.policies);
  const issues = [...sidecars.issues, ...services.issues];
  const scopes = groupSidecars(sidecars.sidecars, input.meshConfig.rootNamespace, issues);
  const byWorkload = new Map<string, WorkloadEgress>();
  for (const workload of input.workloads) {
    byWorkload.set(workload.id, resolveWorkload(workload, { scopes, entries: services.entries, meshConfig: input.meshConfig }, issues));
  }
  return { byWorkload, issues: sortIssues(issues) };
}

interface Context {
  scopes: SidecarScopes;
  entries: readonly ServiceEntryRule[];
  meshConfig: MeshConfig;
}

function resolveWorkload(workload: Workload, context: Context, issues: PolicyIssue[]): WorkloadEgress {
  const meshPolicy = { mode: context.meshConfig.outboundTrafficPolicy, setBy: context.meshConfig.source };
  if (!workload.sidecar.injected) {
    // No proxy: nothing applies a Sidecar or blocks unregistered hosts; the application dials
    // whatever it resolves. Its declared hosts are still those the mesh offers its namespace.
    const declaredHosts = visibleHosts(context.entries, [], workload.namespace);
    return { workload: workload.id, throughMesh: false, outboundTrafficPolicy: meshPolicy, sidecar: null, declaredHosts, anyHost: true };
  }
  const sidecar = sidecarFor(workload, context.scopes, issues);
  const outboundTrafficPolicy = sidecar?.outboundTrafficPolicy ? { mode: sidecar.outboundTrafficPolicy.mode, setBy: sidecar.id } : meshPolicy;
  return {
    workload: workload.id,
    throughMesh: true,
    outboundTrafficPolicy,
    sidecar: sidecar?.id ?? null,
    declaredHosts: visibleHosts(context.entries, sidecar?.egress ?? [], workload.namespace),
    // ALLOW_ANY: hosts the proxy does not know go out through the PassthroughCluster.
    anyHost: outboundTrafficPolicy.mode === "ALLOW_ANY",
  };
}

/** istiod's default when a Sidecar has no egress, or there is no Sidecar: `*\/*` on every port. */
const IMPORT_ALL: readonly EgressListener[] = [{ field: "default", port: null, hosts: [{ namespace: "*", dnsName: "*" }] }];

/**
 * The ServiceEntry hosts exported to `namespace` that the listeners import, with the ports each
 * listener exposes them on. A listener with a port imports a host only if the entry declares that
 * port, and only that port (istiod's serviceMatchingListenerPort). The catch-all listener exposes
 * its hosts on the ports no listener with a port claims: "when multiple egress listeners are
 * specified, where one or more listeners have specific ports while others have no port, the hosts
 * exposed on a listener port will be based on the listener with the most specific port"
 * (Sidecar reference, IstioEgressListener.port).
 */
function visibleHosts(entries: readonly ServiceEntryRule[], egress: readonly EgressListener[], namespace: string): ExternalHost[] {
  const listeners = egress.length > 0 ? egress : IMPORT_ALL;
  const claimed = new Set(listeners.flatMap((listener) => (listener.port ? [listener.port] : [])));
  const found: ExternalHost[] = [];
  for (const entry of entries) {
    // Only what is exported to the namespace can be imported at all ("Private configurations
    // (e.g., exportTo set to .) will not be available", IstioEgressListener.hosts).
    if (!exportedTo(entry, namespace)) continue;
    for (const host of entry.hosts) {
      const ports = new Map<number, DeclaredPort>();
      for (const listener of listeners) {
        if (!listener.hosts.some((imported) => importCovers(imported, { host, entryNamespace: entry.namespace, workloadNamespace: namespace }))) continue;
        for (const port of entry.ports) {
          if (listenerExposes(listener, port.number, claimed)) ports.set(port.number, port);
        }
      }
      if (ports.size === 0) continue;
      found.push({
        host,
        ports: [...ports.values()].sort((a, b) => a.number - b.number).map((port) => ({ ...port })),
        declaredBy: entry.id,
        resolution: entry.resolution,
        location: entry.location,
      });
    }
  }
  return found.sort((a, b) => compareText(a.host, b.host) || compareText(a.declaredBy ?? "", b.declaredBy ?? ""));
}

function listenerExposes(listener: EgressListener, port: number, claimed: ReadonlySet<number>): boolean {
  if (listener.port === null) return !claimed.has(port);
  // A Unix domain socket listener (port 0) keeps the hosts' ports.
  return listener.port === 0 || listener.port === port;
}

const compareText = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
