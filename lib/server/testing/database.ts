/** For integration tests: connect to the test database and empty it between tests. */
import { inject } from "vitest";
import { connectDb, db } from "../db/client";

export function connectTestDatabase() {
  connectDb(inject("databaseUrl"));
  return db();
}

export async function emptyDatabase(): Promise<void> {
  await db().$executeRawUnsafe('TRUNCATE "Snapshot", "SnapshotContent", "ShareLink", "ShareLinkUse", "Session", "User", "ApiToken" CASCADE');
}
