import { expect, type Browser, type Page } from "@playwright/test";

/** The bootstrap admin of the e2e server (playwright.config.ts) and where its sign-in is kept. */
export const E2E_ADMIN = { user: "admin", password: "e2e-admin-password-not-secret", storageState: ".meshlens/e2e-admin.json" };

/** A browser state with nobody signed in. */
export const SIGNED_OUT = { cookies: [], origins: [] };

export async function signInWithPassword(page: Page, user: string, password: string) {
  await page.goto("/login");
  await page.getByLabel("User name").fill(user);
  await page.getByLabel("Password").fill(password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page).toHaveURL(/\/$/);
}

/**
 * Signs a test user of the local OIDC provider in, through the real redirects: the app's sign-in
 * page, the provider's login form, the app's callback. Ends on `next`.
 */
export async function signInWithOidc(page: Page, user: string, next = "/") {
  await page.goto(next);
  await expect(page).toHaveURL(/\/login\?/);
  await page.getByRole("link", { name: "Sign in with your identity provider" }).click();
  await expect(page.getByRole("heading", { name: "Test identity provider" })).toBeVisible();
  await page.getByLabel("User name").fill(user);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page).toHaveURL((url) => url.pathname === new URL(next, "http://x").pathname);
}

/** A new signed-out browser context with one page. */
export async function signedOutPage(browser: Browser) {
  const context = await browser.newContext({ storageState: SIGNED_OUT });
  return { context, page: await context.newPage() };
}
