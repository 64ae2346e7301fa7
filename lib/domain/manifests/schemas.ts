/**
 * zod schemas for the fields Meshlens reads from Kubernetes objects. Objects are loose (unknown
 * fields pass), fields Meshlens does not read are not checked, and `null` counts as absent, as
 * it does for the API server (`labels:` with nothing after it is null in YAML).
 */
import { z } from "zod";

const PORT = "expected a number 1-65535";
export const PortNumberSchema = z.int({ error: PORT }).min(1, { error: PORT }).max(65535, { error: PORT });

export const ProtocolSchema = z.enum(["TCP", "UDP", "SCTP"], { error: 'expected "TCP", "UDP" or "SCTP"' });

/** Label values are strings; unquoted `true` or `8080` is a YAML boolean/number the API rejects. */
export const LabelsSchema = z.record(
  z.string(),
  z.string({ error: (issue) => `expected a string, found ${typeof issue.input} (quote values such as "true" or "8080")` }),
);

export const OwnerReferenceSchema = z.looseObject({
  apiVersion: z.string(),
  kind: z.string(),
  name: z.string().min(1),
  controller: z.boolean().nullish(),
});

/** Annotations Meshlens reads; the others are not checked (many tools write odd values there). */
export const AnnotationsSchema = z.looseObject({
  "sidecar.istio.io/inject": z.string().nullish(),
  "deployment.kubernetes.io/revision": z.string().nullish(),
});

export const ObjectMetaSchema = z.looseObject({
  name: z.string().min(1),
  uid: z.string().nullish(),
  namespace: z.string().nullish(),
  labels: LabelsSchema.nullish(),
  annotations: AnnotationsSchema.nullish(),
  ownerReferences: z.array(OwnerReferenceSchema).nullish(),
});

export const ContainerSchema = z.looseObject({
  name: z.string().min(1),
  ports: z
    .array(
      z.looseObject({
        name: z.string().nullish(),
        containerPort: PortNumberSchema,
        protocol: ProtocolSchema.nullish(),
      }),
    )
    .nullish(),
  /** `Always` on an init container makes it a native sidecar (k8s 1.28+). */
  restartPolicy: z.string().nullish(),
});

export const PodSpecSchema = z.looseObject({
  containers: z.array(ContainerSchema),
  initContainers: z.array(ContainerSchema).nullish(),
  serviceAccountName: z.string().nullish(),
  serviceAccount: z.string().nullish(),
  hostNetwork: z.boolean().nullish(),
});

const TemplateMetaSchema = z.looseObject({ labels: LabelsSchema.nullish(), annotations: AnnotationsSchema.nullish() });
export const PodTemplateSchema = z.looseObject({ metadata: TemplateMetaSchema.nullish(), spec: PodSpecSchema });

export const ObjectSchema = z.looseObject({ metadata: ObjectMetaSchema });
export const PodSchema = z.looseObject({
  metadata: ObjectMetaSchema,
  spec: PodSpecSchema.extend({ nodeName: z.string().nullish() }),
  status: z.looseObject({ phase: z.string().nullish() }).nullish(),
});
/** Deployment, ReplicaSet, StatefulSet, DaemonSet, ReplicationController, Job. */
export const ControllerSchema = z.looseObject({ metadata: ObjectMetaSchema, spec: z.looseObject({ template: PodTemplateSchema }) });
export const CronJobSchema = z.looseObject({
  metadata: ObjectMetaSchema,
  spec: z.looseObject({ jobTemplate: z.looseObject({ spec: z.looseObject({ template: PodTemplateSchema }) }) }),
});

export const NamespaceSchema = z.looseObject({
  metadata: z.looseObject({ name: z.string().min(1), labels: LabelsSchema.nullish() }),
});

export const ServiceSchema = z.looseObject({
  metadata: ObjectMetaSchema,
  spec: z
    .looseObject({
      type: z
        .enum(["ClusterIP", "NodePort", "LoadBalancer", "ExternalName"], {
          error: 'expected "ClusterIP", "NodePort", "LoadBalancer" or "ExternalName"',
        })
        .nullish(),
      selector: LabelsSchema.nullish(),
      externalName: z.string().nullish(),
      ports: z
        .array(
          z.looseObject({
            name: z.string().nullish(),
            port: PortNumberSchema,
            targetPort: z
              .union([PortNumberSchema, z.string().min(1)], { error: "expected a port number 1-65535 or a port name" })
              .nullish(),
            protocol: ProtocolSchema.nullish(),
          }),
        )
        .nullish(),
    })
    .superRefine((spec, ctx) => {
      // The API server requires the DNS name of an ExternalName Service.
      if (spec.type === "ExternalName" && !spec.externalName) {
        ctx.addIssue({ code: "custom", path: ["externalName"], message: "missing (required for type ExternalName)" });
      }
    })
    .nullish(),
});

export const ConfigMapSchema = z.looseObject({
  metadata: ObjectMetaSchema,
  data: z.record(z.string(), z.string()).nullish(),
});

/** The part of Istio's MeshConfig (the `mesh` key of the `istio` ConfigMap) Meshlens reads. */
export const MeshConfigTextSchema = z.looseObject({
  rootNamespace: z.string().min(1).nullish(),
  outboundTrafficPolicy: z
    .looseObject({
      mode: z.enum(["ALLOW_ANY", "REGISTRY_ONLY"], { error: 'expected "ALLOW_ANY" or "REGISTRY_ONLY"' }).nullish(),
    })
    .nullish(),
});

export type ObjectMeta = z.infer<typeof ObjectMetaSchema>;
export type PodSpec = z.infer<typeof PodSpecSchema>;
export type PodTemplate = z.infer<typeof PodTemplateSchema>;
