import { expect, test } from "@playwright/test";
import { readFileSync } from "node:fs";
import { dataRows, figure, fixture, manyDeployments, submitUpload, uploadAlert, uploadSnapshot } from "./helpers";

test("upload manifests, explore the snapshot and open it again from the list", async ({ page }) => {
  await uploadSnapshot(page, { name: "Shop e2e", cluster: "kind-e2e", files: fixture("small-mesh.yaml") });

  // Header and headline figures.
  await expect(page.getByText("kind-e2e")).toBeVisible();
  await expect(page.getByText("Upload of 1 file")).toBeVisible();
  await expect(figure(page, "Namespaces", "2")).toBeVisible();
  await expect(figure(page, "Workloads", "3")).toBeVisible();
  await expect(figure(page, "Services", "2")).toBeVisible();
  await expect(figure(page, "Policies", "3")).toBeVisible();
  await expect(figure(page, "Workloads with a sidecar", "2 of 3")).toBeVisible();
  await expect(figure(page, "Namespaces with a NetworkPolicy", "1 of 2")).toBeVisible();
  await expect(page.getByRole("group", { name: "Policies by kind" }).getByRole("listitem").filter({ hasText: "NetworkPolicy" })).toContainText("2");

  // The Ingress is an unknown kind: skipped with a warning.
  await expect(page.getByRole("region", { name: "Warnings and coverage gaps" })).toContainText("Ingress web/shop");

  // Workloads: find a row, filter, sort.
  await page.getByRole("tab", { name: /^Workloads/ }).click();
  const workloads = page.getByRole("table", { name: "Workloads" });
  await expect(workloads).toBeVisible();
  const panel = page.getByRole("tabpanel", { name: /^Workloads/ });
  await expect(panel.getByRole("status")).toHaveText("Showing 1–3 of 3");
  const frontend = workloads.getByRole("row").filter({ hasText: "frontend" });
  await expect(frontend).toContainText("app=frontend");
  await expect(frontend.getByText("yes", { exact: true })).toHaveAttribute("title", /istio-injection=enabled/);
  await expect(workloads.getByRole("row").filter({ hasText: "postgres" }).getByText("no", { exact: true })).toBeVisible();

  await page.getByLabel("Filter workloads").fill("tier=db");
  await expect(dataRows(page, "Workloads")).toHaveCount(1);
  await expect(dataRows(page, "Workloads")).toContainText("postgres");
  await expect(panel.getByRole("status")).toHaveText("Showing 1–1 of 1 (filtered from 3)");
  await page.getByLabel("Filter workloads").fill("");
  await panel.getByLabel("Namespace").selectOption("web");
  await expect(dataRows(page, "Workloads")).toHaveCount(2);
  await panel.getByLabel("Namespace").selectOption("");
  await expect(dataRows(page, "Workloads")).toHaveCount(3);

  const nameHeader = workloads.getByRole("columnheader", { name: "Name", exact: true });
  await nameHeader.getByRole("button").click();
  await expect(nameHeader).toHaveAttribute("aria-sort", "ascending");
  await expect(dataRows(page, "Workloads").first()).toContainText("checkout");
  await nameHeader.getByRole("button").click();
  await expect(nameHeader).toHaveAttribute("aria-sort", "descending");
  await expect(dataRows(page, "Workloads").first()).toContainText("postgres");
  await expect(dataRows(page, "Workloads").last()).toContainText("checkout");

  // Policies: open one's verbatim object.
  await page.getByRole("tab", { name: /^Policies/ }).click();
  const policy = page.getByRole("table", { name: "Policies" }).getByRole("row").filter({ hasText: "allow-checkout-to-postgres" });
  await expect(policy).toContainText("selects app=postgres");
  await policy.getByRole("button", { name: "View YAML" }).click();
  await expect(policy.getByRole("button", { name: "View YAML" })).toHaveAttribute("aria-expanded", "true");
  const yaml = page.getByRole("region", { name: "YAML of data/allow-checkout-to-postgres[NetworkPolicy]" });
  await expect(yaml).toContainText("kind: NetworkPolicy");
  await expect(yaml).toContainText("kubernetes.io/metadata.name: web");

  // Back to the list, and into the snapshot again from there.
  const url = page.url();
  await page.getByRole("link", { name: "All snapshots" }).click();
  const row = dataRows(page, "Snapshots").filter({ hasText: "Shop e2e" });
  await expect(row).toContainText("kind-e2e");
  await expect(row).toContainText(/\d{4}-\d{2}-\d{2} \d{2}:\d{2} UTC/);
  await row.getByRole("link", { name: "Shop e2e" }).click();
  await expect(page).toHaveURL(url);
  await expect(page.getByRole("heading", { level: 1, name: "Shop e2e" })).toBeVisible();
});

test("a malformed manifest is refused with the file and line, and nothing is stored", async ({ page }) => {
  await page.goto("/");
  const before = await dataRows(page, "Snapshots").count();

  await submitUpload(page, { name: "Broken upload", cluster: "kind-e2e", files: fixture("bad.yaml") });
  const alert = uploadAlert(page);
  await expect(alert).toContainText("bad.yaml, document 2");
  await expect(alert).toContainText(/line \d+/);
  // The form keeps what was entered, so the user can fix the file and retry.
  await expect(page.getByRole("region", { name: "Upload manifests" }).getByLabel("Snapshot name")).toHaveValue("Broken upload");
  await expect(page.getByRole("region", { name: "Upload manifests" }).getByLabel("Cluster name")).toHaveValue("kind-e2e");
  await expect(page.getByRole("button", { name: "Upload" })).toBeEnabled();
  await expect(page).toHaveURL(/\/$/);

  await page.reload();
  await expect(dataRows(page, "Snapshots")).toHaveCount(before);
  await expect(page.getByRole("link", { name: "Broken upload" })).toHaveCount(0);
});

test("an upload over the size limit is refused with the limit", async ({ page }) => {
  const big = Buffer.alloc(2 * 1024 * 1024 + 512 * 1024, "# padding\n");
  await submitUpload(page, { name: "Too big", files: { name: "big.yaml", mimeType: "application/yaml", buffer: big } });
  await expect(uploadAlert(page)).toContainText("limit is 2.0 MiB");
  await expect(page).toHaveURL(/\/$/);
  await expect(page.getByRole("link", { name: "Too big" })).toHaveCount(0);
});

test("the server enforces the limit when the form data only just goes over it", async ({ page }) => {
  // Under the limit on its own, over it once multipart framing and the other fields are added:
  // the browser's own check passes, so this is the server's 413 shown by the form.
  const almost = Buffer.alloc(2 * 1024 * 1024 - 16, "# padding\n");
  await submitUpload(page, { name: "Nearly", files: { name: "nearly.yaml", mimeType: "application/yaml", buffer: almost } });
  await expect(uploadAlert(page)).toContainText("the limit is 2,097,152 bytes");
  await expect(page.getByRole("region", { name: "Upload manifests" }).getByLabel("Snapshot name")).toHaveValue("Nearly");
});

test("delete a snapshot", async ({ page }) => {
  await uploadSnapshot(page, { name: "To be deleted", files: fixture("small-mesh.yaml") });
  const url = page.url();

  page.once("dialog", (dialog) => {
    expect(dialog.type()).toBe("confirm");
    expect(dialog.message()).toContain("To be deleted");
    void dialog.accept();
  });
  await page.getByRole("button", { name: "Delete snapshot" }).click();
  await expect(page).toHaveURL(/\/$/);
  await expect(page.getByRole("heading", { level: 1, name: "Snapshots" })).toBeVisible();
  await expect(page.getByRole("link", { name: "To be deleted" })).toHaveCount(0);

  await page.goto(url);
  await expect(page.getByRole("heading", { name: "No such snapshot" })).toBeVisible();
});

test("a large snapshot is shown 100 rows at a time", async ({ page }) => {
  const manifest = Buffer.from(manyDeployments(250));
  await uploadSnapshot(page, { name: "Large", files: { name: "large.yaml", mimeType: "application/yaml", buffer: manifest } });
  await expect(figure(page, "Workloads", "250")).toBeVisible();

  await page.getByRole("tab", { name: /^Workloads/ }).click();
  const panel = page.getByRole("tabpanel", { name: /^Workloads/ });
  await expect(panel.getByRole("status")).toHaveText("Showing 1–100 of 250");
  await expect(dataRows(page, "Workloads")).toHaveCount(100);

  await panel.getByRole("button", { name: "Next" }).click();
  await expect(panel.getByRole("status")).toHaveText("Showing 101–200 of 250");
  await panel.getByRole("button", { name: "Last" }).click();
  await expect(panel.getByRole("status")).toHaveText("Showing 201–250 of 250");
  await expect(dataRows(page, "Workloads")).toHaveCount(50);

  // Filtering starts again at the first page.
  await page.getByLabel("Filter workloads").fill("svc-01");
  await expect(panel.getByRole("status")).toHaveText("Showing 1–100 of 100 (filtered from 250)");
});

test("older snapshots appear with Load more", async ({ page, request }) => {
  // More than one page (50) of snapshots, stored through the API to keep the test quick.
  const manifest = readFileSync(fixture("small-mesh.yaml"));
  for (let i = 1; i <= 51; i++) {
    const response = await request.post(`/api/snapshots?name=Batch%20${i}`, {
      headers: { "content-type": "application/yaml" },
      data: manifest,
    });
    expect(response.status()).toBe(201);
  }
  const all = (await (await request.get("/api/snapshots?limit=200")).json()) as { items: unknown[] };

  await page.goto("/");
  await expect(dataRows(page, "Snapshots")).toHaveCount(50);
  await expect(page.getByRole("link", { name: "Batch 51", exact: true })).toBeVisible();
  await expect(page.getByRole("link", { name: "Batch 1", exact: true })).toHaveCount(0);

  await page.getByRole("button", { name: "Load more" }).click();
  await expect(dataRows(page, "Snapshots")).toHaveCount(Math.min(all.items.length, 100));
  await expect(page.getByRole("link", { name: "Batch 1", exact: true })).toBeVisible();
});
