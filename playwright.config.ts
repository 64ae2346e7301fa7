import { defineConfig, devices } from "@playwright/test";

// End-to-end tests drive the production build in Debian's Chromium (Playwright's own browser
// download is unreachable here). The server gets a fresh embedded PostgreSQL of its own.
const PORT = Number(process.env.E2E_PORT ?? 3100);
const PG_PORT = Number(process.env.E2E_PG_PORT ?? 54339);
const DATA_DIR = ".meshlens/e2e";
const CLUSTER_PORT = Number(process.env.E2E_CLUSTER_PORT ?? 3191);
const KUBECONFIG = `${process.cwd()}/.meshlens/e2e-kubeconfig`;

export default defineConfig({
  testDir: "e2e",
  fullyParallel: false,
  workers: 1,
  forbidOnly: true,
  retries: 0,
  timeout: 30_000,
  reporter: process.env.CI ? [["list"]] : [["list"], ["html", { open: "never" }]],
  use: {
    baseURL: `http://127.0.0.1:${PORT}`,
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
  projects: [{ name: "chromium", use: { ...devices["Desktop Chrome"] } }],
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
      },
    },
  ],
});
