/**
 * The demo's sign-in: visitors browse as a demo viewer (MESHLENS_DEMO), and the person running it
 * can sign in as the bootstrap admin. Unless MESHLENS_ADMIN_USER is configured, the admin is
 * `admin` with a password generated once and kept in the data folder (readable by its owner only).
 * Call before anything reads the environment (env() caches it).
 */
import { randomBytes } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { resolve } from "node:path";

export function configureDemoSignIn(): { user: string; password: string } {
  process.env.MESHLENS_DEMO = "true";
  if (process.env.MESHLENS_ADMIN_USER) {
    const file = process.env.MESHLENS_ADMIN_PASSWORD_FILE;
    return { user: process.env.MESHLENS_ADMIN_USER, password: process.env.MESHLENS_ADMIN_PASSWORD ?? (file ? readFileSync(file, "utf8").trim() : "") };
  }
  const dataDir = resolve(process.env.MESHLENS_DATA_DIR || ".meshlens");
  const file = resolve(dataDir, "demo-admin-password");
  if (!existsSync(file)) {
    mkdirSync(dataDir, { recursive: true });
    writeFileSync(file, `${randomBytes(18).toString("base64url")}\n`, { mode: 0o600 });
  }
  process.env.MESHLENS_ADMIN_USER = "admin";
  process.env.MESHLENS_ADMIN_PASSWORD_FILE = file;
  return { user: "admin", password: readFileSync(file, "utf8").trim() };
}
