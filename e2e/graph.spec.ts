import { expect, test } from "@playwright/test";
import type { SnapshotGraph } from "@/lib/domain/graph/model";
import { fixture, uploadSnapshot } from "./helpers";

test("the graph: walk it by keyboard, click a node, search, switch layers, reopen from the link, export", async ({ page, request }) => {
  await uploadSnapshot(page, { name: "Graph e2e", files: fixture("small-mesh.yaml") });
  const id = new URL(page.url()).pathname.split("/").pop()!;
  await page.getByRole("tab", { name: /^Graph/ }).click();
  const canvas = page.getByRole("application", { name: /^Graph of 3 nodes/ });
  await expect(canvas).toBeVisible();
  const selection = page.getByRole("complementary", { name: "Selection" });
  await expect(selection).toContainText("Select a node or an edge");

  // Keyboard: nodes in id order, announced; Enter selects and the panel shows the workload.
  await canvas.focus();
  await page.keyboard.press("n");
  await expect(page.getByText("data/postgres[Deployment]: workload, no sidecar")).toBeAttached();
  await page.keyboard.press("Enter");
  await expect(selection.getByRole("heading", { name: "data/postgres[Deployment]" })).toBeVisible();
  await expect(selection).toContainText("app=postgres");
  await expect(page).toHaveURL(/g_sel=data%2Fpostgres%5BDeployment%5D/);
  await page.keyboard.press("Escape");
  await expect(selection).toContainText("Select a node or an edge");

  // Pointer: a click where the layout put a node selects it. The first placement is not written
  // to the URL (the page's link stays clean until the user moves the view); "0" fits, by hand.
  expect(new URL(page.url()).searchParams.has("g_k")).toBe(false);
  await page.keyboard.press("0");
  await expect(page).toHaveURL(/g_k=/);
  const graph = (await (await request.get(`/api/snapshots/${id}/graph`)).json()) as SnapshotGraph;
  const frontend = graph.nodes.find((n) => n.id === "web/frontend[Deployment]")!;
  const params = new URL(page.url()).searchParams;
  const [x, y, k] = ["g_x", "g_y", "g_k"].map((name) => Number(params.get(name)));
  await canvas.click({ position: { x: frontend.x * k! + x!, y: frontend.y * k! + y! } });
  await expect(selection.getByRole("heading", { name: "web/frontend[Deployment]" })).toBeVisible();
  await expect(selection).toContainText("app=frontend");

  // Layers and search go into the link.
  await page.getByRole("radio", { name: "Findings only" }).check();
  await expect(page).toHaveURL(/g_layer=findings/);
  await page.getByRole("searchbox", { name: "Find nodes" }).fill("tier=db");
  await expect(page.getByRole("status").filter({ hasText: "nodes match" })).toHaveText("1 of 3 nodes match");
  await page.getByRole("searchbox", { name: "Find nodes" }).press("Enter");
  await expect(selection.getByRole("heading", { name: "data/postgres[Deployment]" })).toBeVisible();
  await expect(page).toHaveURL(/g_q=tier%3Ddb/);

  // The link reopens the same view.
  await page.waitForTimeout(400); // the viewport is written 300 ms after the last move
  await page.reload();
  await page.getByRole("tab", { name: /^Graph/ }).click();
  await expect(page.getByRole("radio", { name: "Findings only" })).toBeChecked();
  await expect(page.getByRole("searchbox", { name: "Find nodes" })).toHaveValue("tier=db");
  await expect(selection.getByRole("heading", { name: "data/postgres[Deployment]" })).toBeVisible();

  const [download] = await Promise.all([page.waitForEvent("download"), page.getByRole("button", { name: "Export PNG" }).click()]);
  expect(download.suggestedFilename()).toBe(`${id}-graph.png`);
});

test("cluster data is shown as text, never run: a workload named like an HTML tag", async ({ page }) => {
  const dialogs: string[] = [];
  page.on("dialog", (dialog) => {
    dialogs.push(dialog.message());
    void dialog.dismiss();
  });
  const hostile = "<img src=x onerror=alert(1)>";
  const manifest = [
    "apiVersion: apps/v1",
    "kind: Deployment",
    `metadata: { name: "${hostile}", namespace: "evil" }`,
    "spec:",
    `  selector: { matchLabels: { app: "${hostile}" } }`,
    "  template:",
    `    metadata: { labels: { app: "${hostile}" } }`,
    "    spec: { containers: [{ name: c, image: x }] }",
  ].join("\n");
  await uploadSnapshot(page, { name: "Hostile names", files: { name: "evil.yaml", mimeType: "application/yaml", buffer: Buffer.from(manifest) } });
  await page.getByRole("tab", { name: /^Workloads/ }).click();
  await expect(page.getByRole("table", { name: "Workloads" }).getByText(hostile, { exact: true }).first()).toBeVisible();
  await page.getByRole("tab", { name: /^Graph/ }).click();
  const canvas = page.getByRole("application", { name: /^Graph of 1 node/ });
  await canvas.focus();
  await page.keyboard.press("n");
  await page.keyboard.press("Enter");
  const selection = page.getByRole("complementary", { name: "Selection" });
  await expect(selection.getByRole("heading", { name: `evil/${hostile}[Deployment]` })).toBeVisible();
  // Shown literally, and no element was created from it, no script ran.
  expect(await page.locator("img[src='x']").count()).toBe(0);
  expect(dialogs).toEqual([]);
});
