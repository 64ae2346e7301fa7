/** Shared by the tests of this folder (not used by the reader itself). */
import { expect } from "vitest";
import { AppError } from "../errors";
import { readManifests } from "./read-manifests";
import type { ManifestReadResult } from "./types";

/** Reads YAML documents given as strings, joined into one file `test.yaml`. */
export function readYaml(...documents: string[]): ManifestReadResult {
  return readManifests([{ path: "test.yaml", content: documents.join("---\n") }]);
}

/** Runs `fn`, expects an AppError and returns it. */
export function catchAppError(fn: () => unknown): AppError {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(AppError);
    return error as AppError;
  }
  throw new Error("expected an AppError, but nothing was thrown");
}

export const NAMESPACE_SHOP_INJECTED = `
apiVersion: v1
kind: Namespace
metadata: { name: shop, labels: { istio-injection: enabled } }
`;

/** A Deployment `shop/frontend` (app: frontend, port 8080 http, serviceAccount frontend). */
export const DEPLOYMENT_FRONTEND = `
apiVersion: apps/v1
kind: Deployment
metadata: { name: frontend, namespace: shop, uid: d-1 }
spec:
  selector: { matchLabels: { app: frontend } }
  template:
    metadata: { labels: { app: frontend } }
    spec:
      serviceAccountName: frontend
      containers:
        - name: server
          image: frontend:1
          ports: [{ name: http, containerPort: 8080 }]
`;

interface PodOptions {
  namespace?: string;
  labels?: Record<string, string>;
  /** `Kind/name` of the controlling owner, e.g. `ReplicaSet/frontend-7d9c8`. */
  owner?: string;
  ownerApiVersion?: string;
  containers?: string[];
  serviceAccount?: string;
  /** Exported from a running cluster (has a uid, a node and a status). Default true. */
  live?: boolean;
}

const OWNER_API: Record<string, string> = {
  ReplicaSet: "apps/v1",
  Deployment: "apps/v1",
  StatefulSet: "apps/v1",
  DaemonSet: "apps/v1",
  Job: "batch/v1",
  CronJob: "batch/v1",
  ReplicationController: "v1",
};

/** A Pod document (JSON, which is YAML) as `kubectl get pod -o yaml` would show it. */
export function pod(name: string, options: PodOptions = {}): string {
  const live = options.live ?? true;
  const metadata: Record<string, unknown> = { name, namespace: options.namespace ?? "shop", labels: options.labels ?? {} };
  if (live) metadata.uid = `uid-${name}`;
  if (options.owner) {
    const [kind, ownerName] = options.owner.split("/") as [string, string];
    metadata.ownerReferences = [
      { apiVersion: options.ownerApiVersion ?? OWNER_API[kind] ?? "v1", kind, name: ownerName, controller: true, uid: "x" },
    ];
  }
  const spec: Record<string, unknown> = {
    containers: (options.containers ?? ["app"]).map((c) => ({ name: c, image: `${c}:1` })),
  };
  if (options.serviceAccount) spec.serviceAccountName = options.serviceAccount;
  if (live) spec.nodeName = "node-1";
  const doc: Record<string, unknown> = { apiVersion: "v1", kind: "Pod", metadata, spec };
  if (live) doc.status = { phase: "Running" };
  return `${JSON.stringify(doc)}\n`;
}
