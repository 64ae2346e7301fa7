import { NextResponse } from "next/server";
import { decodePrincipal, PRINCIPAL_HEADER } from "@/lib/server/auth/principal";
import { route } from "@/lib/server/http";

export const dynamic = "force-dynamic";

/** Who the request is signed in as: `{ principal: { kind, name, role } }` (share grants: kind and snapshot). */
export const GET = route(async (request) => NextResponse.json({ principal: decodePrincipal(request.headers.get(PRINCIPAL_HEADER)) }));
