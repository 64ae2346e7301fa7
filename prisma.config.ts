import { PrismaPg } from "@prisma/adapter-pg";
import { defineConfig } from "prisma/config";
import { patchPgCatalogTypes } from "./prisma/pg-type-patch";

// Prisma 6.19 with the JS engine and the pg adapter: nothing is downloaded (see STACK notes).
patchPgCatalogTypes();

export default defineConfig({
  experimental: { adapter: true },
  engine: "js",
  adapter: async () => new PrismaPg({ connectionString: process.env.DATABASE_URL! }),
  schema: "prisma/schema.prisma",
  migrations: { path: "prisma/migrations" },
});
