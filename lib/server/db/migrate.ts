/**
 * Applies the Prisma migrations in prisma/migrations with `prisma migrate deploy`, the same way
 * for the embedded database and for a DATABASE_URL. The CLI is only run when a migration is
 * pending: it lingers ~10 s after finishing (a timer inside Prisma's WASM schema engine), which
 * every CLI command and server start would otherwise pay.
 */
import { execFile } from "node:child_process";
import { existsSync, readdirSync } from "node:fs";
import { resolve } from "node:path";
import { promisify } from "node:util";
import pg from "pg";

const run = promisify(execFile);

export async function migrateDatabase(url: string, projectDir = process.cwd()): Promise<void> {
  if ((await pendingMigrations(url, projectDir)).length === 0) return;
  const prisma = resolve(projectDir, "node_modules/.bin/prisma");
  try {
    await run(prisma, ["migrate", "deploy"], {
      cwd: projectDir,
      env: {
        ...process.env,
        DATABASE_URL: url,
        // One writer at a time is guaranteed by the callers; the lock costs ~10 s here.
        PRISMA_SCHEMA_DISABLE_ADVISORY_LOCK: "1",
        PRISMA_HIDE_UPDATE_MESSAGE: "1",
        CHECKPOINT_DISABLE: "1",
      },
    });
  } catch (error) {
    const { stderr, stdout } = error as { stderr?: string; stdout?: string };
    throw new Error(`Applying database migrations failed:\n${redactUrl(String(stderr || stdout || error).trim())}`);
  }
}

/** Migrations in prisma/migrations that the database has not finished applying. */
export async function pendingMigrations(url: string, projectDir = process.cwd()): Promise<string[]> {
  const dir = resolve(projectDir, "prisma/migrations");
  const all = readdirSync(dir, { withFileTypes: true })
    .filter((e) => e.isDirectory() && existsSync(resolve(dir, e.name, "migration.sql")))
    .map((e) => e.name)
    .sort();
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const table = await client.query("SELECT to_regclass('_prisma_migrations') AS t");
    if (!table.rows[0]?.t) return all;
    const done = await client.query(
      "SELECT migration_name FROM _prisma_migrations WHERE finished_at IS NOT NULL AND rolled_back_at IS NULL",
    );
    const applied = new Set(done.rows.map((r: { migration_name: string }) => r.migration_name));
    return all.filter((name) => !applied.has(name));
  } finally {
    await client.end();
  }
}

/** Removes passwords from connection strings before anything is printed. */
export function redactUrl(text: string): string {
  return text.replace(/(postgres(?:ql)?:\/\/[^:/@\s]+:)[^@\s]+@/g, "$1***@");
}
