import type { ControllerKind } from "./kinds";
import type { SourceLocation } from "./location";
import type { PodShape } from "./pod-shape";

/** The owner Meshlens follows: the ownerReference with `controller: true`, else the first. */
export interface OwnerRef {
  apiVersion: string;
  kind: string;
  name: string;
}

/** A Deployment, StatefulSet, ... as read: its pod template and its place in the owner chain. */
export interface ControllerRecord {
  kind: ControllerKind;
  namespace: string;
  name: string;
  owner?: OwnerRef;
  template: PodShape;
  /** A ReplicaSet's `pod-template-hash` label (its name is `<deployment>-<hash>`). */
  podTemplateHash?: string;
  /** A ReplicaSet's `deployment.kubernetes.io/revision`: the newest template wins. */
  revision?: number;
  location: SourceLocation;
}

/** A Pod as read. */
export interface PodRecord {
  namespace: string;
  name: string;
  owner?: OwnerRef;
  shape: PodShape;
  podTemplateHash?: string;
  /**
   * The pod was exported from a running cluster (it has a uid, a node or a status), so its
   * containers show what really runs, injected sidecar included. A Pod in a manifest written
   * for `kubectl apply` has not met the injection webhook yet.
   */
  observed: boolean;
  location: SourceLocation;
}

export function controllerOwner(refs: readonly OwnerRef[] | null | undefined): OwnerRef | undefined {
  if (!refs || refs.length === 0) return undefined;
  const ref = refs.find((r) => (r as { controller?: boolean | null }).controller === true) ?? refs[0]!;
  return { apiVersion: ref.apiVersion, kind: ref.kind, name: ref.name };
}
