import { readCookie } from "@/lib/server/auth/client";
import { SESSION_COOKIE } from "@/lib/server/auth/sessions";
import { signOutAndRedirect } from "@/lib/server/auth/sign-in";
import { route } from "@/lib/server/http";

export const dynamic = "force-dynamic";

/** Signs out: the session ends in the database, the cookie is cleared. */
export const POST = route(async (request) => signOutAndRedirect(request, readCookie(request, SESSION_COOKIE)));
