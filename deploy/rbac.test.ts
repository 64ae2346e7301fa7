// deploy/rbac.yaml is the least a capture needs: read-only, every resource Meshlens lists, and
// never Secrets (nor a wildcard that would include them).
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { parseAllDocuments } from "yaml";

interface Rule {
  apiGroups?: string[];
  resources?: string[];
  resourceNames?: string[];
  nonResourceURLs?: string[];
  verbs: string[];
}

const docs = parseAllDocuments(readFileSync("deploy/rbac.yaml", "utf8")).map((d) => d.toJS() as { kind: string; metadata: { name: string }; rules?: Rule[]; roleRef?: { name: string }; subjects?: { name: string; namespace: string }[] });
const role = docs.find((d) => d.kind === "ClusterRole")!;

describe("deploy/rbac.yaml", () => {
  it("only reads", () => {
    for (const rule of role.rules!) for (const verb of rule.verbs) expect(["get", "list"]).toContain(verb);
  });

  it("never grants Secrets, nor wildcards", () => {
    const text = JSON.stringify(role.rules);
    expect(text).not.toMatch(/secret/i);
    for (const rule of role.rules!) {
      for (const field of [rule.apiGroups, rule.resources, rule.verbs]) expect(field ?? []).not.toContain("*");
    }
  });

  it("lets Meshlens list every resource it reads, and get only the istio ConfigMap", () => {
    const granted = role.rules!.filter((r) => r.resources && !r.resourceNames).flatMap((r) => r.resources!.flatMap((res) => r.apiGroups!.map((g) => `${res}.${g}`.replace(/\.$/, ""))));
    expect(granted.sort()).toEqual(
      [
        "namespaces", "pods", "services", "serviceaccounts", "replicationcontrollers",
        "deployments.apps", "replicasets.apps", "statefulsets.apps", "daemonsets.apps",
        "jobs.batch", "cronjobs.batch",
        "networkpolicies.networking.k8s.io",
        "authorizationpolicies.security.istio.io", "peerauthentications.security.istio.io", "requestauthentications.security.istio.io",
        "destinationrules.networking.istio.io", "sidecars.networking.istio.io", "serviceentries.networking.istio.io",
      ].sort(),
    );
    const configMaps = role.rules!.find((r) => r.resources?.includes("configmaps"));
    expect(configMaps).toMatchObject({ resourceNames: ["istio"], verbs: ["get"] });
  });

  it("binds the role to the meshlens service account", () => {
    const binding = docs.find((d) => d.kind === "ClusterRoleBinding")!;
    expect(binding.roleRef!.name).toBe(role.metadata.name);
    expect(binding.subjects).toEqual([{ kind: "ServiceAccount", name: "meshlens", namespace: "meshlens" }]);
  });
});
