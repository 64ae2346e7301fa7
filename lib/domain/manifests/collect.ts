import type { IngestWarning, Labels, Policy, Service } from "../model";
import { classify, knownVersions, type ControllerKind } from "./kinds";
import { describeLocation, type SourceLocation } from "./location";
import { isMeshConfigMap, type MeshConfigMap } from "./mesh-config";
import type { RawObject } from "./objects";
import { toPolicy } from "./policies";
import { podShape } from "./pod-shape";
import { controllerOwner, type ControllerRecord, type PodRecord } from "./records";
import {
  ConfigMapSchema,
  ControllerSchema,
  CronJobSchema,
  NamespaceSchema,
  ObjectSchema,
  PodSchema,
  ServiceSchema,
  type ObjectMeta,
  type PodTemplate,
} from "./schemas";
import { toService } from "./services";
import { looseName, subjectOf, validate } from "./validate";

/** Everything kept from the input, keyed by `kind|namespace|name` (the last object read wins). */
export interface Collected {
  /** Declared namespaces and their labels. */
  namespaces: Map<string, Labels>;
  controllers: Map<string, ControllerRecord>;
  pods: Map<string, PodRecord>;
  services: Map<string, Service>;
  policies: Map<string, Policy>;
  /** `namespace/name` of ServiceAccounts. */
  serviceAccounts: Map<string, string>;
  meshConfigMaps: Map<string, MeshConfigMap>;
  /** Namespaces that kept objects live in. */
  referencedNamespaces: Set<string>;
  warnings: IngestWarning[];
}

/** Namespaced objects without metadata.namespace are created in `default` by kubectl. */
const DEFAULT_NAMESPACE = "default";

/**
 * Sorts objects by what Meshlens does with them, validating the fields it reads and converting
 * each into Meshlens' own records. Objects it does not use are skipped with a warning; Secrets
 * are never read beyond their name.
 */
export class ManifestCollector {
  readonly collected: Collected = {
    namespaces: new Map(),
    controllers: new Map(),
    pods: new Map(),
    services: new Map(),
    policies: new Map(),
    serviceAccounts: new Map(),
    meshConfigMaps: new Map(),
    referencedNamespaces: new Set(),
    warnings: [],
  };
  private readonly seen = new Map<string, SourceLocation>();

  add(object: RawObject): void {
    // Checked before anything else, whatever its apiVersion: a Secret's content is never looked at.
    if (object.kind === "Secret") {
      this.warn(object, `${describeNamed(object, true)} skipped: Meshlens never reads or stores secrets`);
      return;
    }
    const role = classify(object.apiVersion, object.kind);
    if (!role) return this.skipUnknown(object);
    switch (role.role) {
      case "namespace":
        return this.addNamespace(object);
      case "pod":
        return this.addPod(object);
      case "controller":
        return this.addController(object, role.kind);
      case "service": {
        const parsed = validate(ServiceSchema, object);
        const namespace = this.keep(object, parsed.metadata);
        this.collected.services.set(key(object.kind, namespace, parsed.metadata.name), toService(parsed, namespace));
        return;
      }
      case "service-account": {
        const { metadata } = validate(ObjectSchema, object);
        const namespace = this.keep(object, metadata);
        this.collected.serviceAccounts.set(key(object.kind, namespace, metadata.name), `${namespace}/${metadata.name}`);
        return;
      }
      case "config-map":
        return this.addConfigMap(object);
      case "policy": {
        const { metadata } = validate(ObjectSchema, object);
        const namespace = this.keep(object, metadata);
        this.collected.policies.set(key(object.kind, namespace, metadata.name), toPolicy(object, role.kind, namespace, metadata.name));
        return;
      }
    }
  }

  private addNamespace(object: RawObject): void {
    const { metadata } = validate(NamespaceSchema, object);
    this.noteDuplicate(object, key("Namespace", "", metadata.name));
    this.collected.namespaces.set(metadata.name, { ...(metadata.labels ?? {}) });
  }

  private addPod(object: RawObject): void {
    const { metadata, spec, status } = validate(PodSchema, object);
    const namespace = this.keep(object, metadata);
    const pod: PodRecord = {
      namespace,
      name: metadata.name,
      owner: controllerOwner(metadata.ownerReferences),
      shape: podShape(spec, metadata),
      podTemplateHash: metadata.labels?.["pod-template-hash"],
      observed: Boolean(metadata.uid || spec.nodeName || status?.phase),
      location: object.location,
    };
    this.collected.pods.set(key("Pod", namespace, metadata.name), pod);
  }

  private addController(object: RawObject, kind: ControllerKind): void {
    let metadata: ObjectMeta;
    let template: PodTemplate;
    if (kind === "CronJob") {
      const parsed = validate(CronJobSchema, object);
      metadata = parsed.metadata;
      template = parsed.spec.jobTemplate.spec.template;
    } else {
      const parsed = validate(ControllerSchema, object);
      metadata = parsed.metadata;
      template = parsed.spec.template;
    }
    const namespace = this.keep(object, metadata);
    const revision = Number(metadata.annotations?.["deployment.kubernetes.io/revision"]);
    const controller: ControllerRecord = {
      kind,
      namespace,
      name: metadata.name,
      owner: controllerOwner(metadata.ownerReferences),
      template: podShape(template.spec, template.metadata ?? {}),
      podTemplateHash: metadata.labels?.["pod-template-hash"] ?? template.metadata?.labels?.["pod-template-hash"],
      location: object.location,
    };
    if (Number.isFinite(revision)) controller.revision = revision;
    this.collected.controllers.set(key(kind, namespace, metadata.name), controller);
  }

  private addConfigMap(object: RawObject): void {
    const { namespace = DEFAULT_NAMESPACE, name } = looseName(object);
    if (!name || !isMeshConfigMap(namespace, name, object.value.data)) {
      this.warn(object, `${describeNamed(object, true)} skipped: only Istio's mesh config (istio-system/istio) is read`);
      return;
    }
    const { metadata, data } = validate(ConfigMapSchema, object);
    this.keep(object, metadata);
    this.collected.meshConfigMaps.set(key("ConfigMap", namespace, name), { name, mesh: data?.mesh, location: object.location });
  }

  private skipUnknown(object: RawObject): void {
    const versions = knownVersions(object.kind);
    const why = versions
      ? `apiVersion ${object.apiVersion} is not used by Meshlens (it reads ${object.kind} from ${versions.join(", ")})`
      : "not used by Meshlens";
    this.warn(object, `skipped ${describeNamed(object, false)}: ${why}`);
  }

  /** Records the object's namespace as referenced and reports a duplicate; returns the namespace. */
  private keep(object: RawObject, metadata: ObjectMeta): string {
    const namespace = metadata.namespace || DEFAULT_NAMESPACE;
    this.collected.referencedNamespaces.add(namespace);
    this.noteDuplicate(object, key(object.kind, namespace, metadata.name));
    return namespace;
  }

  private noteDuplicate(object: RawObject, objectKey: string): void {
    const earlier = this.seen.get(objectKey);
    if (earlier) {
      this.warn(object, `duplicate ${subjectOf(object)} (also in ${describeLocation(earlier)}): the last one read is used`);
    }
    this.seen.set(objectKey, object.location);
  }

  private warn(object: RawObject, message: string): void {
    // IngestWarning has no item field: name the List item in the message instead.
    const { file, document, item } = object.location;
    this.collected.warnings.push({ file, document, message: item === undefined ? message : `item ${item}: ${message}` });
  }
}

const key = (kind: string, namespace: string, name: string) => `${kind}|${namespace}|${name}`;

/**
 * `Ingress shop/web` for messages. Namespaced kinds Meshlens keeps fall back to `default`;
 * for unknown kinds the scope is unknown, so a missing namespace is simply not shown.
 */
function describeNamed(object: RawObject, namespaced: boolean): string {
  const { namespace, name } = looseName(object);
  if (!name) return `${object.kind} (unnamed)`;
  const ns = namespace ?? (namespaced ? DEFAULT_NAMESPACE : undefined);
  return ns ? `${object.kind} ${ns}/${name}` : `${object.kind} ${name}`;
}
