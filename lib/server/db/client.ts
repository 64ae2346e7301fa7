import "server-only";
import { PrismaPg } from "@prisma/adapter-pg";
import { env } from "@/lib/env";
import { PrismaClient } from "./generated/client";

// One client per process. Kept on globalThis so `next dev` reloads do not open new pools.
const holder = globalThis as unknown as { meshlensPrisma?: PrismaClient };

/** The Prisma client for DATABASE_URL (set by the launcher when the database is embedded). */
export function db(): PrismaClient {
  if (!holder.meshlensPrisma) {
    const url = env().DATABASE_URL;
    if (!url) throw new Error("DATABASE_URL is not set: start Meshlens with `npm start` or `npm run demo`.");
    holder.meshlensPrisma = new PrismaClient({ adapter: new PrismaPg({ connectionString: url }) });
  }
  return holder.meshlensPrisma;
}

/** Points this process at a database (the CLI and tests, after ensureDatabase()). */
export function connectDb(url: string): PrismaClient {
  holder.meshlensPrisma = new PrismaClient({ adapter: new PrismaPg({ connectionString: url }) });
  return holder.meshlensPrisma;
}

/** Closes the pool (CLI and tests, so the process can exit). */
export async function disconnectDb(): Promise<void> {
  await holder.meshlensPrisma?.$disconnect();
  holder.meshlensPrisma = undefined;
}
