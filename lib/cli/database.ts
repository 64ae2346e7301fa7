import { connectDb, disconnectDb } from "@/lib/server/db/client";
import { ensureDatabase } from "@/lib/server/db/database";

/** Runs `work` with a migrated database, and always releases it (stops an embedded one we started). */
export async function withDatabase<T>(work: () => Promise<T>): Promise<T> {
  const database = await ensureDatabase({ log: (m) => console.error(`[meshlens] ${m}`) });
  try {
    connectDb(database.url);
    return await work();
  } finally {
    await disconnectDb();
    await database.stop();
  }
}
