// A share link grants one snapshot and nothing else. Every route file under app/api is found on
// disk (a route added later is covered without touching this test) and called with a share grant
// for every method it exports, through the proxy's guard and then, where the guard lets it pass,
// the real handler: only the granted reads of the shared snapshot may answer 200.
import { readdirSync } from "node:fs";
import { join, relative, resolve } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { guard } from "@/lib/server/auth/guard";
import { PRINCIPAL_HEADER } from "@/lib/server/auth/principal";
import { disconnectDb } from "@/lib/server/db/client";
import { passed, proxyRequest, shareCookie, storeSmallMesh } from "@/lib/server/testing/auth-fixtures";
import { connectTestDatabase, emptyDatabase } from "@/lib/server/testing/database";

connectTestDatabase();
afterAll(disconnectDb);

const METHODS = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE"] as const;
const API_DIR = resolve("app/api");

/** Every app/api/**\/route.ts, as its URL pattern (e.g. /api/snapshots/[id]/view). */
function routeFiles(dir = API_DIR): { file: string; pattern: string }[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return routeFiles(path);
    if (entry.name !== "route.ts") return [];
    return [{ file: path, pattern: `/api/${relative(API_DIR, dir).split("/").filter(Boolean).join("/")}`.replace(/\/$/, "") }];
  });
}

/** Routes anyone may call without a grant (sign-in, health): not part of what a link grants. */
const PUBLIC = new Set(["GET /api/health", "POST /api/auth/login", "GET /api/auth/oidc", "GET /api/auth/callback"]);

/** The reads a grant allows on its own snapshot, with the query each needs to answer 200. */
const GRANTED: Record<string, string> = {
  "/api/snapshots/[id]": "",
  "/api/snapshots/[id]/view": "",
  "/api/snapshots/[id]/graph": "",
  "/api/snapshots/[id]/findings": "",
  "/api/snapshots/[id]/policies": `?ref=${encodeURIComponent("data/default-deny[NetworkPolicy]")}`,
  "/api/snapshots/[id]/report.pdf": "",
};

let shared = "";
let other = "";
let cookie = "";
let linkId = "";

beforeAll(async () => {
  await emptyDatabase();
  shared = await storeSmallMesh("shared");
  other = await storeSmallMesh("not shared");
  ({ cookie, link: { id: linkId } } = await shareCookie(shared));
});

describe("a share grant, on every API route", () => {
  it("answers 200 only for the granted reads of the shared snapshot, and refuses the rest in the proxy", async () => {
    const routes = routeFiles();
    // Sanity: the enumeration sees the routes we know of.
    expect(routes.map((r) => r.pattern)).toEqual(expect.arrayContaining(["/api/snapshots", "/api/snapshots/[id]/view", "/api/captures", "/api/admin/tokens", "/api/snapshots/[id]/links"]));
    const answered: Record<string, number> = {};
    for (const { file, pattern } of routes) {
      const handlers = (await import(file)) as Record<string, unknown>;
      for (const method of METHODS.filter((m) => typeof handlers[m] === "function")) {
        if (PUBLIC.has(`${method} ${pattern}`)) continue;
        for (const snapshot of [shared, other]) {
          const params: Record<string, string> = { id: snapshot, linkId };
          const path = pattern.replace(/\[(\w+)\]/g, (_, name: string) => params[name] ?? "x");
          const url = path + (GRANTED[pattern] ?? "");
          const decision = await guard(proxyRequest(url, { method, headers: { cookie, "sec-fetch-site": "same-origin" } }));
          const { through, principal } = passed(decision);
          let status = decision.status;
          if (through) {
            const handler = handlers[method] as (request: Request, context: unknown) => Promise<Response>;
            const request = new Request(`http://127.0.0.1:3999${url}`, { method, headers: { [PRINCIPAL_HEADER]: principal! } });
            status = (await handler(request, { params: Promise.resolve(params) })).status;
          } else {
            expect([401, 403], `${method} ${url}`).toContain(status);
          }
          answered[`${method} ${pattern.replace("[id]", snapshot === shared ? "SHARED" : "OTHER")}`] = status;
        }
      }
    }
    const ok = Object.entries(answered).filter(([, status]) => status === 200).map(([call]) => call).sort();
    const expected = Object.keys(GRANTED)
      .filter((pattern) => routes.some((r) => r.pattern === pattern))
      .flatMap((pattern) => ["GET", "HEAD"].filter((m) => `${m} ${pattern.replace("[id]", "SHARED")}` in answered).map((m) => `${m} ${pattern.replace("[id]", "SHARED")}`))
      .sort();
    // At least the snapshot, its view, graph, findings and one policy (the report once it exists).
    expect(expected.length).toBeGreaterThanOrEqual(5);
    expect(ok).toEqual(expected);
    // The same reads of the other snapshot were all refused.
    for (const [call, status] of Object.entries(answered)) if (call.includes("OTHER")) expect(status, call).toBe(403);
  });
});
