import "server-only";
/**
 * Share links: read-only access to one snapshot (and a graph view) for people without an account.
 * The token is 256 random bits, in the URL once (`/share/{token}`) and then in an HTTP-only
 * cookie; the table keeps only its sha256. Links expire (7 days by default, at most
 * MESHLENS_SHARE_MAX_DAYS), can be revoked, and every opening is logged with a coarse client
 * identity. What a grant may read is decided in lib/domain/auth/access.ts.
 */
import { AppError } from "@/lib/domain/errors";
import type { ShareLinkInfo } from "@/lib/domain/auth/records";
import type { Principal } from "@/lib/domain/auth/roles";
import { env } from "@/lib/env";
import { db } from "@/lib/server/db/client";
import { getSnapshotSummary } from "@/lib/server/snapshots/store";
import { hashSecret, newId, newSecret } from "./secrets";

export const SHARE_COOKIE = "meshlens_share";
export type { ShareLinkInfo };
export const DEFAULT_SHARE_DAYS = 7;
const DAY_MS = 86_400_000;


type Row = Awaited<ReturnType<ReturnType<typeof db>["shareLink"]["findFirstOrThrow"]>>;

const info = (row: Row): ShareLinkInfo => ({
  id: row.id,
  snapshotId: row.snapshotId,
  view: row.view,
  createdBy: row.createdBy,
  createdAt: row.createdAt.toISOString(),
  expiresAt: row.expiresAt.toISOString(),
  revokedAt: row.revokedAt?.toISOString() ?? null,
  lastUsedAt: row.lastUsedAt?.toISOString() ?? null,
  useCount: row.useCount,
});

/**
 * The graph view a link reopens, as the snapshot page's query string: only its `g_*` parameters
 * are kept (the rest of a pasted URL is dropped), so a link cannot point anywhere else.
 */
export function shareView(view: string | Record<string, string> | undefined): string {
  const given = new URLSearchParams(typeof view === "string" ? view.replace(/^[^?]*\?/, "") : (view ?? {}));
  const kept = new URLSearchParams();
  for (const [name, value] of given) {
    if (/^g_[a-z]{1,10}$/.test(name) && value.length <= 500) kept.set(name, value);
  }
  const text = kept.toString();
  if (text.length > 2000) throw new AppError("bad_request", "view: the graph view is longer than 2,000 characters.");
  return text;
}

/** Creates a link to a snapshot; the token is in the answer only. */
export async function createShareLink(options: {
  snapshotId: string;
  createdBy: string;
  expiresInDays?: number;
  view?: string | Record<string, string>;
}): Promise<{ token: string; link: ShareLinkInfo }> {
  const max = env().MESHLENS_SHARE_MAX_DAYS;
  const days = options.expiresInDays ?? Math.min(DEFAULT_SHARE_DAYS, max);
  if (!(days > 0) || days > max) {
    throw new AppError("bad_request", `expiresInDays: ${days} is outside 0 to ${max} days (MESHLENS_SHARE_MAX_DAYS).`);
  }
  await getSnapshotSummary(options.snapshotId); // 404 for an unknown snapshot
  const token = newSecret();
  const row = await db().shareLink.create({
    data: {
      id: newId(),
      tokenHash: hashSecret(token),
      snapshotId: options.snapshotId,
      view: shareView(options.view),
      createdBy: options.createdBy,
      expiresAt: new Date(Date.now() + days * DAY_MS),
    },
  });
  return { token, link: info(row) };
}

export async function listShareLinks(snapshotId: string): Promise<ShareLinkInfo[]> {
  return (await db().shareLink.findMany({ where: { snapshotId }, orderBy: { createdAt: "desc" } })).map(info);
}

export async function revokeShareLink(snapshotId: string, linkId: string): Promise<void> {
  const link = await db().shareLink.findFirst({ where: { id: linkId, snapshotId } });
  if (!link) throw new AppError("not_found", `Snapshot ${snapshotId} has no share link ${JSON.stringify(linkId)}.`);
  if (!link.revokedAt) await db().shareLink.update({ where: { id: linkId }, data: { revokedAt: new Date() } });
}

/** The link of a token if it may be used now: not revoked, not expired. */
async function usableLink(token: string, now: Date) {
  const row = await db().shareLink.findUnique({ where: { tokenHash: hashSecret(token) } });
  return row && !row.revokedAt && row.expiresAt > now ? row : null;
}

/** Opens a link (`/share/{token}`): logs the use and returns where it leads; 404 when unusable. */
export async function openShareLink(token: string, client: { ip: string; userAgent: string }, now = new Date()) {
  const row = await usableLink(token, now);
  if (!row) throw new AppError("not_found", "This share link does not exist, has expired or was revoked. Ask for a new one.");
  await db().$transaction([
    db().shareLink.update({ where: { id: row.id }, data: { lastUsedAt: now, useCount: { increment: 1 } } }),
    db().shareLinkUse.create({ data: { linkId: row.id, at: now, ip: client.ip, userAgent: client.userAgent } }),
  ]);
  return { snapshotId: row.snapshotId, view: row.view, expiresAt: row.expiresAt };
}

/** The grant of a share cookie, or null when the link is no longer usable. */
export async function sharePrincipal(token: string, now = new Date()): Promise<Principal | null> {
  const row = await usableLink(token, now);
  return row ? { kind: "share", linkId: row.id, snapshotId: row.snapshotId } : null;
}
