import { defineConfig, devices } from "@playwright/test";
import { OIDC_TEST_CLIENT, OIDC_TEST_ROLE_MAP } from "./lib/server/testing/oidc-test-users";

// End-to-end tests drive the production build in Debian's Chromium (Playwright's own browser
// download is unreachable here). The server gets a fresh embedded PostgreSQL of its own.
const PORT = Number(process.env.E2E_PORT ?? 3100);
const PG_PORT = Number(process.env.E2E_PG_PORT ?? 54339);
const DATA_DIR = ".meshlens/e2e";
const CLUSTER_PORT = Number(process.env.E2E_CLUSTER_PORT ?? 3191);
const KUBECONFIG = `${process.cwd()}/.meshlens/e2e-kubeconfig`;
const BASE_URL = `http://127.0.0.1:${PORT}`;
// The local OpenID Connect provider the tests sign in through (lib/server/testing/oidc-provider.ts).
const OIDC_PORT = Number(process.env.E2E_OIDC_PORT ?? CLUSTER_PORT + 1);
const ADMIN_STATE = ".meshlens/e2e-admin.json"; // written by e2e/auth.setup.ts

export default defineConfig({
  testDir: "e2e",
  fullyParallel: false,
  workers: 1,
  forbidOnly: true,
  retries: 0,
  timeout: 30_000,
  reporter: process.env.CI ? [["list"]] : [["list"], ["html", { open: "never" }]],
  use: {
    baseURL: BASE_URL,
    trace: "retain-on-failure",
    launchOptions: {
      executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
      args: [
        "--no-sandbox",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
        "--disable-quic",
      ],
    },
  },
  projects: [
    { name: "setup", testMatch: /auth\.setup\.ts/, use: { ...devices["Desktop Chrome"] } },
    {
      // Signed in as the bootstrap admin. API calls of the `request` fixture carry the app's
      // Origin as a browser would: the server refuses cookie-authenticated changes without it.
      name: "chromium",
      dependencies: ["setup"],
      use: { ...devices["Desktop Chrome"], storageState: ADMIN_STATE, extraHTTPHeaders: { origin: BASE_URL } },
    },
  ],
  webServer: [
    {
      // The cluster the app captures: a fake Kubernetes API and a real Prometheus (demo data).
      command: "node --conditions=react-server --import tsx e2e/fake-cluster.ts",
      url: `http://127.0.0.1:${CLUSTER_PORT}/ready`,
      reuseExistingServer: false,
      timeout: 60_000,
      env: { E2E_CLUSTER_PORT: String(CLUSTER_PORT), E2E_KUBECONFIG: KUBECONFIG },
    },
    {
      command: "node --conditions=react-server --import tsx e2e/oidc-provider.ts",
      url: `http://127.0.0.1:${OIDC_PORT}/.well-known/openid-configuration`,
      reuseExistingServer: false,
      timeout: 60_000,
      env: { E2E_OIDC_PORT: String(OIDC_PORT), E2E_APP_URL: BASE_URL },
    },
    {
      command: `rm -rf ${DATA_DIR} && node scripts/bootstrap.mjs scripts/serve.ts`,
      url: `http://127.0.0.1:${PORT}/api/health`,
      reuseExistingServer: false,
      timeout: 180_000,
      env: {
        PORT: String(PORT),
        MESHLENS_DATA_DIR: DATA_DIR,
        MESHLENS_PG_PORT: String(PG_PORT),
        MESHLENS_MAX_UPLOAD_MB: "2",
        DATABASE_URL: "",
        KUBECONFIG,
        MESHLENS_CLUSTER_NAME: "e2e-cluster",
        MESHLENS_PUBLIC_URL: BASE_URL,
        MESHLENS_ADMIN_USER: "admin",
        MESHLENS_ADMIN_PASSWORD: "e2e-admin-password-not-secret", // as in e2e/auth-helpers.ts
        MESHLENS_OIDC_ISSUER: `http://127.0.0.1:${OIDC_PORT}`,
        MESHLENS_OIDC_CLIENT_ID: OIDC_TEST_CLIENT.id,
        MESHLENS_OIDC_CLIENT_SECRET: OIDC_TEST_CLIENT.secret,
        MESHLENS_OIDC_SCOPES: "openid profile groups",
        MESHLENS_OIDC_ROLE_MAP: OIDC_TEST_ROLE_MAP,
      },
    },
  ],
});
