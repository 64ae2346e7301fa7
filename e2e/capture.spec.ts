import { join } from "node:path";
import { expect, test } from "@playwright/test";
import { captureDemo, dataRows, figure, prometheusUrl, submitUpload } from "./helpers";

test("capture the configured cluster from the home page, following its progress", async ({ page }) => {
  await page.goto("/");
  const form = page.getByRole("region", { name: "Capture the cluster" });
  await form.getByLabel(/Snapshot name/).fill("Live demo cluster");
  await form.getByLabel(/Prometheus URL/).fill(await prometheusUrl());
  await form.getByRole("button", { name: "Capture the cluster" }).click();
  await expect(page).toHaveURL(/\/snapshots\/[A-Za-z0-9_-]{22}$/, { timeout: 20_000 });
  await expect(page.getByRole("heading", { level: 1, name: "Live demo cluster" })).toBeVisible();
  await expect(figure(page, "Workloads", "17")).toBeVisible();
  await expect(page.getByText("Live cluster (context test)")).toBeVisible();
});

test("files with an unreachable Prometheus are stored with topology only, and the page says so", async ({ page }) => {
  await submitUpload(page, { name: "No telemetry", files: join("lib/demo/manifests", "shop-cart.yaml"), prometheus: "http://127.0.0.1:1" });
  await expect(page).toHaveURL(/\/snapshots\/[A-Za-z0-9_-]{22}$/, { timeout: 20_000 });
  await expect(page.getByText(/No telemetry: Prometheus at http:\/\/127\.0\.0\.1:1 is unreachable/)).toBeVisible();
  await expect(figure(page, "Observed traffic edges", "0")).toBeVisible();
});

test("the traffic Istio observed: encrypted, plaintext and leaving the mesh", async ({ page, request }) => {
  const snapshotId = await captureDemo(request);
  await page.goto(`/snapshots/${snapshotId}`);
  await page.getByRole("tab", { name: /Traffic/ }).click();
  await page.getByLabel("Filter observed traffic").fill("loadgenerator");
  await expect(dataRows(page, "Observed traffic")).toHaveCount(1);
  await expect(dataRows(page, "Observed traffic").first()).toContainText("36,000");
  await expect(dataRows(page, "Observed traffic").first()).toContainText("100% mTLS");
  // shop-ops has no sidecar: only the caller reported the calls, so their encryption is unknown.
  await page.getByLabel("Filter observed traffic").fill("shippingservice");
  await expect(dataRows(page, "Observed traffic")).toHaveCount(2);
  await expect(dataRows(page, "Observed traffic").first()).toContainText("not reported");
  await page.getByLabel("Filter observed traffic").fill("PassthroughCluster");
  await expect(dataRows(page, "Observed traffic")).toHaveCount(1);
  await expect(dataRows(page, "Observed traffic").first()).toContainText("shop-core/currencyservice[Deployment]");
  // The ingress gateway is in the telemetry but not in the manifests.
  await expect(page.getByText("istio-system/istio-ingressgateway", { exact: true })).toBeAttached();

  // The findings, worst first: the debug Pod's call that the policies deny.
  await page.getByRole("tab", { name: /Findings/ }).click();
  const findings = page.getByRole("tabpanel", { name: /Findings/ });
  await expect(dataRows(page, "Findings").first()).toContainText("critical");
  await expect(dataRows(page, "Findings").first()).toContainText("traffic-contradicts-policy");
  await findings.getByLabel("Kind").selectOption("egress-blocks-dns");
  await expect(dataRows(page, "Findings")).toHaveCount(1);
  await dataRows(page, "Findings").first().getByText(/shop-ops/).first().click();
  await expect(findings.getByRole("region", { name: /Remediation of egress-blocks-dns/ })).toContainText("port: 53");
  await expect(findings.getByRole("button", { name: "Download YAML" })).toBeVisible();
});
