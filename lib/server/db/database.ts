/**
 * One entry point for "give me a migrated database": DATABASE_URL when set, else the embedded
 * PostgreSQL. Used by the server launcher, the CLI, the demo and the tests.
 */
import { resolve } from "node:path";
import { env } from "@/lib/env";
import { startEmbeddedPostgres } from "./embedded";
import { migrateDatabase } from "./migrate";

export interface DatabaseHandle {
  url: string;
  embedded: boolean;
  stop(): Promise<void>;
}

export async function ensureDatabase(options: { log?: (m: string) => void } = {}): Promise<DatabaseHandle> {
  const config = env();
  if (config.DATABASE_URL) {
    await migrateDatabase(config.DATABASE_URL);
    return { url: config.DATABASE_URL, embedded: false, stop: async () => {} };
  }
  const embedded = await startEmbeddedPostgres({
    dataDir: resolve(config.MESHLENS_DATA_DIR),
    port: config.MESHLENS_PG_PORT,
    log: options.log,
  });
  try {
    await migrateDatabase(embedded.url);
  } catch (error) {
    await embedded.stop();
    throw error;
  }
  return { url: embedded.url, embedded: true, stop: embedded.stop };
}
