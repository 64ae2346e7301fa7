/**
 * Applies the Prisma migrations in prisma/migrations with `prisma migrate deploy`, the same way
 * for the embedded database and for a DATABASE_URL. Idempotent: applied migrations are skipped.
 */
import { execFile } from "node:child_process";
import { resolve } from "node:path";
import { promisify } from "node:util";

const run = promisify(execFile);

export async function migrateDatabase(url: string, projectDir = process.cwd()): Promise<void> {
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
      },
    });
  } catch (error) {
    const output = String((error as { stderr?: string; stdout?: string }).stderr || (error as { stdout?: string }).stdout || error);
    throw new Error(`Applying database migrations failed:\n${redactUrl(output.trim())}`);
  }
}

/** Removes passwords from connection strings before anything is printed. */
export function redactUrl(text: string): string {
  return text.replace(/(postgres(?:ql)?:\/\/[^:/@\s]+:)[^@\s]+@/g, "$1***@");
}
