import "server-only";
/** Starting and ending sessions on a response: the cookie settings live here only. */
import type { NextResponse } from "next/server";
import type { Role } from "@/lib/domain/auth/roles";
import { env } from "@/lib/env";
import { isHttps, seeOther } from "./client";
import { createSession, deleteSession, SESSION_COOKIE, upsertUser } from "./sessions";

/** Cookie attributes of every cookie Meshlens sets: HTTP-only, SameSite=Lax, Secure over https. */
export function cookieOptions(request: Request, expires?: Date) {
  const secure = isHttps(request) || env().MESHLENS_PUBLIC_URL.startsWith("https:");
  return { httpOnly: true, sameSite: "lax" as const, secure, path: "/", ...(expires ? { expires } : {}) };
}

/** A path on this site to return to after signing in; anything else (other hosts, `//x`) is "/". */
export function safeNext(next: string | null | undefined): string {
  return next && /^\/(?![/\\])/.test(next) ? next : "/";
}

/** Records the sign-in, starts a session and redirects to `next` with its cookie. */
export async function signInAndRedirect(
  request: Request,
  user: { provider: "local" | "oidc"; subject: string; name: string; role: Role },
  next: string,
): Promise<NextResponse> {
  const row = await upsertUser(user);
  const session = await createSession(row.id);
  const response = seeOther(safeNext(next));
  response.cookies.set(SESSION_COOKIE, session.token, cookieOptions(request, session.expiresAt));
  return response;
}

/** Ends the request's session and sends the browser to the sign-in page. */
export async function signOutAndRedirect(request: Request, token: string | undefined): Promise<NextResponse> {
  if (token) await deleteSession(token);
  const response = seeOther("/login");
  response.cookies.set(SESSION_COOKIE, "", { ...cookieOptions(request), maxAge: 0 });
  return response;
}
