// The proxy's guard (proxy.ts) against a real PostgreSQL: credentials, roles, CSRF, expiry and
// headers, on NextRequests as Next hands them over. Route handlers are not involved here.
import { afterAll, beforeEach, describe, expect, it } from "vitest";
import { decodePrincipal } from "@/lib/server/auth/principal";
import { disconnectDb } from "@/lib/server/db/client";
import { bearer, passed, proxyRequest, sessionCookie, shareCookie, storeSmallMesh } from "@/lib/server/testing/auth-fixtures";
import { connectTestDatabase, emptyDatabase } from "@/lib/server/testing/database";
import { revokeApiToken } from "./api-tokens";
import { guard } from "./guard";
import { hashSecret } from "./secrets";

const prisma = connectTestDatabase();
beforeEach(emptyDatabase);
afterAll(disconnectDb);

const SAME_ORIGIN = { "sec-fetch-site": "same-origin" };

describe("the proxy's guard", () => {
  it("sends signed-out visitors to /login, refuses the API with 401, and ignores a forged principal header", async () => {
    const page = await guard(proxyRequest("/snapshots/abc?g_layer=allowed"));
    expect(page.status).toBe(303);
    expect(page.headers.get("location")).toBe("http://127.0.0.1:3999/login?next=%2Fsnapshots%2Fabc%3Fg_layer%3Dallowed");
    const api = await guard(proxyRequest("/api/snapshots"));
    expect(api.status).toBe(401);
    expect((await api.json()).error.code).toBe("unauthorized");
    const forged = Buffer.from(JSON.stringify({ kind: "user", userId: "x", name: "mallory", role: "admin" })).toString("base64url");
    expect((await guard(proxyRequest("/api/snapshots", { headers: { "x-meshlens-principal": forged } }))).status).toBe(401);
    expect(passed(await guard(proxyRequest("/api/health"))).through).toBe(true);
  });

  it("passes a session on with its user and role, and refuses a viewer's deletes", async () => {
    const cookie = await sessionCookie("vera", "viewer");
    const response = await guard(proxyRequest("/api/snapshots", { headers: { cookie } }));
    const { through, principal } = passed(response);
    expect(through).toBe(true);
    expect(decodePrincipal(principal)).toMatchObject({ kind: "user", name: "vera", role: "viewer" });
    const del = await guard(proxyRequest("/api/snapshots/abc", { method: "DELETE", headers: { cookie, ...SAME_ORIGIN } }));
    expect(del.status).toBe(403);
    expect((await del.json()).error.message).toMatch(/editor/);
  });

  it("refuses cross-site changes made with a session cookie (CSRF), but not API-token calls", async () => {
    const cookie = await sessionCookie("ed", "editor");
    const post = (headers: Record<string, string>) => guard(proxyRequest("/api/snapshots/abc", { method: "DELETE", headers: { cookie, ...headers } }));
    expect((await post({ "sec-fetch-site": "cross-site" })).status).toBe(403);
    expect((await post({ origin: "http://evil.example" })).status).toBe(403);
    expect((await post({})).status).toBe(403); // neither header: not a browser page of ours
    expect(passed(await post({ origin: "http://127.0.0.1:3999" })).through).toBe(true);
    expect(passed(await post(SAME_ORIGIN)).through).toBe(true);
    const token = await bearer("editor");
    expect(passed(await guard(proxyRequest("/api/snapshots", { method: "POST", headers: { authorization: token } }))).through).toBe(true);
  });

  it("ends sessions that were idle too long or are past their absolute end", async () => {
    const idle = await sessionCookie("idle", "viewer");
    // 721 minutes ago: one more than the default MESHLENS_SESSION_IDLE_MINUTES of 720.
    await prisma.session.updateMany({ data: { lastSeenAt: new Date(Date.now() - 721 * 60_000) } });
    expect((await guard(proxyRequest("/api/snapshots", { headers: { cookie: idle } }))).status).toBe(401);
    expect(await prisma.session.count()).toBe(0); // and it is gone
    const old = await sessionCookie("old", "viewer");
    await prisma.session.updateMany({ data: { expiresAt: new Date(Date.now() - 1000) } });
    expect((await guard(proxyRequest("/api/snapshots", { headers: { cookie: old } }))).status).toBe(401);
  });

  it("accepts API tokens on the API only, and not once revoked; never stores the token", async () => {
    const token = await bearer("editor");
    const raw = token.slice("Bearer ".length);
    expect(raw).toMatch(/^mlt_[A-Za-z0-9_-]{43}$/);
    expect(await prisma.apiToken.count({ where: { tokenHash: hashSecret(raw) } })).toBe(1);
    expect(passed(await guard(proxyRequest("/api/captures", { method: "POST", headers: { authorization: token } }))).through).toBe(true);
    expect((await guard(proxyRequest("/snapshots/abc", { headers: { authorization: token } }))).status).toBe(403);
    expect((await guard(proxyRequest("/api/admin/tokens", { headers: { authorization: await bearer("admin") } }))).status).toBe(403);
    const row = await prisma.apiToken.findFirstOrThrow({ where: { tokenHash: hashSecret(raw) } });
    expect(row.lastUsedAt).not.toBeNull();
    await revokeApiToken(row.id);
    expect((await guard(proxyRequest("/api/snapshots", { headers: { authorization: token } }))).status).toBe(401);
    expect((await guard(proxyRequest("/api/snapshots", { headers: { authorization: "Bearer mlt_guessed" } }))).status).toBe(401);
  });

  it("lets a share link read its snapshot until it expires or is revoked", async () => {
    const id = await storeSmallMesh("shared");
    const { cookie, link } = await shareCookie(id);
    expect(passed(await guard(proxyRequest(`/snapshots/${id}`, { headers: { cookie } }))).through).toBe(true);
    expect((await guard(proxyRequest("/api/snapshots", { headers: { cookie } }))).status).toBe(403);
    await prisma.shareLink.update({ where: { id: link.id }, data: { expiresAt: new Date(Date.now() - 1000) } });
    expect((await guard(proxyRequest(`/api/snapshots/${id}/view`, { headers: { cookie } }))).status).toBe(401);
    const other = await shareCookie(id);
    await prisma.shareLink.update({ where: { id: other.link.id }, data: { revokedAt: new Date() } });
    expect((await guard(proxyRequest(`/api/snapshots/${id}/view`, { headers: { cookie: other.cookie } }))).status).toBe(401);
  });

  it("sets the security headers with a fresh CSP nonce on every response", async () => {
    const a = await guard(proxyRequest("/login"));
    const b = await guard(proxyRequest("/api/snapshots")); // a refusal gets them too
    for (const response of [a, b]) {
      expect(response.headers.get("x-content-type-options")).toBe("nosniff");
      expect(response.headers.get("referrer-policy")).toBe("no-referrer");
      expect(response.headers.get("x-frame-options")).toBe("DENY");
      const csp = response.headers.get("content-security-policy")!;
      for (const directive of ["frame-ancestors 'none'", "object-src 'none'", "base-uri 'none'"]) expect(csp).toContain(directive);
      expect(csp).not.toContain("unsafe-eval");
    }
    const nonce = (r: Response) => /'nonce-([^']+)'/.exec(r.headers.get("content-security-policy")!)?.[1];
    expect(nonce(a)).toBeTruthy();
    expect(nonce(a)).not.toBe(nonce(b));
  });
});
