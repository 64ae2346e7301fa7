import type { WorkloadKind } from "../model";
import { controllerKindOf, type ControllerKind } from "./kinds";
import type { ControllerRecord, OwnerRef, PodRecord } from "./records";

/** The workload a pod or controller belongs to. */
export interface WorkloadKey {
  namespace: string;
  kind: WorkloadKind;
  name: string;
}

interface Node {
  kind: ControllerKind;
  name: string;
}

/**
 * Finds the top of owner chains: Pod -> ReplicaSet -> Deployment, Pod -> Job -> CronJob,
 * Pod -> StatefulSet / DaemonSet / ReplicationController.
 *
 * Rules (each has a test in ownership.test.ts):
 * 1. The owner followed is the ownerReference with `controller: true`, else the first one.
 *    Owner references never cross namespaces (Kubernetes garbage-collector rule).
 * 2. The chain climbs through owners whether or not they are in the input: a ReplicaSet owned
 *    by a Deployment that was not exported still belongs to that Deployment's workload.
 * 3. It stops at an owner that is not a workload kind (e.g. an Argo Rollout owning a
 *    ReplicaSet): the last workload-kind object is the workload. A pod whose own owner is not a
 *    workload kind (a Node for static pods, a CRD) is a workload of kind Pod, like a bare pod.
 * 4. When an object's owner is unknown (the object is not in the input, or it has no
 *    ownerReferences), names are used the way the controllers build them:
 *    - a Deployment names its ReplicaSets `<deployment>-<pod-template-hash>`, so a ReplicaSet
 *      with that name belongs to a Deployment of the input;
 *    - a CronJob names its Jobs `<cronjob>-<scheduled time in minutes>`, so a Job named
 *      `<cronjob>-<digits>` belongs to a CronJob of the input.
 *    Only owners present in the input are inferred: a guess must be checkable.
 */
export class OwnerIndex {
  private readonly controllers = new Map<string, ControllerRecord>();

  constructor(controllers: Iterable<ControllerRecord>) {
    for (const c of controllers) this.controllers.set(nodeKey(c.namespace, c.kind, c.name), c);
  }

  /** The workload of a controller of the input. */
  forController(controller: ControllerRecord): WorkloadKey {
    return this.climb(controller.namespace, { kind: controller.kind, name: controller.name }, undefined);
  }

  /** The workload of a pod. */
  forPod(pod: PodRecord): WorkloadKey {
    const ownerKind = pod.owner && controllerKindOf(pod.owner.apiVersion, pod.owner.kind);
    if (!pod.owner || !ownerKind) return { namespace: pod.namespace, kind: "Pod", name: pod.name };
    return this.climb(pod.namespace, { kind: ownerKind, name: pod.owner.name }, pod.podTemplateHash);
  }

  private climb(namespace: string, start: Node, podTemplateHash: string | undefined): WorkloadKey {
    let node = start;
    const visited = new Set<string>();
    // Owner references written by hand can form a loop; stop where it closes.
    while (!visited.has(nodeKey(namespace, node.kind, node.name))) {
      visited.add(nodeKey(namespace, node.kind, node.name));
      const parent = this.parentOf(namespace, node, podTemplateHash);
      if (!parent) break;
      node = parent;
    }
    return { namespace, kind: node.kind, name: node.name };
  }

  private parentOf(namespace: string, node: Node, podTemplateHash: string | undefined): Node | undefined {
    const record = this.controllers.get(nodeKey(namespace, node.kind, node.name));
    if (record?.owner) return ownerNode(record.owner);
    return this.inferParent(namespace, node, record?.podTemplateHash ?? podTemplateHash);
  }

  private inferParent(namespace: string, node: Node, podTemplateHash: string | undefined): Node | undefined {
    if (node.kind === "ReplicaSet" && podTemplateHash && node.name.endsWith(`-${podTemplateHash}`)) {
      const deployment = node.name.slice(0, -(podTemplateHash.length + 1));
      if (this.controllers.has(nodeKey(namespace, "Deployment", deployment))) return { kind: "Deployment", name: deployment };
    }
    if (node.kind === "Job") {
      const cronJob = /^(.+)-\d+$/.exec(node.name)?.[1];
      if (cronJob && this.controllers.has(nodeKey(namespace, "CronJob", cronJob))) return { kind: "CronJob", name: cronJob };
    }
    return undefined;
  }
}

function ownerNode(owner: OwnerRef): Node | undefined {
  const kind = controllerKindOf(owner.apiVersion, owner.kind);
  return kind ? { kind, name: owner.name } : undefined;
}

const nodeKey = (namespace: string, kind: string, name: string) => `${namespace}|${kind}|${name}`;
