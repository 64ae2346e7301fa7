import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { DEPLOYMENT_FRONTEND, NAMESPACE_SHOP_INJECTED, pod, readYaml } from "./test-helpers";

/** Distinct objects (no duplicates), covering owner inference, mesh config and namespaces. */
const POOL = [
  NAMESPACE_SHOP_INJECTED,
  "apiVersion: v1\nkind: Namespace\nmetadata: { name: blog, labels: { istio.io/rev: canary } }\n",
  DEPLOYMENT_FRONTEND,
  `apiVersion: apps/v1
kind: ReplicaSet
metadata:
  name: frontend-7d9c8
  namespace: shop
  labels: { pod-template-hash: 7d9c8 }
  ownerReferences: [{ apiVersion: apps/v1, kind: Deployment, name: frontend, controller: true, uid: d-1 }]
spec: { template: { metadata: { labels: { app: frontend } }, spec: { containers: [{ name: server, image: x }] } } }
`,
  pod("frontend-7d9c8-aaaaa", { owner: "ReplicaSet/frontend-7d9c8", labels: { app: "frontend", "pod-template-hash": "7d9c8" } }),
  pod("frontend-7d9c8-bbbbb", {
    owner: "ReplicaSet/frontend-7d9c8",
    labels: { app: "frontend", "pod-template-hash": "7d9c8", extra: "1" },
    containers: ["server", "istio-proxy"],
  }),
  `apiVersion: batch/v1
kind: CronJob
metadata: { name: backup, namespace: blog }
spec: { jobTemplate: { spec: { template: { spec: { containers: [{ name: dump, image: x }] } } } } }
`,
  pod("backup-29100000-x", { namespace: "blog", owner: "Job/backup-29100000" }),
  pod("debug", { namespace: "blog", live: false }),
  "apiVersion: v1\nkind: Service\nmetadata: { name: frontend, namespace: shop }\nspec: { selector: { app: frontend }, ports: [{ port: 80 }] }\n",
  "apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: { name: deny, namespace: shop }\nspec: { podSelector: {} }\n",
  "apiVersion: v1\nkind: ServiceAccount\nmetadata: { name: frontend, namespace: shop }\n",
  "apiVersion: v1\nkind: ConfigMap\nmetadata: { name: istio, namespace: istio-system }\ndata: { mesh: 'rootNamespace: blog' }\n",
];

const subsetAndPermutation = fc
  .subarray(POOL)
  .chain((subset) =>
    fc.tuple(fc.constant(subset), fc.shuffledSubarray(subset, { minLength: subset.length, maxLength: subset.length })),
  );

const RUNS = { seed: 20261127, numRuns: 200 };

describe("readManifests properties", () => {
  it("does not depend on the order of documents", () => {
    fc.assert(
      fc.property(subsetAndPermutation, ([subset, permuted]) => {
        expect(readYaml(...permuted)).toEqual(readYaml(...subset));
      }),
      RUNS,
    );
  });

  it("attributes every pod to exactly one workload", () => {
    fc.assert(
      fc.property(fc.subarray(POOL), (subset) => {
        const podCount = subset.filter((doc) => doc.includes('"kind":"Pod"')).length;
        const read = readYaml(...subset);
        expect(read.workloads.reduce((sum, w) => sum + w.pods, 0)).toBe(podCount);
        expect(new Set(read.workloads.map((w) => w.id)).size).toBe(read.workloads.length);
      }),
      RUNS,
    );
  });

  it("lists every namespace an object lives in, each once", () => {
    fc.assert(
      fc.property(fc.subarray(POOL), (subset) => {
        const read = readYaml(...subset);
        const names = read.namespaces.map((n) => n.name);
        expect(new Set(names).size).toBe(names.length);
        for (const item of [...read.workloads, ...read.services, ...read.policies]) expect(names).toContain(item.namespace);
      }),
      RUNS,
    );
  });
});
