// `meshlens diff` as a user runs it, against the real test database: two versions of the small
// cluster of lib/domain/diff/testdata.ts, stored with `meshlens import`.
import { mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeEach, describe, expect, it } from "vitest";
import type { SnapshotDiff } from "@/lib/domain/diff";
import { SHOP_V1, SHOP_V2 } from "@/lib/domain/diff/testdata";
import { disconnectDb } from "@/lib/server/db/client";
import { connectTestDatabase, emptyDatabase } from "@/lib/server/testing/database";
import { meshlens } from "@/lib/server/testing/meshlens-cli";

connectTestDatabase();
beforeEach(emptyDatabase);
afterAll(disconnectDb);

async function importVersion(content: string, name: string, cluster: string): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), "meshlens-diff-"));
  await writeFile(join(dir, "shop.yaml"), content);
  const result = await meshlens("import", dir, "--name", name, "--cluster", cluster, "--json");
  expect(result.code, result.stderr).toBe(0);
  return (JSON.parse(result.stdout) as { snapshot: { id: string } }).snapshot.id;
}

describe("meshlens diff", () => {
  it("prints the counts per section, then the items; --json prints the whole result", async () => {
    const v1 = await importVersion(SHOP_V1, "shop v1", "prod");
    const v2 = await importVersion(SHOP_V2, "shop v2", "prod");

    const text = await meshlens("diff", v1, v2);
    expect(text.code, text.stderr).toBe(0);
    const lines = text.stdout.split("\n");
    expect(lines[0]).toMatch(new RegExp(`^Cluster prod: "shop v1" \\(${v1}, captured .* UTC\\) -> "shop v2" \\(${v2}, captured .* UTC\\)$`));
    // The counts the unit test checks item by item (lib/domain/diff/diff.test.ts).
    expect(lines.slice(2, 7)).toEqual([
      "Workloads: 1 added, 1 removed, 3 changed",
      "Policies: 3 added, 1 removed, 2 changed",
      "Allowed paths: 3 gained, 1 lost, 1 changed",
      "Observed traffic: 0 appeared, 0 disappeared, 0 changed encryption",
      "Findings: 4 introduced, 3 resolved, 3 unchanged",
    ]);
    expect(text.stdout).toContain("Workloads changed (3)\n  ~ data/db[Deployment]\n      ports: postgres/pg 5432/TCP -> postgres/metrics 9187/TCP, postgres/pg 5432/TCP\n");
    expect(text.stdout).toContain("  ~ shop/api-ingress[NetworkPolicy] (+1 -0)\n");
    expect(text.stdout).toContain("      +        - port: 9091\n");
    expect(text.stdout).toContain("Allowed paths gained (3)\n  + data/db[Deployment] => 10.0.0.0-10.255.255.255[External] : TCP 443\n");
    expect(text.stdout).toContain("  + shop/api[Deployment] => shop/cache[Deployment] : TCP 6379 (new workload)\n");
    expect(text.stdout).toContain("Allowed paths changed (1)\n  ~ shop/web[Deployment] => shop/api[Deployment] : TCP 9090-9091 (was TCP 9090)\n");
    expect(text.stdout).toContain("  - [medium] policy-selects-nothing:shop/metrics-ingress[NetworkPolicy]: ");
    expect(text.stdout.trimEnd().split("\n").at(-1)).toBe(`https://meshlens.example/diff?from=${v1}&to=${v2}`);

    const json = await meshlens("diff", v1, v2, "--json", "--limit", "2");
    expect(json.code, json.stderr).toBe(0);
    const result = JSON.parse(json.stdout) as { from: { id: string }; to: { id: string }; diff: SnapshotDiff };
    expect([result.from.id, result.to.id]).toEqual([v1, v2]);
    expect(result.diff.limit).toBe(2);
    expect(result.diff.paths.gained.total).toBe(3);
    expect(result.diff.paths.gained.items).toHaveLength(2);
  }, 120_000);

  it("says which id is unknown, and refuses snapshots of different clusters", async () => {
    const v1 = await importVersion(SHOP_V1, "shop v1", "prod");
    const unknown = await meshlens("diff", v1, "AAAAAAAAAAAAAAAAAAAAAA");
    expect(unknown.code, unknown.stderr).toBe(2);
    expect(unknown.stderr).toContain('meshlens: No snapshot with id "AAAAAAAAAAAAAAAAAAAAAA".');
    // New ids never start with "-"; "--" passes one that does (stored before) as an id, not an option.
    const dashed = await meshlens("diff", "--", "-AAAAAAAAAAAAAAAAAAAAA", v1);
    expect(dashed.code, dashed.stderr).toBe(2);
    expect(dashed.stderr).toContain('meshlens: No snapshot with id "-AAAAAAAAAAAAAAAAAAAAA".');
    const staging = await importVersion(SHOP_V2, "shop v2", "staging");
    const clusters = await meshlens("diff", v1, staging);
    expect(clusters.code, clusters.stderr).toBe(2);
    expect(clusters.stderr).toContain('meshlens: Cannot compare snapshots of different clusters: "prod" and "staging".');
  }, 120_000);
});
