import { NextResponse } from "next/server";
import { z } from "zod";
import { ROLES } from "@/lib/domain/auth/roles";
import { createApiToken, listApiTokens } from "@/lib/server/auth/api-tokens";
import { actorName, requireRole } from "@/lib/server/auth/principal";
import { route } from "@/lib/server/http";

export const dynamic = "force-dynamic";

const CreateToken = z.object({
  name: z.string().trim().min(1, "give the token a name (what uses it)").max(100),
  role: z.enum(ROLES).default("editor"),
});

/** API tokens (never their secret). Admins only. */
export const GET = route(async (request) => {
  requireRole(request, "admin");
  return NextResponse.json({ items: await listApiTokens() });
});

/** Creates a token: 201 with `token`, shown this once. Admins only. */
export const POST = route(async (request) => {
  const principal = requireRole(request, "admin");
  const body = CreateToken.parse(await request.json().catch(() => ({})));
  const { token, info } = await createApiToken({ ...body, createdBy: actorName(principal) });
  return NextResponse.json({ token, info }, { status: 201 });
});
