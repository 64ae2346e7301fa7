// The bootstrap admin's sign-in form, sign-out, and the demo viewer, against a real PostgreSQL.
process.env.MESHLENS_ADMIN_USER = "root-admin";
process.env.MESHLENS_ADMIN_PASSWORD = "correct horse battery staple";
process.env.MESHLENS_DEMO = "true";

import { afterAll, beforeEach, describe, expect, it } from "vitest";
import { guard } from "@/lib/server/auth/guard";
import { decodePrincipal } from "@/lib/server/auth/principal";
import { sessionPrincipal } from "@/lib/server/auth/sessions";
import { disconnectDb } from "@/lib/server/db/client";
import { passed, proxyRequest } from "@/lib/server/testing/auth-fixtures";
import { connectTestDatabase, emptyDatabase } from "@/lib/server/testing/database";
import { POST as login } from "./login/route";
import { POST as logout } from "./logout/route";

const prisma = connectTestDatabase();
beforeEach(emptyDatabase);
afterAll(disconnectDb);

const none = {} as never;
const signIn = (fields: Record<string, string>, ip = "10.0.0.1") =>
  login(new Request("http://127.0.0.1:3999/api/auth/login", { method: "POST", body: new URLSearchParams(fields), headers: { "x-forwarded-for": ip } }), none);
const sessionToken = (response: Response) => /meshlens_session=([^;]*)/.exec(response.headers.getSetCookie().join("\n"))?.[1];

describe("the bootstrap admin", () => {
  it("signs in with the configured password, back to a page of this site only", async () => {
    const response = await signIn({ username: "root-admin", password: "correct horse battery staple", next: "/snapshots/abc" });
    expect(response.status).toBe(303);
    expect(response.headers.get("location")).toBe("/snapshots/abc");
    expect(await sessionPrincipal(sessionToken(response)!)).toMatchObject({ kind: "user", name: "root-admin", role: "admin" });
    // `next` pointing to another site is ignored.
    const away = await signIn({ username: "root-admin", password: "correct horse battery staple", next: "//evil.example/x" });
    expect(away.headers.get("location")).toBe("/");
  });

  it("refuses a wrong password, and locks a user name and address after 5 failures in 15 minutes", async () => {
    for (let i = 0; i < 5; i++) {
      const wrong = await signIn({ username: "root-admin", password: `guess ${i}` }, "10.9.9.9");
      expect(wrong.headers.get("location")).toBe("/login?error=invalid");
      expect(sessionToken(wrong)).toBeUndefined();
    }
    // The sixth attempt is refused even with the right password, from that address only.
    const locked = await signIn({ username: "root-admin", password: "correct horse battery staple" }, "10.9.9.9");
    expect(locked.headers.get("location")).toBe("/login?error=locked");
    expect(sessionToken(locked)).toBeUndefined();
    const elsewhere = await signIn({ username: "root-admin", password: "correct horse battery staple" }, "10.8.8.8");
    expect(sessionToken(elsewhere)).toBeDefined();
  });

  it("signs out: the session is deleted and the cookie cleared", async () => {
    const token = sessionToken(await signIn({ username: "root-admin", password: "correct horse battery staple" }, "10.0.0.2"))!;
    const response = await logout(new Request("http://127.0.0.1:3999/api/auth/logout", { method: "POST", headers: { cookie: `meshlens_session=${token}` } }), none);
    expect(response.headers.get("location")).toBe("/login");
    expect(response.headers.getSetCookie().join()).toMatch(/meshlens_session=;/);
    expect(await sessionPrincipal(token)).toBeNull();
    expect(await prisma.session.count()).toBe(0);
  });
});

describe("the demo (MESHLENS_DEMO=true)", () => {
  it("lets visitors read as a demo viewer, and nothing more", async () => {
    const page = passed(await guard(proxyRequest("/")));
    expect(page.through).toBe(true);
    expect(decodePrincipal(page.principal)).toEqual({ kind: "demo", name: "demo", role: "viewer" });
    const remove = await guard(proxyRequest("/api/snapshots/abc", { method: "DELETE", headers: { "sec-fetch-site": "same-origin" } }));
    expect(remove.status).toBe(403);
  });
});
