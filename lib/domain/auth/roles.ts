/**
 * Roles, in increasing power: a viewer reads snapshots; an editor also captures, imports, shares
 * and deletes; an admin also manages API tokens, users and settings.
 */
export const ROLES = ["viewer", "editor", "admin"] as const;
export type Role = (typeof ROLES)[number];

export const isRole = (value: unknown): value is Role => typeof value === "string" && (ROLES as readonly string[]).includes(value);

/** Whether `role` may do what `needed` may. */
export const hasRole = (role: Role, needed: Role) => ROLES.indexOf(role) >= ROLES.indexOf(needed);

/** Who is making a request, once the proxy has checked its credentials. */
export type Principal =
  /** A signed-in person (bootstrap admin or OIDC). */
  | { kind: "user"; userId: string; name: string; role: Role }
  /** A visitor of the demo who has not signed in (MESHLENS_DEMO). */
  | { kind: "demo"; name: string; role: "viewer" }
  /** A CI job or script with an API token. */
  | { kind: "token"; tokenId: string; name: string; role: Role }
  /** A browser that opened a share link: read-only, one snapshot. */
  | { kind: "share"; linkId: string; snapshotId: string };

/** The role of a principal; a share grant has none (it is checked route by route). */
export const roleOf = (principal: Principal): Role | null => (principal.kind === "share" ? null : principal.role);

/**
 * The role for an OIDC user: the highest role any of their groups maps to, else the default
 * (null: refused). `map` is `group=role,group=role`.
 */
export function roleFromGroups(groups: readonly string[], map: string, fallback: Role | "none"): Role | null {
  let best: Role | null = null;
  for (const pair of map.split(",").map((p) => p.trim()).filter(Boolean)) {
    const at = pair.lastIndexOf("=");
    const group = pair.slice(0, at).trim();
    const role = pair.slice(at + 1).trim();
    if (at < 1 || !isRole(role)) throw new Error(`MESHLENS_OIDC_ROLE_MAP: ${JSON.stringify(pair)} is not group=viewer|editor|admin.`);
    if (groups.includes(group) && (!best || hasRole(role, best))) best = role;
  }
  return best ?? (fallback === "none" ? null : fallback);
}

/** Whether pages should offer changes (upload, capture, share, delete) to this principal. */
export const mayEdit = (principal: Principal | null): boolean => {
  const role = principal ? roleOf(principal) : null;
  return role !== null && hasRole(role, "editor");
};
