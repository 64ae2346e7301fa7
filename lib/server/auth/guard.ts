import "server-only";
/**
 * The proxy's work on every request (proxy.ts): who is asking (API token, session cookie, share
 * cookie, or the demo viewer), CSRF protection for cookie-authenticated changes, the access policy
 * of lib/domain/auth/access.ts, and the security headers with a fresh CSP nonce.
 */
import { randomBytes } from "node:crypto";
import { NextResponse, type NextRequest } from "next/server";
import { decideAccess, requiredRole } from "@/lib/domain/auth/access";
import type { Principal } from "@/lib/domain/auth/roles";
import { env } from "@/lib/env";
import { contentSecurityPolicy, STATIC_SECURITY_HEADERS } from "@/lib/server/security-headers";
import { tokenPrincipal } from "./api-tokens";
import { requestOrigin, seeOther } from "./client";
import { encodePrincipal, PRINCIPAL_HEADER } from "./principal";
import { SESSION_COOKIE, sessionPrincipal } from "./sessions";
import { SHARE_COOKIE, sharePrincipal } from "./share-links";

const SAFE_METHODS = new Set(["GET", "HEAD", "OPTIONS"]);

/** Credentials of a request: what it presented, and who that is (null: invalid). */
async function resolvePrincipal(request: NextRequest): Promise<{ bearer: boolean; principal: Principal | null }> {
  const authorization = request.headers.get("authorization");
  if (authorization !== null) {
    const token = /^Bearer\s+(\S+)$/i.exec(authorization)?.[1];
    return { bearer: true, principal: token ? await tokenPrincipal(token) : null };
  }
  const session = request.cookies.get(SESSION_COOKIE)?.value;
  const fromSession = session ? await sessionPrincipal(session) : null;
  if (fromSession) return { bearer: false, principal: fromSession };
  const share = request.cookies.get(SHARE_COOKIE)?.value;
  const fromShare = share ? await sharePrincipal(share) : null;
  if (fromShare) return { bearer: false, principal: fromShare };
  if (env().MESHLENS_DEMO === "true") return { bearer: false, principal: { kind: "demo", name: "demo", role: "viewer" } };
  return { bearer: false, principal: null };
}

/**
 * Whether a state-changing request comes from the app's own pages: the browser says so in
 * Sec-Fetch-Site, or its Origin is this server's (as requested, or MESHLENS_PUBLIC_URL behind a
 * proxy). A request with neither header is refused: browsers send them, scripts use API tokens.
 */
export function isSameOrigin(request: NextRequest): boolean {
  const site = request.headers.get("sec-fetch-site");
  if (site) return site === "same-origin";
  const origin = request.headers.get("origin");
  if (!origin) return false;
  return origin === requestOrigin(request) || origin === new URL(env().MESHLENS_PUBLIC_URL).origin;
}

function withSecurityHeaders<T extends Response>(response: T, csp: string): T {
  response.headers.set("Content-Security-Policy", csp);
  for (const [name, value] of Object.entries(STATIC_SECURITY_HEADERS)) response.headers.set(name, value);
  return response;
}

function refuse(request: NextRequest, status: 401 | 403 | 503, message: string, csp: string): Response {
  const path = request.nextUrl.pathname;
  if (!path.startsWith("/api/") && status === 401 && request.method === "GET") {
    // The proxy must answer with an absolute Location (Next resolves it), on the browser's origin.
    const login = `${requestOrigin(request)}/login?${new URLSearchParams({ next: path + request.nextUrl.search })}`;
    return withSecurityHeaders(seeOther(login), csp);
  }
  const code = status === 401 ? "unauthorized" : status === 403 ? "forbidden" : "unavailable";
  const response = path.startsWith("/api/")
    ? NextResponse.json({ error: { code, message } }, { status })
    : new NextResponse(`${status} ${message}\n`, { status, headers: { "content-type": "text/plain; charset=utf-8" } });
  response.headers.set("cache-control", "no-store");
  return withSecurityHeaders(response, csp);
}

export async function guard(request: NextRequest): Promise<Response> {
  const nonce = randomBytes(16).toString("base64");
  const csp = contentSecurityPolicy(nonce);
  const path = request.nextUrl.pathname;
  const method = request.method;
  const isPublic = requiredRole(method, path) === null;

  let resolved: Awaited<ReturnType<typeof resolvePrincipal>>;
  try {
    resolved = await resolvePrincipal(request);
  } catch (error) {
    if (!isPublic) {
      console.error("Checking credentials failed:", error instanceof Error ? error.message : error);
      return refuse(request, 503, "Credentials cannot be checked right now (the database is unreachable).", csp);
    }
    resolved = { bearer: false, principal: null };
  }
  if (resolved.bearer && !resolved.principal && !isPublic) {
    return refuse(request, 401, "The API token is unknown or revoked.", csp);
  }
  if (!SAFE_METHODS.has(method) && !resolved.bearer && !isSameOrigin(request)) {
    return refuse(request, 403, "Cross-site request refused: state-changing requests must come from Meshlens pages (or use an API token).", csp);
  }
  const decision = decideAccess(method, path, resolved.principal ?? undefined);
  if (!decision.allow) return refuse(request, decision.status, decision.message, csp);

  const forwarded = new Headers(request.headers);
  forwarded.delete(PRINCIPAL_HEADER); // only the proxy says who is asking
  if (resolved.principal) forwarded.set(PRINCIPAL_HEADER, encodePrincipal(resolved.principal));
  forwarded.set("content-security-policy", csp); // Next reads the nonce from here
  return withSecurityHeaders(NextResponse.next({ request: { headers: forwarded } }), csp);
}
