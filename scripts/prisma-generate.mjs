#!/usr/bin/env node
// `prisma generate` (npm postinstall). Prisma 6.19 looks for DATABASE_URL while generating and,
// when it is unset, tries to download a query engine from its CDN, which is unreachable here and
// not needed (engineType = "client" with the pg driver adapter). Generating never connects, so a
// placeholder URL is enough.
import { spawnSync } from "node:child_process";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const result = spawnSync(join(root, "node_modules/.bin/prisma"), ["generate"], {
  cwd: root,
  stdio: "inherit",
  env: { ...process.env, DATABASE_URL: process.env.DATABASE_URL || "postgresql://generate@127.0.0.1:5432/unused" },
});
process.exit(result.status ?? 1);
