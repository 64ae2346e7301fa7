import "server-only";
import { PrismaPg } from "@prisma/adapter-pg";
import pg from "pg";
import { env } from "@/lib/env";
import { PrismaClient } from "./generated/client";

// One pool and one client per process, the client on the pool. Kept on globalThis so `next dev`
// reloads do not open new pools.
const holder = globalThis as unknown as { meshlensPrisma?: PrismaClient; meshlensPool?: pg.Pool };

function open(url: string): PrismaClient {
  const pool = new pg.Pool({ connectionString: url });
  // An idle connection that breaks (database restarted) must not take the process down.
  pool.on("error", (error) => console.error("Database connection error:", error.message));
  holder.meshlensPool = pool;
  holder.meshlensPrisma = new PrismaClient({ adapter: new PrismaPg(pool) });
  return holder.meshlensPrisma;
}

/** The Prisma client for DATABASE_URL (set by the launcher when the database is embedded). */
export function db(): PrismaClient {
  if (!holder.meshlensPrisma) {
    const url = env().DATABASE_URL;
    if (!url) throw new Error("DATABASE_URL is not set: start Meshlens with `npm start` or `npm run demo`.");
    open(url);
  }
  return holder.meshlensPrisma!;
}

/**
 * The same pool for the few reads on every request (the session in the proxy, a snapshot's
 * summary): a prepared SQL statement there costs a fraction of a Prisma query, whose query
 * compiler runs for every call (a third of a cached API answer's time, measured).
 */
export function sql(): pg.Pool {
  db();
  return holder.meshlensPool!;
}

/** Points this process at a database (the CLI and tests, after ensureDatabase()). */
export function connectDb(url: string): PrismaClient {
  return open(url);
}

/** Closes the pool (CLI and tests, so the process can exit). */
export async function disconnectDb(): Promise<void> {
  const { meshlensPrisma: prisma, meshlensPool: pool } = holder;
  holder.meshlensPrisma = undefined;
  holder.meshlensPool = undefined;
  await prisma?.$disconnect();
  await pool?.end();
}
