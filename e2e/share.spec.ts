import { expect, test } from "@playwright/test";
import { signedOutPage, signInWithOidc } from "./auth-helpers";
import { dataRows, fixture, uploadSnapshot } from "./helpers";

test("an editor shares a snapshot with its graph view; a signed-out browser sees exactly that, and nothing else", async ({ browser, page: admin }) => {
  await uploadSnapshot(admin, { name: "Not shared", files: fixture("small-mesh.yaml") });
  const otherId = new URL(admin.url()).pathname.split("/").pop()!;

  const { context: editorContext, page: editor } = await signedOutPage(browser);
  await signInWithOidc(editor, "bob");
  await uploadSnapshot(editor, { name: "Shared e2e", files: fixture("small-mesh.yaml") });
  const id = new URL(editor.url()).pathname.split("/").pop()!;
  await editor.getByRole("tab", { name: /^Graph/ }).click();
  await editor.getByRole("radio", { name: "Allowed paths" }).check();
  await expect(editor).toHaveURL(/g_layer=allowed/);
  const panel = editor.getByRole("region", { name: "Share links" });
  await panel.getByLabel("Expires in (days)").fill("3");
  await panel.getByRole("button", { name: "Create share link" }).click();
  const url = await panel.getByLabel(/New share link/).inputValue();
  expect(url).toMatch(/\/share\/[A-Za-z0-9_-]{43}$/); // 256 random bits
  await expect(dataRows(editor, "Share links")).toHaveCount(1);
  await expect(dataRows(editor, "Share links")).toContainText("Bob Editor");

  const { context, page: guest } = await signedOutPage(browser);
  await guest.goto(url);
  await expect(guest).toHaveURL(new RegExp(`/snapshots/${id}\\?g_layer=allowed$`));
  await expect(guest.getByRole("heading", { level: 1, name: "Shared e2e" })).toBeVisible();
  await expect(guest.getByText("Shared link: read-only view of one snapshot")).toBeVisible();
  await expect(guest.getByRole("button", { name: "Delete snapshot" })).toHaveCount(0);
  await expect(guest.getByRole("region", { name: "Share links" })).toHaveCount(0);
  await guest.getByRole("tab", { name: /^Graph/ }).click();
  await expect(guest.getByRole("application", { name: /^Graph of 3 nodes/ })).toBeVisible();
  await expect(guest.getByRole("radio", { name: "Allowed paths" })).toBeChecked();

  // Refused everywhere else: the list, another snapshot, its APIs, changes, captures.
  const home = await guest.goto("/");
  expect(home!.status()).toBe(403);
  await expect(guest.getByText("This share link grants read access to one snapshot only.")).toBeVisible();
  expect((await context.request.get(`/snapshots/${otherId}`)).status()).toBe(403);
  expect((await context.request.get(`/api/snapshots/${otherId}/view`)).status()).toBe(403);
  expect((await context.request.get("/api/snapshots")).status()).toBe(403);
  expect((await context.request.get("/api/captures")).status()).toBe(403);
  expect((await context.request.get(`/api/snapshots/${id}/links`)).status()).toBe(403);
  expect((await context.request.delete(`/api/snapshots/${id}`, { headers: { origin: new URL(url).origin } })).status()).toBe(403);
  expect((await context.request.get(`/api/snapshots/${id}/view`)).status()).toBe(200);

  // The use is logged and shown to the editor.
  await editor.reload();
  await expect(dataRows(editor, "Share links")).toContainText("1");
  await expect(dataRows(editor, "Share links")).not.toContainText("never");

  // Revoked: the link and the grant it gave stop working at once.
  await dataRows(editor, "Share links").getByRole("button", { name: "Revoke" }).click();
  await expect(dataRows(editor, "Share links")).toContainText("revoked");
  expect((await context.request.get(`/api/snapshots/${id}/view`)).status()).toBe(401);
  const { context: late, page: latecomer } = await signedOutPage(browser);
  const refused = await latecomer.goto(url);
  expect(refused!.status()).toBe(404);
  await expect(latecomer.getByText(/expired or was revoked/)).toBeVisible();
  await Promise.all([context.close(), late.close(), editorContext.close()]);
});
