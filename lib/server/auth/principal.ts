import "server-only";
/**
 * How the proxy tells pages and route handlers who is asking: it checks the credentials once and
 * sets PRINCIPAL_HEADER on the request it forwards, after removing any such header the client
 * sent. Pages and handlers read it from there; they never parse cookies or tokens themselves.
 */
import { headers } from "next/headers";
import { AppError } from "@/lib/domain/errors";
import { hasRole, isRole, roleOf, type Principal, type Role } from "@/lib/domain/auth/roles";

export const PRINCIPAL_HEADER = "x-meshlens-principal";

export const encodePrincipal = (principal: Principal) => Buffer.from(JSON.stringify(principal)).toString("base64url");

/** The principal of a header value, or null when absent or not one the proxy writes. */
export function decodePrincipal(value: string | null | undefined): Principal | null {
  if (!value) return null;
  try {
    const parsed = JSON.parse(Buffer.from(value, "base64url").toString("utf8")) as Principal;
    if (parsed.kind === "share") return typeof parsed.snapshotId === "string" ? parsed : null;
    return ["user", "demo", "token"].includes(parsed.kind) && isRole(parsed.role) ? parsed : null;
  } catch {
    return null;
  }
}

/** The principal of a page render (null: nobody, e.g. on /login). */
export async function currentPrincipal(): Promise<Principal | null> {
  return decodePrincipal((await headers()).get(PRINCIPAL_HEADER));
}

/**
 * The principal of a route handler's request, checked to hold `role` (the proxy already did; this
 * repeats it where a handler changes something, so a matcher mistake cannot open it).
 */
export function requireRole(request: Request, role: Role): Exclude<Principal, { kind: "share" }> {
  const principal = decodePrincipal(request.headers.get(PRINCIPAL_HEADER));
  if (!principal) throw new AppError("unauthorized", "Sign in first (or use an API token).");
  const has = roleOf(principal);
  if (principal.kind === "share" || !has || !hasRole(has, role)) {
    throw new AppError("forbidden", `This needs the ${role} role.`);
  }
  return principal;
}

/** The name recorded as the author of something (a share link, a token). */
export const actorName = (principal: Exclude<Principal, { kind: "share" }>) =>
  principal.kind === "token" ? `token ${principal.name}` : principal.name;
