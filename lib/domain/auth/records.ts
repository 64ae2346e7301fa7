/** What the API shows of share links and API tokens (never their secrets). */
import type { Role } from "./roles";

/** A share link as the snapshot page lists it. */
export interface ShareLinkInfo {
  id: string;
  snapshotId: string;
  /** The graph view it opens: the snapshot page's `g_*` query string. */
  view: string;
  createdBy: string;
  createdAt: string;
  expiresAt: string;
  revokedAt: string | null;
  lastUsedAt: string | null;
  useCount: number;
}

/** An API token as the admin page lists it. */
export interface ApiTokenInfo {
  id: string;
  name: string;
  role: Role;
  createdBy: string;
  createdAt: string;
  lastUsedAt: string | null;
  revokedAt: string | null;
}

/** "active", "expired" or "revoked", at `now`. */
export function shareLinkState(link: Pick<ShareLinkInfo, "expiresAt" | "revokedAt">, now: Date): "active" | "expired" | "revoked" {
  if (link.revokedAt) return "revoked";
  return new Date(link.expiresAt) <= now ? "expired" : "active";
}
