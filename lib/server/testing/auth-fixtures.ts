/** For integration tests of access control: a stored snapshot, a signed-in user, a share link. */
import { readFileSync } from "node:fs";
import { NextRequest } from "next/server";
import type { Role } from "@/lib/domain/auth/roles";
import { createApiToken } from "@/lib/server/auth/api-tokens";
import { createSession, upsertUser } from "@/lib/server/auth/sessions";
import { createShareLink } from "@/lib/server/auth/share-links";
import { importManifests } from "@/lib/server/snapshots/import";

/** The e2e fixture (3 workloads, 3 policies, one of them data/default-deny[NetworkPolicy]). */
export const storeSmallMesh = async (name: string) =>
  (await importManifests([{ path: "small-mesh.yaml", content: readFileSync("e2e/fixtures/small-mesh.yaml", "utf8") }], { name, cluster: "test" })).snapshot.id;

/** A session cookie for a new user with this role. */
export async function sessionCookie(name: string, role: Role): Promise<string> {
  const user = await upsertUser({ provider: "local", subject: name, name, role });
  return `meshlens_session=${(await createSession(user.id)).token}`;
}

export async function shareCookie(snapshotId: string, options: { expiresInDays?: number } = {}) {
  const { token, link } = await createShareLink({ snapshotId, createdBy: "tester", ...options });
  return { cookie: `meshlens_share=${token}`, token, link };
}

export const bearer = async (role: Role) => `Bearer ${(await createApiToken({ name: `ci-${role}`, role, createdBy: "tester" })).token}`;

/** A request as the proxy sees it. */
export const proxyRequest = (path: string, init: { method?: string; headers?: Record<string, string> } = {}) =>
  new NextRequest(`http://127.0.0.1:3999${path}`, { method: init.method ?? "GET", headers: { host: "127.0.0.1:3999", ...init.headers } });

/** Whether the proxy let the request through (NextResponse.next()), and what it told the app. */
export function passed(response: Response): { through: boolean; principal: string | null } {
  return { through: response.headers.get("x-middleware-next") === "1", principal: response.headers.get("x-middleware-request-x-meshlens-principal") };
}
