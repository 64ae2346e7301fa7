import type { NextResponse } from "next/server";
import { readCookie, seeOther } from "@/lib/server/auth/client";
import { CALLBACK_PATH, finishOidcSignIn, OIDC_FLOW_COOKIE } from "@/lib/server/auth/oidc";
import { cookieOptions, signInAndRedirect } from "@/lib/server/auth/sign-in";
import { route } from "@/lib/server/http";

export const dynamic = "force-dynamic";

/** The OpenID Connect redirect URI: checks the answer, starts a session, clears the flow cookie. */
export const GET = route(async (request) => {
  const flow = readCookie(request, OIDC_FLOW_COOKIE);
  let response: NextResponse;
  try {
    const user = await finishOidcSignIn(new URL(request.url).search, flow);
    response = user.role
      ? await signInAndRedirect(request, { provider: "oidc", subject: user.subject, name: user.name, role: user.role }, user.next)
      : seeOther("/login?error=refused");
  } catch (error) {
    // The reason goes to the server log (never a token: openid-client's errors carry none).
    console.error("OpenID Connect sign-in failed:", error instanceof Error ? error.message : error);
    response = seeOther("/login?error=oidc");
  }
  response.cookies.set(OIDC_FLOW_COOKIE, "", { ...cookieOptions(request), path: CALLBACK_PATH, maxAge: 0 });
  return response;
});
