import { readFileSync } from "node:fs";
import { expect, test, type Page } from "@playwright/test";
import type { SnapshotGraph } from "@/lib/domain/graph/model";
import { captureDemo, fixture, uploadSnapshot } from "./helpers";

/** The viewport the URL holds, once written (300 ms after the last move). */
async function viewport(page: Page) {
  await page.waitForTimeout(400);
  await expect(page).toHaveURL(/g_k=/);
  const params = new URL(page.url()).searchParams;
  const [x, y, k] = ["g_x", "g_y", "g_k"].map((name) => Number(params.get(name)));
  return { x: x!, y: y!, k: k! };
}

test("the demo as a security reviewer walks it: plaintext edge, evidence, filters, link, namespaces, exports, keyboard, history", async ({ page, context, request }) => {
  test.setTimeout(90_000);
  const id = await captureDemo(request, "Demo graph walk");
  const graph = (await (await request.get(`/api/snapshots/${id}/graph`)).json()) as SnapshotGraph;
  await page.goto(`/snapshots/${id}`);
  // The demo: 17 workloads, the unknown source, the ingress gateway (not in the manifests) and
  // three external hosts: 22 nodes; 26 observed edges and 4 allowed-unused paths (observed layer: 26).
  const canvas = page.getByRole("application", { name: /^Graph of/ });
  await expect(canvas).toHaveAccessibleName("Graph of 22 nodes and 30 edges");
  const selection = page.getByRole("complementary", { name: "Selection" });

  // The legend says how plaintext looks; the edge-state filter names the same style.
  const legend = page.getByRole("group", { name: "Legend" });
  await expect(legend.getByText("Plaintext", { exact: true })).toBeVisible();
  await page.getByText("Filters", { exact: true }).click();
  await page.getByRole("checkbox", { name: "Plaintext", exact: true }).check();
  // Plaintext edges: unknown -> blog-postgres, unknown -> redis-cart, checkoutservice -> emailservice,
  // checkoutservice -> shippingservice, frontend -> shippingservice: 5 edges among 7 nodes.
  await expect(canvas).toHaveAccessibleName("Graph of 7 nodes and 5 edges");
  await expect(page).toHaveURL(/g_state=plaintext/);

  // Click the middle of checkoutservice -> emailservice. Edges are drawn 2.5 layout units to their
  // right (draw.ts EDGE_OFFSET) so that A->B and B->A do not overlap.
  await page.getByRole("button", { name: "Zoom to fit" }).click();
  const v = await viewport(page);
  const at = (nodeId: string) => graph.nodes.find((n) => n.id === nodeId)!;
  const [from, to] = [at("shop-core/checkoutservice[Deployment]"), at("shop-ops/emailservice[Deployment]")];
  const length = Math.hypot(to.x - from.x, to.y - from.y);
  const [ox, oy] = [(-(to.y - from.y) / length) * 2.5, ((to.x - from.x) / length) * 2.5];
  await canvas.click({ position: { x: ((from.x + to.x) / 2 + ox) * v.k + v.x, y: ((from.y + to.y) / 2 + oy) * v.k + v.y } });
  await expect(selection.getByRole("heading", { name: "shop-core/checkoutservice[Deployment] → shop-ops/emailservice[Deployment]" })).toBeVisible();
  await expect(selection).toContainText("StatePlaintext");
  // shop-ops has no sidecars: only the caller's proxy reported, so no mTLS share is known, and
  // the call went in plaintext because its destination has no sidecar (build.ts observedState).
  await expect(selection).toContainText("mTLS share–");
  await expect(selection).toContainText("Fix: Inject a sidecar into shop-ops/emailservice[Deployment]");
  await expect(selection).toContainText("Plaintext traffic from shop-core/checkoutservice[Deployment] to shop-ops/emailservice[Deployment]");
  await expect(page).toHaveURL(/g_sel=o10/);

  // One finding kind instead: nodes and edges with an unencrypted-traffic finding. Each plaintext
  // edge above has one (about its two ends), and nothing else does: the same 7 nodes and 5 edges.
  await page.getByRole("checkbox", { name: "Plaintext", exact: true }).uncheck();
  await expect(canvas).toHaveAccessibleName("Graph of 22 nodes and 30 edges");
  await page.getByRole("checkbox", { name: "unencrypted-traffic" }).check();
  await expect(page).toHaveURL(/g_kind=unencrypted-traffic/);
  await expect(canvas).toHaveAccessibleName("Graph of 7 nodes and 5 edges");
  await expect(page.getByRole("status").filter({ hasText: "filters hide" })).toHaveText("filters hide 15 of 22 nodes");
  const filtered = "Graph of 7 nodes and 5 edges";

  // The link opens the same view in a new page: filter, selection and viewport.
  await page.waitForTimeout(400); // the viewport is written 300 ms after the last move
  const link = page.url();
  const other = await context.newPage();
  await other.goto(link);
  await expect(other.getByRole("application", { name: /^Graph of/ })).toHaveAccessibleName(filtered);
  await expect(other.getByRole("complementary", { name: "Selection" }).getByRole("heading", { name: /checkoutservice.*emailservice/ })).toBeVisible();
  await expect(other.getByRole("checkbox", { name: "unencrypted-traffic" })).toBeChecked();
  await other.waitForTimeout(400);
  expect(new URL(other.url()).search).toBe(new URL(link).search);
  await other.close();
  await page.getByRole("button", { name: "Clear filters" }).click();
  await expect(canvas).toHaveAccessibleName("Graph of 22 nodes and 30 edges");

  // Collapse shop-core (8 workloads) from a workload's panel, then expand it with a click on its node.
  await page.getByRole("searchbox", { name: "Find nodes" }).fill("cartservice");
  await page.getByRole("searchbox", { name: "Find nodes" }).press("Enter");
  await expect(selection.getByRole("heading", { name: "shop-core/cartservice[Deployment]" })).toBeVisible();
  await page.getByRole("searchbox", { name: "Find nodes" }).fill("");
  await selection.getByRole("button", { name: "Collapse namespace shop-core" }).click();
  // 22 - 8 + 1 nodes. Edges: 30 before; the ones inside shop-core (cart->redis, checkout->cart,
  // ->currency, ->productcatalog, netshoot->cart, recommendation->productcatalog: 6) become one
  // loop; frontend's 6 calls into shop-core become one; checkout's 3 calls out (email, shipping,
  // payment) stay 3; unknown->redis-cart and currency->Passthrough stay 1 each; the 4 allowed
  // paths into productcatalog keep their 4 distinct sources in blog: 30 - 5 - 5 = 20.
  await expect(canvas).toHaveAccessibleName("Graph of 15 nodes and 20 edges");
  await expect(selection.getByRole("heading", { name: "Namespace shop-core" })).toBeVisible();
  await expect(page).toHaveURL(/g_toggle=shop-core/);
  await page.getByRole("button", { name: "Zoom to fit" }).click();
  const v2 = await viewport(page);
  const box = graph.namespaces.find((n) => n.name === "shop-core")!;
  await canvas.click({ position: { x: (box.x + box.width / 2) * v2.k + v2.x, y: (box.y + box.height / 2) * v2.k + v2.y } });
  await expect(canvas).toHaveAccessibleName("Graph of 22 nodes and 30 edges");
  await expect(page).not.toHaveURL(/g_toggle=/);

  // Back: collapsed again; forward: expanded.
  await page.goBack();
  await expect(canvas).toHaveAccessibleName("Graph of 15 nodes and 20 edges");
  await expect(page).toHaveURL(/g_toggle=shop-core/);
  await page.goForward();
  await expect(canvas).toHaveAccessibleName("Graph of 22 nodes and 30 edges");

  // Exports: a PNG of real size, an SVG whose names are text.
  const [png] = await Promise.all([page.waitForEvent("download"), page.getByRole("button", { name: "Export PNG" }).click()]);
  const pngBytes = readFileSync((await png.path())!);
  expect([...pngBytes.subarray(0, 8)]).toEqual([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]); // the PNG signature
  expect(pngBytes.length).toBeGreaterThan(10_000);
  const [svg] = await Promise.all([page.waitForEvent("download"), page.getByRole("button", { name: "Export SVG" }).click()]);
  expect(svg.suggestedFilename()).toBe(`${id}-graph.svg`);
  const svgText = readFileSync((await svg.path())!, "utf8");
  const texts = await page.evaluate((text) => {
    const doc = new DOMParser().parseFromString(text, "image/svg+xml");
    if (doc.querySelector("parsererror")) throw new Error("not well-formed SVG");
    return [...doc.querySelectorAll("text")].map((t) => t.textContent);
  }, svgText);
  // Box titles, short workload names, and the outside world as the traffic table names it.
  expect(texts).toEqual(expect.arrayContaining(["shop-core", "shop-ops", "checkoutservice", "emailservice", "api.stripe.example (ServiceEntry)", "PassthroughCluster", "unknown source"]));

  // Keyboard: nodes in id order, announced; Enter selects.
  await canvas.focus();
  await page.keyboard.press("Home");
  await expect(page.getByText(/^blog\/blog-api\[Deployment\]: workload, sidecar.* Node 1 of 22\.$/)).toBeAttached();
  await page.keyboard.press("n");
  await expect(page.getByText(/^blog\/blog-postgres-backup\[CronJob\]: workload, no sidecar.* Node 2 of 22\.$/)).toBeAttached();
  await page.keyboard.press("Enter");
  await expect(selection.getByRole("heading", { name: "blog/blog-postgres-backup[CronJob]" })).toBeVisible();
  await page.goBack();
  await expect(selection.getByRole("heading", { name: "blog/blog-postgres-backup[CronJob]" })).toBeHidden();

  // Focus on frontend: itself, its peers (the ingress gateway and loadgenerator calling it; the six
  // shop-core services and shippingservice it calls) = 10 nodes; its 9 edges, plus those among the
  // peers (checkout -> cart, currency, productcatalog, shipping; recommendation -> productcatalog) = 14.
  await page.getByRole("searchbox", { name: "Find nodes" }).fill("frontend");
  await page.getByRole("searchbox", { name: "Find nodes" }).press("Enter");
  await page.getByRole("searchbox", { name: "Find nodes" }).fill("");
  await selection.getByRole("button", { name: "Focus on its neighbourhood" }).click();
  await expect(canvas).toHaveAccessibleName("Graph of 10 nodes and 14 edges");
  await expect(page).toHaveURL(/g_focus=shop-web%2Ffrontend%5BDeployment%5D/);
  await page.getByRole("button", { name: "Show everything" }).click();
  await expect(canvas).toHaveAccessibleName("Graph of 22 nodes and 30 edges");
});

test("a small graph: walk it by keyboard, click a node, search, switch layers, reopen from the link, export", async ({ page, request }) => {
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
  // The SVG export holds it as text: no element but the SVG's own.
  const [svg] = await Promise.all([page.waitForEvent("download"), page.getByRole("button", { name: "Export SVG" }).click()]);
  const parsed = await page.evaluate((text) => {
    const doc = new DOMParser().parseFromString(text, "image/svg+xml");
    return { texts: [...doc.querySelectorAll("text")].map((t) => t.textContent), images: doc.querySelectorAll("img, image, script, foreignObject").length };
  }, readFileSync((await svg.path())!, "utf8"));
  expect(parsed.texts).toContain(hostile); // the workload's short name
  expect(parsed.images).toBe(0);
});
