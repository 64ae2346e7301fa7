// Opening a share link (/share/{token}) against a real PostgreSQL: the use is logged, the grant
// goes into an HTTP-only cookie, and an expired or revoked link is refused.
import { afterAll, beforeEach, describe, expect, it } from "vitest";
import { disconnectDb } from "@/lib/server/db/client";
import { shareCookie, storeSmallMesh } from "@/lib/server/testing/auth-fixtures";
import { connectTestDatabase, emptyDatabase } from "@/lib/server/testing/database";
import { createShareLink } from "@/lib/server/auth/share-links";
import { GET } from "./route";

const prisma = connectTestDatabase();
beforeEach(emptyDatabase);
afterAll(disconnectDb);

const open = (token: string) =>
  GET(new Request(`http://127.0.0.1:3999/share/${token}`, { headers: { "user-agent": "Test/1.0", "x-forwarded-for": "10.1.2.3" } }), { params: Promise.resolve({ token }) });

describe("/share/{token}", () => {
  it("opens the snapshot with its view, logs the use and keeps the grant in an HTTP-only cookie", async () => {
    const id = await storeSmallMesh("shared");
    // Only g_* parameters are kept: "next" would be a way to point the link elsewhere.
    const { token, link } = await createShareLink({ snapshotId: id, createdBy: "ed", view: "g_layer=allowed&g_sel=web%2Ffrontend%5BDeployment%5D&next=//evil" });
    const response = await open(token);
    expect(response.status).toBe(303);
    expect(response.headers.get("location")).toBe(`/snapshots/${id}?g_layer=allowed&g_sel=web%2Ffrontend%5BDeployment%5D`);
    const cookie = response.headers.getSetCookie().find((c) => c.startsWith("meshlens_share="))!;
    expect(cookie).toContain(`meshlens_share=${token}`);
    expect(cookie).toMatch(/HttpOnly/i);
    expect(cookie).toMatch(/SameSite=lax/i);
    const row = await prisma.shareLink.findUniqueOrThrow({ where: { id: link.id }, include: { uses: true } });
    expect(row.useCount).toBe(1);
    expect(row.lastUsedAt).not.toBeNull();
    expect(row.uses).toMatchObject([{ userAgent: "Test/1.0", ip: "10.1.2.3" }]);
    expect(row.tokenHash).not.toContain(token);
  });

  it("refuses expired, revoked and unknown links with 404", async () => {
    const id = await storeSmallMesh("shared");
    const expired = await shareCookie(id, { expiresInDays: 1 });
    await prisma.shareLink.update({ where: { id: expired.link.id }, data: { expiresAt: new Date(Date.now() - 1000) } });
    const revoked = await shareCookie(id);
    await prisma.shareLink.update({ where: { id: revoked.link.id }, data: { revokedAt: new Date() } });
    for (const token of [expired.token, revoked.token, "A".repeat(43)]) {
      const response = await open(token);
      expect(response.status).toBe(404);
      expect(await response.text()).toMatch(/expired or was revoked/);
      expect(response.headers.getSetCookie()).toEqual([]);
    }
    expect(await prisma.shareLinkUse.count()).toBe(0);
  });

  it("refuses an expiry beyond MESHLENS_SHARE_MAX_DAYS (30 by default)", async () => {
    const id = await storeSmallMesh("shared");
    await expect(createShareLink({ snapshotId: id, createdBy: "ed", expiresInDays: 31 })).rejects.toThrow(/outside 0 to 30 days/);
    const { link } = await createShareLink({ snapshotId: id, createdBy: "ed" });
    // Default: 7 days from now (within a minute of it).
    expect(Math.abs(Date.parse(link.expiresAt) - Date.now() - 7 * 86_400_000)).toBeLessThan(60_000);
  });
});
