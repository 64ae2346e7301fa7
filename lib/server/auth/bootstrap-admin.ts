import "server-only";
/**
 * The bootstrap admin of MESHLENS_ADMIN_USER and MESHLENS_ADMIN_PASSWORD (or _PASSWORD_FILE), for
 * set-ups without an identity provider. The password is never stored: each attempt is compared
 * with it through scrypt and timingSafeEqual, so the comparison takes the same time whatever
 * matches.
 */
import { randomBytes, scrypt, timingSafeEqual } from "node:crypto";
import { readFileSync } from "node:fs";
import { promisify } from "node:util";
import { env } from "@/lib/env";

const scryptAsync = promisify(scrypt) as (password: string, salt: Buffer, keylen: number) => Promise<Buffer>;

/** A salt per process: both sides of a comparison are derived with it. */
const salt = randomBytes(16);

/** The configured admin, or null when none is configured. */
export function bootstrapAdmin(): { user: string; password: string } | null {
  const e = env();
  if (!e.MESHLENS_ADMIN_USER) return null;
  const password = e.MESHLENS_ADMIN_PASSWORD ?? (e.MESHLENS_ADMIN_PASSWORD_FILE ? readFileSync(e.MESHLENS_ADMIN_PASSWORD_FILE, "utf8").trim() : undefined);
  if (!password) throw new Error("MESHLENS_ADMIN_USER is set without MESHLENS_ADMIN_PASSWORD or MESHLENS_ADMIN_PASSWORD_FILE.");
  return { user: e.MESHLENS_ADMIN_USER, password };
}

/** Whether the user name and password are the bootstrap admin's. */
export async function isBootstrapAdmin(user: string, password: string): Promise<boolean> {
  const admin = bootstrapAdmin();
  if (!admin) return false;
  const [given, expected] = await Promise.all([scryptAsync(`${user}\0${password}`, salt, 32), scryptAsync(`${admin.user}\0${admin.password}`, salt, 32)]);
  return timingSafeEqual(given, expected);
}
