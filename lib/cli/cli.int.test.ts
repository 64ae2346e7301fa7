// The CLI as a user runs it: a child process, against the real test database.
import { mkdtemp, readFile, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { demoCounters } from "@/lib/demo/telemetry";
import { disconnectDb } from "@/lib/server/db/client";
import { connectTestDatabase, emptyDatabase } from "@/lib/server/testing/database";
import { startKubeApiServer } from "@/lib/server/testing/kube-api-server";
import { meshlens } from "@/lib/server/testing/meshlens-cli";
import { istioOpenMetrics, startPrometheus, type RunningPrometheus } from "@/lib/server/testing/prometheus";

const prisma = connectTestDatabase();
beforeEach(emptyDatabase);
afterAll(disconnectDb);

describe("meshlens snapshot", () => {
  it("captures a live cluster through its kubeconfig, with a summary as JSON", async () => {
    const api = await startKubeApiServer({
      objects: [
        { apiVersion: "v1", kind: "Namespace", metadata: { name: "shop" } },
        { apiVersion: "apps/v1", kind: "Deployment", metadata: { name: "cart", namespace: "shop" }, spec: { selector: { matchLabels: { app: "cart" } }, template: { metadata: { labels: { app: "cart" } }, spec: { containers: [{ name: "c", image: "cart:1" }] } } } },
        { apiVersion: "networking.k8s.io/v1", kind: "NetworkPolicy", metadata: { name: "deny", namespace: "shop" }, spec: { podSelector: {} } },
      ],
      forbidden: [{ resource: "pods", namespace: "shop" }],
    });
    try {
      const result = await meshlens("snapshot", "--kubeconfig", api.kubeconfigPath, "--namespace", "shop", "--json");
      expect(result.code, result.stderr).toBe(0);
      const out = JSON.parse(result.stdout) as { id: string; url: string; summary: Record<string, unknown>; coverageGaps: { resource: string; namespace: string }[] };
      expect(out.url).toBe(`https://meshlens.example/snapshots/${out.id}`);
      // Gaps: the pods it may not list, and Istio not being installed (its six policy kinds).
      expect(out.summary).toMatchObject({ namespaces: 1, workloads: 1, policies: { NetworkPolicy: 1 }, edges: 0, coverageGaps: 7, telemetry: "not requested" });
      expect(out.coverageGaps.map((g) => `${g.resource}${g.namespace ? ` ${g.namespace}` : ""}`).sort()).toEqual([
        "authorizationpolicies.security.istio.io",
        "destinationrules.networking.istio.io",
        "peerauthentications.security.istio.io",
        "pods shop",
        "requestauthentications.security.istio.io",
        "serviceentries.networking.istio.io",
        "sidecars.networking.istio.io",
      ]);
      expect(await prisma.snapshot.count()).toBe(1);
      expect(result.stdout + result.stderr).not.toContain(api.token);
    } finally {
      await api.stop();
    }
  }, 60_000);

  it("reads files instead, says when telemetry failed, and refuses bad options", async () => {
    const result = await meshlens("snapshot", "--manifests", "lib/cli/testdata/connectivity", "--prometheus", "http://127.0.0.1:1", "--prometheus-timeout", "2s");
    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr).toMatch(/Stored ".*": 2 namespaces, 2 workloads, .*no telemetry \(Prometheus at http:\/\/127\.0\.0\.1:1 is unreachable/);
    const bad = await meshlens("snapshot", "--manifests", "lib/cli/testdata/connectivity", "--prometheus", "http://127.0.0.1:1", "--window", "an hour");
    expect(bad.code, bad.stderr).toBe(2);
    expect(bad.stderr).toContain('--window: "an hour" is not a duration');
    const mixed = await meshlens("snapshot", "--manifests", "x.yaml", "--context", "prod");
    expect(mixed.code, mixed.stderr).toBe(2);
    expect(mixed.stderr).toContain("--manifests reads files: it cannot be combined with --kubeconfig, --context or --namespace.");
    // Credentials are read before anything starts: a missing file or an unknown context fails at once.
    const missing = await meshlens("snapshot", "--kubeconfig", "/nonexistent/kubeconfig");
    expect(missing.code, missing.stderr).toBe(2);
    expect(missing.stderr).toContain("cannot read the kubeconfig /nonexistent/kubeconfig");
    const kubeconfig = join(await mkdtemp(join(tmpdir(), "meshlens-kc-")), "config");
    await writeFile(kubeconfig, "apiVersion: v1\nkind: Config\nclusters: [{name: c, cluster: {server: 'http://127.0.0.1:1'}}]\ncontexts: [{name: staging, context: {cluster: c}}]\ncurrent-context: staging\n");
    const unknown = await meshlens("snapshot", "--kubeconfig", kubeconfig, "--context", "prod");
    expect(unknown.code, unknown.stderr).toBe(2);
    expect(unknown.stderr).toContain("unknown context prod: the kubeconfig has: staging");
    expect(unknown.stderr).not.toContain("PostgreSQL");
    expect(await prisma.snapshot.count()).toBe(1);
  }, 60_000);
});

describe("meshlens analyze and recommend", () => {
  let prometheus: RunningPrometheus;
  beforeAll(async () => {
    prometheus = await startPrometheus({ openMetrics: istioOpenMetrics(demoCounters()) });
  }, 60_000);
  afterAll(() => prometheus?.stop());
  const telemetry = () => ["--prometheus", prometheus.url, "--window", "1h", "--until", "2026-11-20T09:00:00Z"];

  it("analyzes the demo with its recorded hour: every kind of finding, as JSON, SARIF and text, without a database", async () => {
    const json = await meshlens("analyze", "lib/demo/manifests", ...telemetry(), "--format", "json");
    expect(json.code, json.stderr).toBe(0);
    const out = JSON.parse(json.stdout) as { summary: { findings: Record<string, number> }; findings: { id: string; kind: string; severity: string; remediation: { summary: string } }[] };
    expect(new Set(out.findings.map((f) => f.kind)).size).toBe(9);
    expect(out.findings[0]).toMatchObject({ id: "traffic-contradicts-policy:shop-core/netshoot-debug[Pod],shop-core/cartservice[Deployment]", severity: "critical" });
    expect(out.summary.findings.critical).toBe(1);

    const sarif = JSON.parse((await meshlens("analyze", "lib/demo/manifests", ...telemetry(), "--format", "sarif")).stdout) as { version: string; runs: { results: unknown[] }[] };
    expect(sarif.version).toBe("2.1.0");
    expect(sarif.runs[0]!.results).toHaveLength(out.findings.length);

    const gate = await meshlens("analyze", "lib/demo/manifests", ...telemetry(), "--fail-on", "critical");
    expect(gate.code, gate.stderr).toBe(3);
    expect(gate.stdout).toMatch(/^Findings: \d+ \(1 critical, /);
    expect(gate.stderr).toContain("meshlens: 1 findings at or above critical");
    // Without telemetry only what the manifests alone show (no traffic contradicts anything).
    const plain = await meshlens("analyze", "lib/demo/manifests", "--fail-on", "critical");
    expect(plain.code, plain.stderr).toBe(0);
    expect(await prisma.snapshot.count()).toBe(0);
  }, 60_000);

  it("writes least-privilege policies per namespace from the observed traffic", async () => {
    const dir = await mkdtemp(join(tmpdir(), "meshlens-recommend-"));
    const result = await meshlens("recommend", "lib/demo/manifests", ...telemetry(), "--namespace", "blog", "--out", dir);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr).toMatch(/wrote .*blog\.yaml: \d+ objects/);
    const yaml = await readFile(join(dir, "blog.yaml"), "utf8");
    expect(yaml).toContain("kind: NetworkPolicy");
    expect(yaml).toContain("name: meshlens-default-deny");
    const missing = await meshlens("recommend", "lib/demo/manifests");
    expect(missing.code, missing.stderr).toBe(2);
    expect(missing.stderr).toContain("give --prometheus");
  }, 60_000);
});

describe("meshlens CLI", () => {
  it("imports a directory of manifests and prints the id and URL", async () => {
    const result = await meshlens("import", "lib/demo/manifests", "--name", "demo via CLI", "--cluster", "demo");
    expect(result.code, result.stderr).toBe(0);
    const [id, url] = result.stdout.trim().split("\n");
    expect(id).toMatch(/^[A-Za-z0-9_-]{22}$/);
    expect(url).toBe(`https://meshlens.example/snapshots/${id}`);
    expect(result.stderr).toMatch(/Stored "demo via CLI": 6 namespaces, 17 workloads, 14 services, 53 policies, 4 warnings\./);
    expect(result.stderr).toContain("warning: lib/demo/manifests/blog-mesh.yaml");
    const row = await prisma.snapshot.findUniqueOrThrow({ where: { id } });
    expect(row).toMatchObject({ name: "demo via CLI", cluster: "demo", workloadCount: 17 });
  }, 60_000);

  it("lists snapshots, as a table and as JSON", async () => {
    await meshlens("import", "lib/demo/manifests/blog.yaml", "--name", "blog only");
    const table = await meshlens("list");
    expect(table.code, table.stderr).toBe(0);
    expect(table.stdout).toMatch(/unnamed-cluster\s+4 workloads\s+0 policies\s+blog only/);
    const json = JSON.parse((await meshlens("list", "--json")).stdout);
    expect(json.map((s: { name: string }) => s.name)).toEqual(["blog only"]);
  }, 60_000);

  it("fails with a clear message, exit code 2 and nothing stored on bad input", async () => {
    const missing = await meshlens("import", "no/such/dir");
    expect(missing.code, missing.stderr).toBe(2);
    expect(missing.stderr).toContain("meshlens: no such file or directory: no/such/dir");
    const dir = await mkdtemp(join(tmpdir(), "meshlens-cli-"));
    await writeFile(join(dir, "broken.yaml"), "apiVersion: v1\nkind: Namespace\nmetadata: {name: a}\n---\nkind: [\n");
    const bad = await meshlens("import", dir);
    expect(bad.code, bad.stderr).toBe(2);
    expect(bad.stderr).toContain(`meshlens: ${dir}/broken.yaml, document 2: line 6`);
    expect(await prisma.snapshot.count()).toBe(0);
  }, 60_000);

  it("has help for every command", async () => {
    const help = await meshlens("--help");
    expect(help.stdout).toMatch(/import \[options\] <paths\.\.\.>/);
    expect(help.stdout).toMatch(/list \[options\]/);
    expect((await meshlens("import", "--help")).stdout).toContain("--cluster <cluster>");
  }, 60_000);

  it("prints the allowed connections in np-guard's notation, as text and JSON", async () => {
    const text = await meshlens("connectivity", "lib/cli/testdata/connectivity");
    expect(text.code, text.stderr).toBe(0);
    // Hand-derived: back is default-deny for ingress except api from front/web on http=8080;
    // front is not isolated at all, and nothing is isolated for egress.
    expect(text.stdout.trim().split("\n")).toEqual([
      "0.0.0.0-255.255.255.255[External] => front/web[Deployment] : All Connections",
      "back/api[Deployment] => 0.0.0.0-255.255.255.255[External] : All Connections",
      "back/api[Deployment] => front/web[Deployment] : All Connections",
      "front/web[Deployment] => 0.0.0.0-255.255.255.255[External] : All Connections",
      "front/web[Deployment] => back/api[Deployment] : TCP 8080",
    ]);
    const json = JSON.parse((await meshlens("connectivity", "lib/cli/testdata/connectivity", "--format", "json", "--focus", "back/api[Deployment]")).stdout);
    expect(json).toEqual([
      {
        src: "back/api[Deployment]",
        dst: "0.0.0.0-255.255.255.255[External]",
        conn: "All Connections",
        allowedBy: { ingress: "not isolated", egress: "not isolated" },
        // No sidecar: the mesh holds nothing back, and no ServiceEntry declares a host.
        throughMesh: { sidecar: false, outboundTrafficPolicy: "ALLOW_ANY", setBy: null, anyHost: true, hosts: [] },
      },
      // No namespace has sidecar injection: everything travels in plaintext.
      { src: "back/api[Deployment]", dst: "front/web[Deployment]", conn: "All Connections", allowedBy: { ingress: "not isolated", egress: "not isolated" }, mtls: "plaintext" },
      { src: "front/web[Deployment]", dst: "back/api[Deployment]", conn: "TCP 8080", allowedBy: { ingress: ["back/api-from-web[NetworkPolicy] ingress rule 0"], egress: "not isolated" }, mtls: "plaintext" },
    ]);
    const unknown = await meshlens("connectivity", "lib/cli/testdata/connectivity", "--focus", "api");
    expect(unknown.code, unknown.stderr).toBe(2);
    expect(unknown.stderr).toContain("--focus: no workload api in the input. Did you mean back/api[Deployment]?");
  }, 60_000);
});
