/**
 * Which workloads may take plaintext, for the `mtls-not-enforced` findings and the one pass over
 * every allowed path (paths.ts) that works out who may reach them: workloads with a sidecar
 * whose mode is PERMISSIVE or DISABLE on some port, and workloads without a sidecar that serve
 * something.
 */
import type { ModeDecision, WorkloadMtls } from "../engine/istio/mtls";
import { ConnectionSet } from "../engine/primitives/connections";
import type { Service, Workload } from "../model";
import type { FindingContext } from "./context";

export const ALL_TCP = ConnectionSet.allOf("TCP");
export const WEAK: ReadonlySet<string> = new Set(["PERMISSIVE", "DISABLE"]);

/** "Istio's default" when no policy set a mode. */
export const setterText = (setBy: string | null) => setBy ?? "Istio's default";

export const sortedUnique = <T extends string | number>(values: Iterable<T>): T[] => [...new Set(values)].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));

/** Namespaces whose unmeshed workloads are Istio's or Kubernetes' own (control plane, DNS): not expected to have sidecars. */
export const systemNamespaces = (context: FindingContext) => new Set(["kube-system", "kube-public", "kube-node-lease", "istio-system", context.snapshot.meshConfig.rootNamespace]);

/** The ports of a workload whose mode is PERMISSIVE or DISABLE, and whether every other port is too. */
export interface WeakPorts {
  /** The workload-wide mode is weak: every port not overridden is. */
  wholeWorkload: boolean;
  /** Ports to list (container, Service target and portLevelMtls ports), each with its mode. */
  listed: { port: number; mode: ModeDecision["mode"]; setBy: string }[];
  /** The weak ports as a set, for reachability. */
  connections: ConnectionSet;
  disable: boolean;
}

export function weakPortsOf(workload: Workload, mtls: WorkloadMtls, services: readonly Service[] = []): WeakPorts | null {
  const ports = sortedUnique([...workload.ports.filter((p) => p.protocol === "TCP").map((p) => p.port), ...Object.keys(mtls.ports).map(Number), ...targetPorts(services, workload)]);
  const listed = ports.map((port) => portMode(mtls, port));
  const weakListed = listed.filter((p) => WEAK.has(p.mode));
  const wholeWorkload = WEAK.has(mtls.mode.mode);
  if (!wholeWorkload && weakListed.length === 0) return null;
  let connections = ConnectionSet.unionAll(weakListed.map((p) => ConnectionSet.of("TCP", p.port)));
  if (wholeWorkload) {
    // Every port takes the workload's mode unless portLevelMtls sets another.
    const strict = Object.entries(mtls.ports).filter(([, decision]) => !WEAK.has(decision.mode));
    connections = ALL_TCP.subtract(ConnectionSet.unionAll(strict.map(([port]) => ConnectionSet.of("TCP", Number(port)))));
  }
  const disable = mtls.mode.mode === "DISABLE" || weakListed.some((p) => p.mode === "DISABLE");
  return { wholeWorkload, listed, connections, disable };
}

export interface MtlsTargets {
  /** Workloads with a sidecar and a weak port, by index. */
  weak: Map<number, WeakPorts>;
  /** Workloads without a sidecar that serve something (a TCP port, or a Service), outside the system namespaces. */
  unmeshedServers: Set<number>;
}

const targetsCache = new WeakMap<FindingContext, MtlsTargets>();

export function mtlsTargets(context: FindingContext): MtlsTargets {
  const known = targetsCache.get(context);
  if (known) return known;
  const system = systemNamespaces(context);
  const targets: MtlsTargets = { weak: new Map(), unmeshedServers: new Set() };
  context.snapshot.workloads.forEach((w, i) => {
    const mtls = context.analysis.mtls.get(w.id);
    if (!mtls) return;
    if (w.sidecar.injected) {
      const found = weakPortsOf(w, mtls, servicesSelecting(context, w));
      if (found) targets.weak.set(i, found);
    } else if (!system.has(w.namespace) && (w.ports.some((p) => p.protocol === "TCP") || servicesSelecting(context, w).length > 0)) {
      // Only a workload that serves something (a TCP port, or a Service) has callers the policies
      // could allow; a pure client, such as a backup job, is left out.
      targets.unmeshedServers.add(i);
    }
  });
  targetsCache.set(context, targets);
  return targets;
}

const servicesCache = new WeakMap<FindingContext, { byNamespace: Map<string, [Service, [string, string][]][]>; byWorkload: Map<string, Service[]> }>();

/** Services of the workload's namespace whose selector its pod labels meet (as mesh.ts reads them). */
export function servicesSelecting(context: FindingContext, workload: Workload): Service[] {
  let cache = servicesCache.get(context);
  if (!cache) {
    const byNamespace = new Map<string, [Service, [string, string][]][]>();
    for (const s of context.snapshot.services) {
      if (s.selector === null) continue;
      const list = byNamespace.get(s.namespace);
      const entry: [Service, [string, string][]] = [s, Object.entries(s.selector)];
      if (list) list.push(entry);
      else byNamespace.set(s.namespace, [entry]);
    }
    servicesCache.set(context, (cache = { byNamespace, byWorkload: new Map() }));
  }
  let found = cache.byWorkload.get(workload.id);
  if (!found) {
    const labels = workload.labels;
    found = (cache.byNamespace.get(workload.namespace) ?? []).filter(([, selector]) => selector.every(([k, v]) => labels[k] === v)).map(([service]) => service);
    cache.byWorkload.set(workload.id, found);
  }
  return found;
}

/** The workload port a Service port sends to: a number, or a name resolved against its container ports. */
export function resolveTargetPort(sp: Service["ports"][number], workload: Workload): number | null {
  if (typeof sp.targetPort === "number") return sp.targetPort;
  return workload.ports.find((p) => p.name === sp.targetPort && p.protocol === sp.protocol)?.port ?? null;
}

/** The TCP workload ports the Services send to, else its TCP container ports. */
export function targetPorts(services: readonly Service[], workload: Workload): number[] {
  const viaServices = services.flatMap((s) => s.ports.filter((sp) => sp.protocol === "TCP").flatMap((sp) => resolveTargetPort(sp, workload) ?? []));
  return sortedUnique(viaServices.length > 0 ? viaServices : workload.ports.filter((p) => p.protocol === "TCP").map((p) => p.port));
}

export function portMode(mtls: WorkloadMtls, port: number): { port: number; mode: ModeDecision["mode"]; setBy: string } {
  const decision = mtls.modeForPort(port);
  return { port, mode: decision.mode, setBy: setterText(decision.setBy) };
}
