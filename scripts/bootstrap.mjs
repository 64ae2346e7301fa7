#!/usr/bin/env node
// Entry point of every npm script that runs project code (demo, test, start, meshlens, bench).
// Plain JavaScript with no dependencies, so it works on a fresh clone: it installs the npm
// dependencies when they are missing or older than package-lock.json, generates the Prisma
// client when missing, then runs the TypeScript entry given as first argument through tsx.
import { spawn, spawnSync } from "node:child_process";
import { existsSync, statSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const [entry, ...args] = process.argv.slice(2);
if (!entry) {
  console.error("usage: node scripts/bootstrap.mjs <entry.ts> [args...]");
  process.exit(2);
}

const [major] = process.versions.node.split(".").map(Number);
if (major < 20) {
  console.error(`Meshlens needs Node.js 20 or newer; this is ${process.version}.`);
  process.exit(1);
}

function run(command, commandArgs) {
  const result = spawnSync(command, commandArgs, { cwd: root, stdio: "inherit" });
  if (result.status !== 0) process.exit(result.status ?? 1);
}

const installed = join(root, "node_modules/.package-lock.json");
const lock = join(root, "package-lock.json");
if (!existsSync(installed) || statSync(installed).mtimeMs < statSync(lock).mtimeMs) {
  console.error("[meshlens] Installing npm dependencies (npm ci)...");
  run("npm", ["ci", "--no-audit", "--no-fund"]);
}
if (!existsSync(join(root, "lib/server/db/generated/client.ts"))) {
  run(process.execPath, [join(root, "scripts/prisma-generate.mjs")]);
}

// `react-server` makes `import "server-only"` a no-op outside Next, as it is inside Next's server.
const child = spawn(
  process.execPath,
  ["--conditions=react-server", "--import", "tsx", join(root, entry), ...args],
  { cwd: root, stdio: "inherit" },
);
// Pass stop requests on, so the entry can shut its servers down cleanly.
for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"]) process.on(signal, () => child.kill(signal));
child.on("exit", (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
