import "server-only";
/**
 * API tokens for CI pipelines and scheduled jobs: `Authorization: Bearer mlt_…`. 256 random bits,
 * shown once at creation; the table keeps the sha256 only. Revoking is immediate.
 */
import { AppError } from "@/lib/domain/errors";
import type { ApiTokenInfo } from "@/lib/domain/auth/records";
import { isRole, type Principal, type Role } from "@/lib/domain/auth/roles";
import { db } from "@/lib/server/db/client";
import { hashSecret, newId, newSecret } from "./secrets";

export type { ApiTokenInfo };

const PREFIX = "mlt_";
const TOUCH_EVERY_MS = 60_000;

type Row = Awaited<ReturnType<ReturnType<typeof db>["apiToken"]["findFirstOrThrow"]>>;

const info = (row: Row): ApiTokenInfo => ({
  id: row.id,
  name: row.name,
  role: isRole(row.role) ? row.role : "viewer",
  createdBy: row.createdBy,
  createdAt: row.createdAt.toISOString(),
  lastUsedAt: row.lastUsedAt?.toISOString() ?? null,
  revokedAt: row.revokedAt?.toISOString() ?? null,
});

/** Creates a token; `token` is in the answer only, never stored or logged. */
export async function createApiToken(options: { name: string; role: Role; createdBy: string }): Promise<{ token: string; info: ApiTokenInfo }> {
  const token = PREFIX + newSecret();
  const row = await db().apiToken.create({ data: { id: newId(), name: options.name, role: options.role, createdBy: options.createdBy, tokenHash: hashSecret(token) } });
  return { token, info: info(row) };
}

export async function listApiTokens(): Promise<ApiTokenInfo[]> {
  return (await db().apiToken.findMany({ orderBy: { createdAt: "desc" } })).map(info);
}

export async function revokeApiToken(id: string): Promise<void> {
  const { count } = await db().apiToken.updateMany({ where: { id, revokedAt: null }, data: { revokedAt: new Date() } });
  if (count === 0 && !(await db().apiToken.findUnique({ where: { id } }))) throw new AppError("not_found", `No API token ${JSON.stringify(id)}.`);
}

/** The principal of a bearer token, or null when it is unknown or revoked. */
export async function tokenPrincipal(token: string, now = new Date()): Promise<Principal | null> {
  if (!token.startsWith(PREFIX)) return null;
  const row = await db().apiToken.findUnique({ where: { tokenHash: hashSecret(token) } });
  if (!row || row.revokedAt || !isRole(row.role)) return null;
  if (!row.lastUsedAt || now.getTime() - row.lastUsedAt.getTime() > TOUCH_EVERY_MS) {
    await db().apiToken.update({ where: { id: row.id }, data: { lastUsedAt: now } });
  }
  return { kind: "token", tokenId: row.id, name: row.name, role: row.role };
}
