/**
 * Integration tests run against a real PostgreSQL: TEST_DATABASE_URL when given (it must be a
 * throwaway database: tests delete rows), else a fresh embedded PostgreSQL in a temporary folder
 * on a free port, removed afterwards. Migrations are applied the way the app applies them.
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { TestProject } from "vitest/node";
import { startEmbeddedPostgres } from "../db/embedded";
import { migrateDatabase } from "../db/migrate";
import { freePort } from "./free-port";

declare module "vitest" {
  export interface ProvidedContext {
    databaseUrl: string;
  }
}

export default async function setup(project: TestProject) {
  const given = process.env.TEST_DATABASE_URL;
  if (given) {
    await migrateDatabase(given);
    project.provide("databaseUrl", given);
    return;
  }
  const dataDir = await mkdtemp(join(tmpdir(), "meshlens-test-"));
  const database = await startEmbeddedPostgres({ dataDir, port: await freePort() });
  await migrateDatabase(database.url);
  project.provide("databaseUrl", database.url);
  return async () => {
    await database.stop();
    await rm(dataDir, { recursive: true, force: true });
  };
}

