import { NextResponse } from "next/server";
import { AppError } from "@/lib/domain/errors";
import { clientOf, seeOther } from "@/lib/server/auth/client";
import { openShareLink, SHARE_COOKIE } from "@/lib/server/auth/share-links";
import { cookieOptions } from "@/lib/server/auth/sign-in";
import { route } from "@/lib/server/http";

export const dynamic = "force-dynamic";

type Context = { params: Promise<{ token: string }> };

/**
 * Opens a share link: logs the use, keeps the grant in an HTTP-only cookie (until the link
 * expires) and shows the snapshot with the shared view. The token leaves the address bar at once.
 */
export const GET = route(async (request, { params }: Context) => {
  const { token } = await params;
  try {
    const link = await openShareLink(token, clientOf(request));
    const response = seeOther(`/snapshots/${encodeURIComponent(link.snapshotId)}${link.view ? `?${link.view}` : ""}`);
    response.cookies.set(SHARE_COOKIE, token, cookieOptions(request, link.expiresAt));
    response.headers.set("cache-control", "no-store");
    return response;
  } catch (error) {
    if (!(error instanceof AppError) || error.code !== "not_found") throw error;
    return new NextResponse(`${error.message}\n`, { status: 404, headers: { "content-type": "text/plain; charset=utf-8", "cache-control": "no-store" } });
  }
});
