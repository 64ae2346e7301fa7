import "server-only";
/**
 * Server-side sessions in PostgreSQL. The browser holds a 256-bit random token in an HTTP-only,
 * SameSite=Lax cookie (Secure over https); the table keeps only its sha256, so reading the
 * database does not let anyone sign in. A session ends after MESHLENS_SESSION_IDLE_MINUTES
 * without requests, MESHLENS_SESSION_MAX_HOURS after sign-in, or at sign-out.
 */
import { isRole, type Principal, type Role } from "@/lib/domain/auth/roles";
import { env } from "@/lib/env";
import { db, sql } from "@/lib/server/db/client";
import { hashSecret, newId, newSecret } from "./secrets";

export const SESSION_COOKIE = "meshlens_session";

/** lastSeenAt is written at most this often, so reads do not turn every request into a write. */
const TOUCH_EVERY_MS = 60_000;

/** Finds or creates the user row and records the sign-in. */
export async function upsertUser(user: { provider: "local" | "oidc"; subject: string; name: string; role: Role }) {
  const now = new Date();
  return db().user.upsert({
    where: { provider_subject: { provider: user.provider, subject: user.subject } },
    create: { id: newId(), ...user, lastLoginAt: now },
    update: { name: user.name, role: user.role, lastLoginAt: now },
  });
}

/** Starts a session for a user: returns the cookie's token (shown to nobody else) and its end. */
export async function createSession(userId: string): Promise<{ token: string; expiresAt: Date }> {
  const token = newSecret();
  const expiresAt = new Date(Date.now() + env().MESHLENS_SESSION_MAX_HOURS * 3_600_000);
  await db().session.create({ data: { id: hashSecret(token), userId, expiresAt } });
  return { token, expiresAt };
}

/** The signed-in user of a session cookie, or null when it is unknown, idle too long or expired. */
export async function sessionPrincipal(token: string, now = new Date()): Promise<Principal | null> {
  const id = hashSecret(token);
  // Every request's query: plain SQL, prepared once per connection (see sql()).
  const { rows } = await sql().query<{ userId: string; name: string; role: string; expiresAt: Date; lastSeenAt: Date }>({
    name: "session-principal",
    text: 'SELECT s."userId", s."expiresAt", s."lastSeenAt", u.name, u.role FROM "Session" s JOIN "User" u ON u.id = s."userId" WHERE s.id = $1',
    values: [id],
  });
  const session = rows[0];
  if (!session) return null;
  const idleMs = env().MESHLENS_SESSION_IDLE_MINUTES * 60_000;
  if (session.expiresAt <= now || now.getTime() - session.lastSeenAt.getTime() > idleMs || !isRole(session.role)) {
    await db().session.deleteMany({ where: { id } });
    return null;
  }
  if (now.getTime() - session.lastSeenAt.getTime() > TOUCH_EVERY_MS) {
    await db().session.updateMany({ where: { id }, data: { lastSeenAt: now } });
  }
  return { kind: "user", userId: session.userId, name: session.name, role: session.role };
}

/** Ends a session (sign-out). */
export async function deleteSession(token: string): Promise<void> {
  await db().session.deleteMany({ where: { id: hashSecret(token) } });
}
