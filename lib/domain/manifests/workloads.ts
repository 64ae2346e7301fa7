import { workloadId, type Labels, type Workload } from "../model";
import { OwnerIndex, type WorkloadKey } from "./ownership";
import type { ControllerRecord, PodRecord } from "./records";
import { predictSidecar, sidecarFromPods, type NamespaceFacts } from "./sidecar";
import { compare, sortById } from "./sort";

export interface WorkloadInput {
  controllers: Iterable<ControllerRecord>;
  pods: Iterable<PodRecord>;
  /** Facts of every namespace workloads live in (undeclared ones included). */
  namespaces: ReadonlyMap<string, NamespaceFacts>;
  rootNamespace: string;
}

interface Group {
  key: WorkloadKey;
  controllers: ControllerRecord[];
  pods: PodRecord[];
}

/**
 * Groups controllers and pods into workloads (owner chains: see OwnerIndex) and describes each:
 * - with a controller in the input, labels, serviceAccount, ports and hostNetwork come from its
 *   pod template: the top controller's if present, else (its owner was not exported) the newest
 *   ReplicaSet's by `deployment.kubernetes.io/revision`;
 * - built from pods alone, labels are those all its pods share (the intersection), and the
 *   rest comes from the first pod by name;
 * - sidecar: from the pods exported from a running cluster when there are any (they show what
 *   really runs), else predicted with Istio's injection rules from the template (or from the
 *   first pod, for Pod manifests not yet applied).
 */
export function buildWorkloads(input: WorkloadInput): Workload[] {
  const controllers = [...input.controllers];
  const index = new OwnerIndex(controllers);
  const groups = new Map<string, Group>();
  const groupOf = (key: WorkloadKey): Group => {
    const id = workloadId(key);
    let group = groups.get(id);
    if (!group) groups.set(id, (group = { key, controllers: [], pods: [] }));
    return group;
  };
  for (const controller of controllers) groupOf(index.forController(controller)).controllers.push(controller);
  for (const pod of input.pods) groupOf(index.forPod(pod)).pods.push(pod);
  return sortById([...groups.values()].map((group) => describe(group, input)));
}

function describe({ key, controllers, pods }: Group, input: WorkloadInput): Workload {
  const sortedPods = [...pods].sort((a, b) => compare(a.name, b.name));
  const template = templateOf(key, controllers);
  const observed = sortedPods.filter((p) => p.observed);
  const first = sortedPods[0]?.shape;
  const shape = template ?? first;
  if (!shape) throw new Error(`workload ${workloadId(key)} has neither a controller nor pods`); // a group always has one
  const namespace = input.namespaces.get(key.namespace) ?? { name: key.namespace, labels: {}, declared: false };
  return {
    id: workloadId(key),
    namespace: key.namespace,
    name: key.name,
    kind: key.kind,
    labels: template ? { ...template.labels } : sharedLabels(sortedPods.map((p) => p.shape.labels)),
    serviceAccount: shape.serviceAccount,
    ports: shape.ports.map((p) => ({ ...p })),
    sidecar:
      observed.length > 0 ? sidecarFromPods(observed, namespace) : predictSidecar(shape, namespace, input.rootNamespace),
    pods: sortedPods.length,
    hostNetwork: shape.hostNetwork,
  };
}

/** The pod template that describes the workload, when a controller of it is in the input. */
function templateOf(key: WorkloadKey, controllers: readonly ControllerRecord[]) {
  const top = controllers.find((c) => c.kind === key.kind && c.name === key.name);
  if (top) return top.template;
  const newest = [...controllers].sort(
    (a, b) => (b.revision ?? -1) - (a.revision ?? -1) || compare(a.name, b.name),
  )[0];
  return newest?.template;
}

/** Labels every pod has with the same value. */
function sharedLabels(all: readonly Labels[]): Labels {
  const [first, ...rest] = all;
  if (!first) return {};
  return Object.fromEntries(Object.entries(first).filter(([k, v]) => rest.every((labels) => labels[k] === v)));
}
