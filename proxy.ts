/**
 * Runs before every page and API route (Next 16's name for middleware): sign-in, roles, share
 * grants, CSRF and security headers. See lib/server/auth/guard.ts and lib/domain/auth/access.ts.
 * Static build assets are not matched; next.config.ts gives them the static security headers.
 */
import type { NextRequest } from "next/server";
import { guard } from "@/lib/server/auth/guard";

export function proxy(request: NextRequest) {
  return guard(request);
}

export const config = {
  matcher: ["/((?!_next/static|_next/image).*)"],
};
