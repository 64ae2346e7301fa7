import { objectId, type Policy, type PolicyKind } from "../model";
import type { RawObject } from "./objects";

/**
 * A policy kept verbatim: the engine and the audit trail need the object exactly as written,
 * so nothing is defaulted or dropped (items of a typed list get the apiVersion and kind they
 * inherited, see expandObjects).
 */
export function toPolicy(object: RawObject, kind: PolicyKind, namespace: string, name: string): Policy {
  return {
    id: objectId(namespace, name, kind),
    kind,
    apiVersion: object.apiVersion,
    namespace,
    name,
    object: object.value,
  };
}
