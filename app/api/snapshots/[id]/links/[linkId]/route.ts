import { NextResponse } from "next/server";
import { requireRole } from "@/lib/server/auth/principal";
import { revokeShareLink } from "@/lib/server/auth/share-links";
import { route } from "@/lib/server/http";

export const dynamic = "force-dynamic";

type Context = { params: Promise<{ id: string; linkId: string }> };

/** Revokes a share link at once (it stays listed, marked revoked). Editors only. */
export const DELETE = route(async (request, { params }: Context) => {
  requireRole(request, "editor");
  const { id, linkId } = await params;
  await revokeShareLink(id, linkId);
  return new NextResponse(null, { status: 204 });
});
