/**
 * The diff figure of `npm run bench`: two versions of a generated 5,000-workload cluster (the
 * second without every 25th workload and every 20th policy, and a default-deny in ten more
 * namespaces), compared as `GET /api/diff` does, findings aside (they are stored with each
 * snapshot; comparing them is a lookup per finding).
 */
import { stringify } from "yaml";
import { diffSnapshots } from "@/lib/domain/diff";
import { readManifests } from "@/lib/domain/manifests";
import { snapshotFromManifests } from "@/lib/domain/snapshot/from-manifests";
import { generateObjects, type GenerateOptions } from "./generate-manifests";

const CLUSTER: GenerateOptions = { workloads: 5000, policies: 2000, namespaces: 100, defaultDeny: true, seed: 9 };

export function diffFigures(figure: (name: string, value: number, unit: string, target: string) => void) {
  const objects = generateObjects(CLUSTER);
  const kindOf = (o: Record<string, unknown>) => o.kind as string;
  let workloads = 0;
  let policies = 0;
  const changed = objects.filter((o) => {
    if (kindOf(o) === "Deployment") return ++workloads % 25 !== 0;
    if (kindOf(o) === "NetworkPolicy" || kindOf(o) === "AuthorizationPolicy") return ++policies % 20 !== 0;
    return true;
  });
  for (let i = 1; i < CLUSTER.namespaces; i += 10) {
    changed.push({ apiVersion: "networking.k8s.io/v1", kind: "NetworkPolicy", metadata: { name: "default-deny", namespace: `team-${String(i).padStart(3, "0")}` }, spec: { podSelector: {}, policyTypes: ["Ingress"] } });
  }
  const snapshot = (docs: Record<string, unknown>[], name: string) =>
    snapshotFromManifests(readManifests([{ path: `${name}.yaml`, content: docs.map((d) => stringify(d)).join("---\n") }]), {
      name,
      cluster: "bench",
      capturedAt: new Date(0),
      files: [`${name}.yaml`],
    });
  const base = snapshot(objects, "base");
  const head = snapshot(changed, "head");
  const t0 = performance.now();
  const diff = diffSnapshots(base, head);
  const seconds = (performance.now() - t0) / 1000;
  const { paths } = diff;
  console.log(
    `input: ${base.workloads.length} -> ${head.workloads.length} workloads, ${base.policies.length} -> ${head.policies.length} policies; ` +
      `paths ${paths.gained.total} gained, ${paths.lost.total} lost, ${paths.changed.total} changed (lists capped at ${diff.limit})`,
  );
  figure("diff-5000-workloads", seconds, "s", "none set, measured");
}
