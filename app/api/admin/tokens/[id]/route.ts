import { NextResponse } from "next/server";
import { revokeApiToken } from "@/lib/server/auth/api-tokens";
import { requireRole } from "@/lib/server/auth/principal";
import { route } from "@/lib/server/http";

export const dynamic = "force-dynamic";

/** Revokes an API token at once. Admins only. */
export const DELETE = route(async (request, { params }: { params: Promise<{ id: string }> }) => {
  requireRole(request, "admin");
  await revokeApiToken((await params).id);
  return new NextResponse(null, { status: 204 });
});
