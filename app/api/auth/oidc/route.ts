import { NextResponse } from "next/server";
import { CALLBACK_PATH, OIDC_FLOW_COOKIE, startOidcSignIn } from "@/lib/server/auth/oidc";
import { cookieOptions, safeNext } from "@/lib/server/auth/sign-in";
import { route } from "@/lib/server/http";

export const dynamic = "force-dynamic";

/** "Sign in with OpenID Connect": to the provider, with PKCE, state and nonce (`?next=/path`). */
export const GET = route(async (request) => {
  const next = safeNext(new URL(request.url).searchParams.get("next"));
  const { url, flowCookie } = await startOidcSignIn(next);
  const response = NextResponse.redirect(url, 303);
  response.cookies.set(OIDC_FLOW_COOKIE, flowCookie, { ...cookieOptions(request), path: CALLBACK_PATH, maxAge: 600 });
  return response;
});
