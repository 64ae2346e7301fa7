import { expect, test, type APIRequestContext } from "@playwright/test";
import { SHOP_V1, SHOP_V2 } from "../lib/domain/diff/testdata";
import { dataRows } from "./helpers";

// Two versions of the small cluster of lib/domain/diff/testdata.ts (its unit test checks each
// item by hand), stored through the API, then compared on the diff page.

async function store(request: APIRequestContext, yaml: string, name: string, cluster: string): Promise<string> {
  const created = await request.post(`/api/snapshots?name=${encodeURIComponent(name)}&cluster=${cluster}`, {
    headers: { "content-type": "application/yaml" },
    data: yaml,
  });
  expect(created.status()).toBe(201);
  return ((await created.json()) as { snapshot: { id: string } }).snapshot.id;
}

test("compare two snapshots of a cluster from the snapshot page", async ({ page, request }) => {
  const v1 = await store(request, SHOP_V1, "Shop v1", "diff-e2e");
  const v2 = await store(request, SHOP_V2, "Shop v2", "diff-e2e");
  await store(request, SHOP_V1, "Other cluster", "diff-e2e-other");

  // The snapshot page offers the other snapshots of the same cluster only.
  await page.goto(`/snapshots/${v2}`);
  await page.getByText("Compare with…").click();
  const others = page.getByRole("navigation", { name: "Other snapshots of diff-e2e" });
  await expect(others.getByRole("link")).toHaveCount(1);
  await others.getByRole("link", { name: "Shop v1" }).click();
  // v1 was captured first, so it is the base.
  await expect(page).toHaveURL(new RegExp(`/diff\\?from=${v1}&to=${v2}$`));
  await expect(page.getByRole("heading", { level: 1, name: "Compare snapshots" })).toBeVisible();

  const summary = page.getByRole("region", { name: "Summary" });
  await expect(summary).toContainText("Workloads1 added, 1 removed, 3 changed");
  await expect(summary).toContainText("Allowed paths3 gained, 1 lost, 1 changed");
  await expect(summary).toContainText("Findings4 introduced, 3 resolved, 3 unchanged");

  await expect(dataRows(page, "Workloads added")).toHaveText([/shop\/cache\[Deployment\]/]);
  await expect(dataRows(page, "Workloads removed")).toHaveText([/shop\/legacy\[Deployment\]/]);
  await expect(dataRows(page, "Workloads changed").filter({ hasText: "shop/api[Deployment]" })).toContainText("serviceAccount: api -> api-v2");

  // Paths: web -> api opened 9091; api -> cache is new with the cache workload.
  const changed = dataRows(page, "Allowed paths changed");
  await expect(changed).toHaveCount(1);
  await expect(changed).toContainText("shop/web[Deployment]");
  await expect(changed).toContainText("TCP 9090-9091");
  await expect(dataRows(page, "Allowed paths gained").filter({ hasText: "shop/cache[Deployment]" })).toContainText("workload added or removed");
  await expect(dataRows(page, "Allowed paths lost")).toContainText("0.0.0.0-255.255.255.255[External]");

  // The policy diff, as text with its added line.
  const apiIngress = page.getByRole("region", { name: "Diff of shop/api-ingress[NetworkPolicy]" });
  await expect(apiIngress).toBeVisible();
  await expect(apiIngress).toContainText("+        - port: 9091");
  await expect(page.getByRole("list", { name: "Policies removed" })).toContainText("shop/metrics-ingress[NetworkPolicy]");

  await expect(dataRows(page, "Findings introduced").filter({ hasText: "shop/legacy-ingress[NetworkPolicy] selects no workload" })).toHaveCount(1);
  await expect(dataRows(page, "Findings resolved").filter({ hasText: "shop/metrics-ingress[NetworkPolicy] selects no workload" })).toHaveCount(1);
  await expect(page.getByRole("region", { name: "Observed traffic" })).toContainText("Appeared (0)");

  // The newer snapshot's graph, with the changes ringed and explained in its legend.
  const graph = page.getByRole("region", { name: "Graph of the changes" });
  await expect(graph.locator("canvas")).toBeVisible({ timeout: 20_000 });
  await expect(graph.getByText("Added (diff)")).toBeVisible();
});

test("the diff page explains what is wrong, and shows cluster text as text", async ({ page, request }) => {
  const v1 = await store(request, SHOP_V1, "Shop v1", "diff-e2e-2");
  const other = await store(request, SHOP_V1, "Elsewhere", "diff-e2e-3");
  await page.goto(`/diff?from=${v1}&to=${other}`);
  await expect(page.getByRole("alert").filter({ hasText: "Cannot compare" })).toHaveText(
    'Cannot compare snapshots of different clusters: "diff-e2e-2" and "diff-e2e-3". Pick two snapshots of the same cluster.',
  );
  await page.goto(`/diff?from=${v1}`);
  await expect(page.getByRole("alert").filter({ hasText: "Pick two snapshots" })).toBeVisible();
  expect((await page.goto("/diff?from=AAAAAAAAAAAAAAAAAAAAAA&to=AAAAAAAAAAAAAAAAAAAAAB"))?.status()).toBe(404);

  // A policy annotation with markup: shown in the diff as the characters it is made of.
  const hostile = '<img src=x onerror="window.__pwned=1">';
  const annotated = SHOP_V1.replace("metadata: { name: api-ingress, namespace: shop }", `metadata: { name: api-ingress, namespace: shop, annotations: { note: '${hostile}' } }`);
  const v1b = await store(request, annotated, "Shop v1 annotated", "diff-e2e-2");
  await page.goto(`/diff?from=${v1}&to=${v1b}`);
  const diff = page.getByRole("region", { name: "Diff of shop/api-ingress[NetworkPolicy]" });
  await expect(diff).toContainText(`+    note: ${hostile}`);
  await expect(diff.locator("img")).toHaveCount(0);
  expect(await page.evaluate(() => (window as { __pwned?: number }).__pwned)).toBeUndefined();
});
