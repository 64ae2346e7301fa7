import { expect, type APIRequestContext, type Page } from "@playwright/test";
import { readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

/** Absolute path of a file under e2e/fixtures. */
export const fixture = (name: string) => fileURLToPath(new URL(`./fixtures/${name}`, import.meta.url));

type Files = Parameters<ReturnType<Page["getByLabel"]>["setInputFiles"]>[0];

/** Fills and submits the upload form on the home page. */
export async function submitUpload(page: Page, options: { name: string; cluster?: string; files: Files; prometheus?: string }) {
  await page.goto("/");
  const form = page.getByRole("region", { name: "Upload manifests" });
  await form.getByLabel("Snapshot name").fill(options.name);
  if (options.cluster) await form.getByLabel("Cluster name").fill(options.cluster);
  await form.getByLabel("Manifest files").setInputFiles(options.files);
  if (options.prometheus) await form.getByLabel(/Prometheus URL/).fill(options.prometheus);
  await form.getByRole("button", { name: "Upload" }).click();
}

/** Uploads through the form and waits for the new snapshot's page. */
export async function uploadSnapshot(page: Page, options: { name: string; cluster?: string; files: Files }) {
  await submitUpload(page, options);
  await expect(page).toHaveURL(/\/snapshots\/[A-Za-z0-9_-]{22}$/);
  await expect(page.getByRole("heading", { level: 1, name: options.name })).toBeVisible();
}

/** The data rows of a table (its header row excluded). */
export const dataRows = (page: Page, table: string) =>
  page.getByRole("table", { name: table }).getByRole("row").filter({ hasNot: page.getByRole("columnheader") });

/** The value shown on a summary card of the snapshot page, e.g. "3" on "Workloads". */
export const figure = (page: Page, label: string, value: string) =>
  page.getByRole("group", { name: label, exact: true }).getByText(value, { exact: true });

/** The error alert of the upload form (Next's route announcer is an alert too). */
export const uploadAlert = (page: Page) => page.getByRole("region", { name: "Upload manifests" }).getByRole("alert");

/** A workload manifest file with `count` Deployments in two namespaces. */
export function manyDeployments(count: number): string {
  const docs = [];
  for (let i = 0; i < count; i++) {
    const name = `svc-${String(i).padStart(4, "0")}`;
    docs.push(
      [
        "apiVersion: apps/v1",
        "kind: Deployment",
        `metadata: { name: ${name}, namespace: ns-${i % 2} }`,
        "spec:",
        `  selector: { matchLabels: { app: ${name} } }`,
        "  template:",
        `    metadata: { labels: { app: ${name} } }`,
        "    spec: { containers: [{ name: main, image: example/app }] }",
      ].join("\n"),
    );
  }
  return docs.join("\n---\n");
}

const CLUSTER = `http://127.0.0.1:${process.env.E2E_CLUSTER_PORT ?? 3191}`;
/** The real Prometheus behind the fake cluster (e2e/fake-cluster.ts), holding the demo's hour of telemetry. */
export const prometheusUrl = async () => ((await (await fetch(`${CLUSTER}/ready`)).json()) as { prometheus: string }).prometheus;

/** Captures the demo manifests with their recorded hour of telemetry through the API; the snapshot's id. */
export async function captureDemo(request: APIRequestContext, name = "Demo hour"): Promise<string> {
  const dir = "lib/demo/manifests";
  const files = readdirSync(dir).filter((f) => f.endsWith(".yaml"));
  const response = await request.post("/api/captures", {
    multipart: {
      name,
      prometheus: await prometheusUrl(),
      window: "1h",
      until: "2026-11-20T09:00:00Z",
      ...Object.fromEntries(files.map((f, i) => [`files${i}`, { name: f, mimeType: "application/yaml", buffer: readFileSync(join(dir, f)) }])),
    },
  });
  expect(response.status()).toBe(202);
  const { url } = (await response.json()) as { url: string };
  let snapshotId = "";
  await expect(async () => {
    const { job } = (await (await request.get(url)).json()) as { job: { state: string; snapshotId: string | null } };
    expect(job.state).toBe("succeeded");
    snapshotId = job.snapshotId!;
  }).toPass({ timeout: 20_000 });
  return snapshotId;
}
