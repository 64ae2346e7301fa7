import { NextResponse } from "next/server";
import { requireRole } from "@/lib/server/auth/principal";
import { listUsers } from "@/lib/server/auth/users";
import { route } from "@/lib/server/http";

export const dynamic = "force-dynamic";

/** Everyone who has signed in, with their role. Admins only. */
export const GET = route(async (request) => {
  requireRole(request, "admin");
  return NextResponse.json({ items: await listUsers() });
});
