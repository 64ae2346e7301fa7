/** The local test OIDC provider's users and client (no imports: the Playwright config reads it). */

/** The test users, by user name: their display name and groups. */
export const OIDC_TEST_USERS: Record<string, { name: string; groups: string[] }> = {
  alice: { name: "Alice Admin", groups: ["meshlens-admins", "staff"] },
  bob: { name: "Bob Editor", groups: ["sre"] },
  carol: { name: "Carol Viewer", groups: ["staff"] },
};

/** The role map the tests configure the app with, matching OIDC_TEST_USERS. */
export const OIDC_TEST_ROLE_MAP = "meshlens-admins=admin,sre=editor";
export const OIDC_TEST_CLIENT = { id: "meshlens-test", secret: "meshlens-test-secret-0123456789abcdef" };
