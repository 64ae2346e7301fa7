import "server-only";
import { db } from "@/lib/server/db/client";

/** Who has signed in, with their role and last sign-in, for the admin page. */
export async function listUsers() {
  const rows = await db().user.findMany({ orderBy: [{ lastLoginAt: "desc" }, { name: "asc" }] });
  return rows.map((u) => ({
    id: u.id,
    name: u.name,
    provider: u.provider,
    subject: u.subject,
    role: u.role,
    lastLoginAt: u.lastLoginAt?.toISOString() ?? null,
  }));
}
