import { expect, test as setup } from "@playwright/test";
import { E2E_ADMIN, signInWithPassword } from "./auth-helpers";

// Signs the bootstrap admin in once; the other specs start from this browser state.
setup("sign in as the bootstrap admin", async ({ page }) => {
  await signInWithPassword(page, E2E_ADMIN.user, E2E_ADMIN.password);
  await expect(page.getByText(`Signed in as ${E2E_ADMIN.user} (admin)`)).toBeVisible();
  await page.context().storageState({ path: E2E_ADMIN.storageState });
});
