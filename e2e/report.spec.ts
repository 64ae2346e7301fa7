import { readFile } from "node:fs/promises";
import { expect, test } from "@playwright/test";
import { fixture, uploadSnapshot } from "./helpers";

test("download the PDF audit report from the snapshot page, and open its print view", async ({ page }) => {
  await uploadSnapshot(page, { name: "Report me", cluster: "prod/eu <1>", files: fixture("small-mesh.yaml") });
  const id = page.url().split("/").pop()!;

  const button = page.getByRole("button", { name: "Download PDF report" });
  const download = page.waitForEvent("download", { timeout: 60_000 });
  await button.click();
  // Busy while the server renders (seconds).
  await expect(page.getByRole("button", { name: "Rendering PDF…" })).toBeDisabled();
  const file = await download;
  // The cluster name keeps only safe characters: "prod/eu <1>" becomes "prod-eu-1".
  expect(file.suggestedFilename()).toMatch(new RegExp(`^meshlens-prod-eu-1-\\d{4}-\\d{2}-\\d{2}-${id}\\.pdf$`));
  expect((await readFile((await file.path())!)).subarray(0, 5).toString("latin1")).toBe("%PDF-");
  await expect(button).toBeEnabled();

  await page.goto(`/snapshots/${id}/print`);
  await expect(page.getByRole("heading", { level: 1, name: "Meshlens audit report" })).toBeVisible();
  await expect(page.getByRole("heading", { level: 1, name: "Executive summary" })).toBeVisible();
  await expect(page.getByText("prod/eu <1>").first()).toBeVisible();
});

test("the report button says why when the report cannot be made", async ({ page, request }) => {
  await uploadSnapshot(page, { name: "Gone soon", files: fixture("small-mesh.yaml") });
  const id = page.url().split("/").pop()!;
  expect((await request.delete(`/api/snapshots/${id}`)).status()).toBe(204);
  await page.getByRole("button", { name: "Download PDF report" }).click();
  await expect(page.getByRole("alert").filter({ hasText: "No snapshot with id" })).toContainText(`No snapshot with id "${id}".`);
});
