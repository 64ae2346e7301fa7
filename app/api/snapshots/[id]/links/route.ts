import { NextResponse } from "next/server";
import { z } from "zod";
import { requestOrigin } from "@/lib/server/auth/client";
import { actorName, requireRole } from "@/lib/server/auth/principal";
import { createShareLink, listShareLinks } from "@/lib/server/auth/share-links";
import { route } from "@/lib/server/http";

export const dynamic = "force-dynamic";

type Context = { params: Promise<{ id: string }> };

const CreateLink = z.object({
  expiresInDays: z.number().positive().optional(),
  /** The snapshot page's graph state: its query string, or `{ g_layer: "allowed", ... }`. */
  view: z.union([z.string().max(4000), z.record(z.string(), z.string().max(500))]).optional(),
});

/** The snapshot's share links (never their tokens), newest first. */
export const GET = route(async (request, { params }: Context) => {
  requireRole(request, "viewer");
  const { id } = await params;
  return NextResponse.json({ items: await listShareLinks(id) });
});

/** Creates a read-only link to this snapshot: 201 with its URL, shown this once. Editors only. */
export const POST = route(async (request, { params }: Context) => {
  const principal = requireRole(request, "editor");
  const { id } = await params;
  const body = CreateLink.parse(await request.json().catch(() => ({})));
  const { token, link } = await createShareLink({ snapshotId: id, createdBy: actorName(principal), ...body });
  const url = `${requestOrigin(request)}/share/${token}`;
  return NextResponse.json({ url, link }, { status: 201 });
});
