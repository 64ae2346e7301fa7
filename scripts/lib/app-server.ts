/**
 * Runs the Next.js app the way every entry point needs it: database ready first, a production
 * build when there is none, `next start` on loopback, wait until healthy, clean shutdown.
 */
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { existsSync, readdirSync, statSync } from "node:fs";
import { join, resolve } from "node:path";
import { ensureDatabase, type DatabaseHandle } from "@/lib/server/db/database";

export const log = (message: string) => console.log(`[meshlens] ${message}`);

const root = process.cwd();
const bin = (name: string) => resolve(root, "node_modules/.bin", name);

export function buildApp(): void {
  log("Building the app (next build)...");
  const result = spawnSync(bin("next"), ["build"], { cwd: root, stdio: "inherit" });
  if (result.status !== 0) throw new Error("next build failed (see above).");
}

/** Whether a production build exists that is newer than every source it was built from. */
export function hasCurrentBuild(): boolean {
  const buildId = resolve(root, ".next/BUILD_ID");
  if (!existsSync(buildId)) return false;
  const builtAt = statSync(buildId).mtimeMs;
  const newer = (path: string): boolean => {
    const stat = statSync(path);
    if (!stat.isDirectory()) return stat.mtimeMs > builtAt;
    return readdirSync(path).some((entry) => !entry.startsWith(".") && newer(join(path, entry)));
  };
  return !["app", "components", "lib", "public", "package-lock.json", "next.config.ts"]
    .map((p) => resolve(root, p))
    .some((p) => existsSync(p) && newer(p));
}

export interface ServeOptions {
  host: string;
  port: number;
  dev?: boolean;
  database: DatabaseHandle;
}

/** Starts Next and resolves once /api/health answers. */
export async function startApp(options: ServeOptions): Promise<ChildProcess> {
  const args = [options.dev ? "dev" : "start", "-H", options.host, "-p", String(options.port)];
  const child = spawn(bin("next"), args, {
    cwd: root,
    stdio: ["ignore", "inherit", "inherit"],
    env: { ...process.env, DATABASE_URL: options.database.url },
  });
  const exited = new Promise<never>((_, reject) =>
    child.once("exit", (code) => reject(new Error(`next ${args[0]} exited with code ${code}`))),
  );
  await Promise.race([waitHealthy(`http://${options.host}:${options.port}/api/health`), exited]);
  return child;
}

async function waitHealthy(url: string, timeoutMs = 120_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    try {
      const response = await fetch(url);
      if (response.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`The app did not become healthy at ${url} within ${timeoutMs / 1000} s.`);
}

/** Stops the app and the database on Ctrl-C or SIGTERM, and when the app dies. */
export function stopTogether(app: ChildProcess, database: DatabaseHandle): void {
  let stopping = false;
  const stop = async (code: number) => {
    if (stopping) return;
    stopping = true;
    app.kill("SIGTERM");
    await database.stop().catch(() => {});
    process.exit(code);
  };
  process.on("SIGINT", () => void stop(0));
  process.on("SIGTERM", () => void stop(0));
  app.once("exit", (code) => void stop(code ?? 1));
}

export async function openDatabase(): Promise<DatabaseHandle> {
  return ensureDatabase({ log });
}

export const serverAddress = () => ({
  host: process.env.HOST ?? "127.0.0.1",
  port: Number(process.env.PORT ?? 3000),
});
