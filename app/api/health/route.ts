import { NextResponse } from "next/server";
import { db } from "@/lib/server/db/client";
import { route } from "@/lib/server/http";

export const dynamic = "force-dynamic";

/** Liveness and database reachability, for load balancers and the launcher. */
export const GET = route(async () => {
  try {
    await db().$queryRaw`SELECT 1`;
    return NextResponse.json({ status: "ok", database: "ok" });
  } catch {
    return NextResponse.json({ status: "degraded", database: "unreachable" }, { status: 503 });
  }
});
