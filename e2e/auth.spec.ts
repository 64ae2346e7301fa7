import { expect, test } from "@playwright/test";
import { signedOutPage, signInWithOidc } from "./auth-helpers";
import { fixture, uploadSnapshot } from "./helpers";

test("sign in through the local OIDC provider, see who you are, sign out", async ({ browser }) => {
  const { context, page } = await signedOutPage(browser);
  // Signed out, every page leads to the sign-in page, and back to where you were going after it.
  await signInWithOidc(page, "bob", "/");
  await expect(page.getByText("Signed in as Bob Editor (editor)")).toBeVisible();
  await expect(page.getByRole("heading", { name: "Upload manifests" })).toBeVisible(); // editors may upload
  await page.getByRole("button", { name: "Sign out" }).click();
  await expect(page).toHaveURL(/\/login$/);
  await page.goto("/");
  await expect(page).toHaveURL(/\/login\?next=%2F$/);
  await context.close();
});

test("a viewer reads but cannot delete or share, in the UI or through the API", async ({ page, browser, baseURL }) => {
  await uploadSnapshot(page, { name: "Viewer e2e", files: fixture("small-mesh.yaml") });
  const id = new URL(page.url()).pathname.split("/").pop()!;

  const { context, page: viewer } = await signedOutPage(browser);
  await signInWithOidc(viewer, "carol", `/snapshots/${id}`);
  await expect(viewer.getByText("Signed in as Carol Viewer (viewer)")).toBeVisible();
  await expect(viewer.getByRole("heading", { level: 1, name: "Viewer e2e" })).toBeVisible();
  await expect(viewer.getByRole("region", { name: "Share links" })).toBeVisible();
  await expect(viewer.getByRole("button", { name: "Delete snapshot" })).toHaveCount(0);
  await expect(viewer.getByRole("button", { name: "Create share link" })).toHaveCount(0);
  await viewer.goto("/");
  await expect(viewer.getByRole("heading", { name: "Upload manifests" })).toHaveCount(0);

  // The API refuses too, even for requests sent as the app's own page would send them.
  const asPage = { origin: baseURL! };
  const share = await context.request.post(`/api/snapshots/${id}/links`, { headers: asPage, data: {} });
  expect(share.status()).toBe(403);
  const remove = await context.request.delete(`/api/snapshots/${id}`, { headers: asPage });
  expect(remove.status()).toBe(403);
  expect((await remove.json()).error.message).toMatch(/editor/);
  expect((await context.request.get(`/api/snapshots/${id}/view`)).status()).toBe(200);
  await context.close();
});

test("security headers and a strict CSP, under which the graph and react-query still work", async ({ page }) => {
  const violations: string[] = [];
  page.on("console", (message) => {
    if (/Content Security Policy|Refused to/i.test(message.text())) violations.push(message.text());
  });
  await uploadSnapshot(page, { name: "CSP e2e", files: fixture("small-mesh.yaml") });
  const response = await page.reload();
  const headers = response!.headers();
  expect(headers["content-security-policy"]).toMatch(/script-src 'self' 'nonce-[^']+' 'strict-dynamic'/);
  expect(headers["content-security-policy"]).toContain("frame-ancestors 'none'");
  expect(headers["content-security-policy"]).not.toContain("unsafe-eval");
  expect(headers["x-content-type-options"]).toBe("nosniff");
  expect(headers["referrer-policy"]).toBe("no-referrer");
  expect(headers["x-frame-options"]).toBe("DENY");
  await page.getByRole("tab", { name: /^Graph/ }).click();
  await expect(page.getByRole("application", { name: /^Graph of 3 nodes/ })).toBeVisible();
  await page.getByRole("tab", { name: /^Workloads/ }).click();
  await expect(page.getByRole("table", { name: "Workloads" })).toBeVisible();
  expect(violations).toEqual([]);
});

test("cross-site changes are refused; an admin's API token works for CI and is revoked at once", async ({ page, request, playwright, baseURL }) => {
  const forged = await request.post("/api/snapshots?name=csrf", { headers: { origin: "http://evil.example", "content-type": "application/yaml" }, data: "kind: Namespace\napiVersion: v1\nmetadata: {name: x}\n" });
  expect(forged.status()).toBe(403);

  await page.goto("/admin");
  await page.getByLabel("Token name").fill("ci pipeline");
  await page.getByRole("button", { name: "Create token" }).click();
  const token = await page.getByLabel(/New token “ci pipeline”/).inputValue();
  expect(token).toMatch(/^mlt_[A-Za-z0-9_-]{43}$/);

  const ci = await playwright.request.newContext({ baseURL, extraHTTPHeaders: { authorization: `Bearer ${token}` } });
  const stored = await ci.post("/api/snapshots?name=from-ci", { headers: { "content-type": "application/yaml" }, data: "kind: Namespace\napiVersion: v1\nmetadata: {name: ci}\n" });
  expect(stored.status()).toBe(201);
  expect((await ci.get("/")).status()).toBe(403); // pages are not for tokens

  const row = page.getByRole("table", { name: "API tokens" }).getByRole("row").filter({ hasText: "ci pipeline" });
  await expect(row).toContainText("editor");
  await row.getByRole("button", { name: "Revoke" }).click();
  await expect(row).toContainText("revoked");
  expect((await ci.get("/api/snapshots")).status()).toBe(401);
  await ci.dispose();
});
