/**
 * Who may call what: the one access policy, applied by the proxy (proxy.ts) to every request
 * before any page or route handler runs. Deny by default:
 * - only the PUBLIC paths answer without credentials;
 * - a share grant reaches only SHARE_READS of its own snapshot, GET only;
 * - API tokens reach only the API (not pages, not /api/auth or /api/admin);
 * - reading (GET/HEAD) needs viewer; /admin and /api/admin need admin; any other method needs
 *   editor unless ROUTE_ROLES lowers it. A route added later is therefore covered as it is:
 *   readable by viewers, writable by editors, invisible to share links and anonymous visitors.
 */
import { hasRole, roleOf, type Principal, type Role } from "./roles";

export type AccessDecision =
  | { allow: true }
  | { allow: false; status: 401 | 403; message: string };

/** Paths anyone may request (sign-in, the OIDC callback, health, static assets). */
const PUBLIC: readonly RegExp[] = [
  /^\/login$/,
  /^\/api\/auth\/(login|oidc|callback)$/,
  /^\/api\/health$/,
  /^\/share\/[A-Za-z0-9_-]+$/,
  /^\/_next\/static\//,
  /^\/(icon\.svg|favicon\.ico|robots\.txt)$/,
];

/**
 * What a share grant reads of its snapshot: the page, its print view, and its GET APIs
 * (the snapshot, the page's rows, graph, findings, one policy, the PDF report).
 */
const SHARE_READS: readonly RegExp[] = [
  /^\/snapshots\/([^/]+)(?:\/print)?$/,
  /^\/api\/snapshots\/([^/]+)(?:\/(?:view|graph|findings|policies|report\.pdf))?$/,
];

/** Methods that lower (or raise) the role a non-read request needs. First match wins. */
const ROUTE_ROLES: readonly { methods: readonly string[]; path: RegExp; role: Role }[] = [
  { methods: ["*"], path: /^\/(admin|api\/admin)(\/|$)/, role: "admin" },
  { methods: ["POST"], path: /^\/api\/auth\/logout$/, role: "viewer" },
];

const READS = new Set(["GET", "HEAD"]);

/** The role a request needs (null: none, it is public). */
export function requiredRole(method: string, path: string): Role | null {
  if (PUBLIC.some((p) => p.test(path)) && (READS.has(method) || path.startsWith("/api/auth/"))) return null;
  const declared = ROUTE_ROLES.find((r) => r.path.test(path) && (r.methods.includes("*") || r.methods.includes(method)));
  if (declared) return declared.role;
  return READS.has(method) ? "viewer" : "editor";
}

/** The snapshot a path reads, if a share grant could reach it. */
export function sharedSnapshotOf(path: string): string | null {
  for (const pattern of SHARE_READS) {
    const id = pattern.exec(path)?.[1];
    if (id === undefined) continue;
    try {
      return decodeURIComponent(id);
    } catch {
      return null;
    }
  }
  return null;
}

/** Whether `principal` (undefined: nobody signed in) may make this request. */
export function decideAccess(method: string, path: string, principal: Principal | undefined): AccessDecision {
  const needed = requiredRole(method, path);
  if (needed === null) return { allow: true };
  if (!principal) return { allow: false, status: 401, message: "Sign in first (or use an API token or a share link)." };
  if (principal.kind === "share") {
    if (READS.has(method) && sharedSnapshotOf(path) === principal.snapshotId) return { allow: true };
    return { allow: false, status: 403, message: "This share link grants read access to one snapshot only." };
  }
  if (principal.kind === "token" && (!path.startsWith("/api/") || /^\/api\/(auth|admin)(\/|$)/.test(path))) {
    return { allow: false, status: 403, message: "API tokens are for the snapshot and capture API, not for pages, sign-in or administration." };
  }
  const role = roleOf(principal)!;
  if (!hasRole(role, needed)) {
    return { allow: false, status: 403, message: `This needs the ${needed} role; you are signed in as a ${role}.` };
  }
  return { allow: true };
}
