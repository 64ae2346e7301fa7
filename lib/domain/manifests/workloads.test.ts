import { describe, expect, it } from "vitest";
import { DEPLOYMENT_FRONTEND, NAMESPACE_SHOP_INJECTED, pod, readYaml } from "./test-helpers";

const REPLICASET_FRONTEND = `
apiVersion: apps/v1
kind: ReplicaSet
metadata:
  name: frontend-7d9c8
  namespace: shop
  labels: { app: frontend, pod-template-hash: 7d9c8 }
  annotations: { deployment.kubernetes.io/revision: "2" }
  ownerReferences: [{ apiVersion: apps/v1, kind: Deployment, name: frontend, controller: true, uid: d-1 }]
spec:
  template:
    metadata: { labels: { app: frontend, pod-template-hash: 7d9c8 } }
    spec:
      serviceAccountName: frontend
      containers: [{ name: server, image: "frontend:1", ports: [{ name: http, containerPort: 8080 }] }]
`;

const frontendPod = (name: string, containers = ["server", "istio-proxy"]) =>
  pod(name, {
    labels: { app: "frontend", "pod-template-hash": "7d9c8" },
    owner: "ReplicaSet/frontend-7d9c8",
    serviceAccount: "frontend",
    containers,
  });

describe("workloads from controllers and pods", () => {
  it("attributes pods to the Deployment through its ReplicaSet, which is not a workload of its own", () => {
    const read = readYaml(
      NAMESPACE_SHOP_INJECTED,
      DEPLOYMENT_FRONTEND,
      REPLICASET_FRONTEND,
      frontendPod("frontend-7d9c8-aaaaa"),
      frontendPod("frontend-7d9c8-bbbbb"),
    );
    expect(read.workloads).toEqual([
      {
        id: "shop/frontend[Deployment]",
        namespace: "shop",
        name: "frontend",
        kind: "Deployment",
        labels: { app: "frontend" }, // the Deployment's template, not the pods'
        serviceAccount: "frontend",
        ports: [{ container: "server", name: "http", port: 8080, protocol: "TCP" }],
        sidecar: { injected: true, reason: "istio-proxy container found in pod frontend-7d9c8-aaaaa" },
        pods: 2,
        hostNetwork: false,
      },
    ]);
  });

  it("infers the Deployment when the ReplicaSet is missing: <deployment>-<pod-template-hash>", () => {
    const read = readYaml(DEPLOYMENT_FRONTEND, frontendPod("frontend-7d9c8-aaaaa"));
    expect(read.workloads.map((w) => [w.id, w.pods])).toEqual([["shop/frontend[Deployment]", 1]]);
  });

  it("does not guess a Deployment that is not in the input: the ReplicaSet is the workload", () => {
    const read = readYaml(frontendPod("frontend-7d9c8-aaaaa"));
    expect(read.workloads.map((w) => [w.id, w.pods])).toEqual([["shop/frontend-7d9c8[ReplicaSet]", 1]]);
  });

  it("does not infer when the pod-template-hash does not match the ReplicaSet name", () => {
    const stray = pod("frontend-x-1", { labels: { "pod-template-hash": "zzz" }, owner: "ReplicaSet/frontend-7d9c8" });
    const read = readYaml(DEPLOYMENT_FRONTEND, stray);
    expect(read.workloads.map((w) => w.id)).toEqual(["shop/frontend-7d9c8[ReplicaSet]", "shop/frontend[Deployment]"]);
  });

  it("names the workload after an owner that was not exported (ReplicaSet -> absent Deployment)", () => {
    const read = readYaml(REPLICASET_FRONTEND, frontendPod("frontend-7d9c8-aaaaa"));
    const [workload] = read.workloads;
    expect(read.workloads).toHaveLength(1);
    expect(workload).toMatchObject({
      id: "shop/frontend[Deployment]",
      labels: { app: "frontend", "pod-template-hash": "7d9c8" }, // from the ReplicaSet's template
      pods: 1,
    });
  });

  it("takes the newest ReplicaSet's template when the Deployment is absent", () => {
    const old = REPLICASET_FRONTEND.replaceAll("7d9c8", "5f6a1")
      .replace('revision: "2"', 'revision: "1"')
      .replace("containerPort: 8080", "containerPort: 9090");
    const read = readYaml(old, REPLICASET_FRONTEND);
    expect(read.workloads).toHaveLength(1);
    expect(read.workloads[0]!.ports.map((p) => p.port)).toEqual([8080]);
  });

  it("follows CronJob -> Job -> Pod, and infers the CronJob of a Job that is not in the input", () => {
    const cronJob = `
apiVersion: batch/v1
kind: CronJob
metadata: { name: backup, namespace: shop }
spec:
  schedule: "0 3 * * *"
  jobTemplate:
    spec:
      template:
        metadata: { labels: { app: backup } }
        spec:
          serviceAccountName: backup
          restartPolicy: OnFailure
          containers: [{ name: dump, image: "pg:16" }]
`;
    const job = `
apiVersion: batch/v1
kind: Job
metadata:
  name: backup-29100000
  namespace: shop
  ownerReferences: [{ apiVersion: batch/v1, kind: CronJob, name: backup, controller: true, uid: c-1 }]
spec:
  template:
    metadata: { labels: { app: backup } }
    spec: { containers: [{ name: dump, image: "pg:16" }] }
`;
    const read = readYaml(
      cronJob,
      job,
      pod("backup-29100000-abcde", { owner: "Job/backup-29100000", labels: { app: "backup" } }),
      // Its Job was cleaned up (ttlSecondsAfterFinished) but the name tells the CronJob.
      pod("backup-29099000-fghij", { owner: "Job/backup-29099000", labels: { app: "backup" } }),
    );
    expect(read.workloads.map((w) => [w.id, w.pods, w.serviceAccount])).toEqual([
      ["shop/backup[CronJob]", 2, "backup"],
    ]);
  });

  it("makes a bare pod a workload of kind Pod", () => {
    const read = readYaml(pod("debug", { labels: { purpose: "debug" }, containers: ["netshoot"] }));
    expect(read.workloads).toEqual([
      {
        id: "shop/debug[Pod]",
        namespace: "shop",
        name: "debug",
        kind: "Pod",
        labels: { purpose: "debug" },
        serviceAccount: "default",
        ports: [],
        sidecar: { injected: false, reason: "no istio-proxy container in pod debug" },
        pods: 1,
        hostNetwork: false,
      },
    ]);
  });

  it("makes a pod owned by something that is not a workload kind a workload of kind Pod", () => {
    const mirror = pod("kube-apiserver-node-1", { namespace: "kube-system", owner: "Node/node-1" });
    const volcano = pod("train-0", { owner: "Job/train", ownerApiVersion: "batch.volcano.sh/v1alpha1" });
    const read = readYaml(mirror, volcano);
    expect(read.workloads.map((w) => w.id)).toEqual(["kube-system/kube-apiserver-node-1[Pod]", "shop/train-0[Pod]"]);
  });

  it("stops the owner chain at an owner that is not a workload kind (Argo Rollout -> ReplicaSet)", () => {
    const rs = REPLICASET_FRONTEND.replace(
      "{ apiVersion: apps/v1, kind: Deployment, name: frontend, controller: true, uid: d-1 }",
      "{ apiVersion: argoproj.io/v1alpha1, kind: Rollout, name: frontend, controller: true, uid: r-1 }",
    );
    const read = readYaml(rs, frontendPod("frontend-7d9c8-aaaaa"));
    expect(read.workloads.map((w) => [w.id, w.pods])).toEqual([["shop/frontend-7d9c8[ReplicaSet]", 1]]);
  });

  it("describes a controller without pods from its template", () => {
    const read = readYaml(DEPLOYMENT_FRONTEND);
    expect(read.workloads[0]).toMatchObject({ id: "shop/frontend[Deployment]", pods: 0, serviceAccount: "frontend" });
  });

  it("gives pods-only workloads the labels all their pods share and the first pod's account", () => {
    const read = readYaml(
      pod("web-0", { owner: "StatefulSet/web", labels: { app: "web", index: "0" }, serviceAccount: "web-b" }),
      pod("web-1", { owner: "StatefulSet/web", labels: { app: "web", index: "1" }, serviceAccount: "web-a" }),
    );
    expect(read.workloads).toHaveLength(1);
    expect(read.workloads[0]).toMatchObject({
      id: "shop/web[StatefulSet]",
      labels: { app: "web" },
      serviceAccount: "web-b", // web-0 sorts first
      pods: 2,
    });
  });

  it("reads ports of containers and native sidecars, not of plain init containers; protocol defaults to TCP", () => {
    const read = readYaml(`
apiVersion: apps/v1
kind: DaemonSet
metadata: { name: agent, namespace: monitoring }
spec:
  template:
    metadata: { labels: { app: agent } }
    spec:
      serviceAccount: agent-legacy
      hostNetwork: true
      initContainers:
        - { name: setup, image: "x", ports: [{ containerPort: 1111 }] }
        - { name: log-shipper, image: "x", restartPolicy: Always, ports: [{ containerPort: 2222, protocol: UDP }] }
      containers:
        - { name: agent, image: "x", ports: [{ name: metrics, containerPort: 9100 }] }
`);
    expect(read.workloads[0]).toMatchObject({
      id: "monitoring/agent[DaemonSet]",
      serviceAccount: "agent-legacy", // the deprecated spec.serviceAccount
      hostNetwork: true,
      ports: [
        { container: "agent", name: "metrics", port: 9100, protocol: "TCP" },
        { container: "log-shipper", port: 2222, protocol: "UDP" },
      ],
    });
  });

  it("survives owner references that form a loop", () => {
    const loop = (name: string, owner: string) => `
apiVersion: apps/v1
kind: ReplicaSet
metadata:
  name: ${name}
  namespace: shop
  ownerReferences: [{ apiVersion: apps/v1, kind: ReplicaSet, name: ${owner}, uid: x }]
spec: { template: { spec: { containers: [{ name: c, image: x }] } } }
`;
    const read = readYaml(loop("a", "b"), loop("b", "a"));
    expect(read.workloads.map((w) => w.id)).toEqual(["shop/a[ReplicaSet]", "shop/b[ReplicaSet]"]);
  });
});
