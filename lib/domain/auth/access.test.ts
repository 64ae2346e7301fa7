import { describe, expect, it } from "vitest";
import { decideAccess, requiredRole, sharedSnapshotOf } from "./access";
import type { Principal } from "./roles";

const viewer: Principal = { kind: "user", userId: "u1", name: "vera", role: "viewer" };
const editor: Principal = { kind: "user", userId: "u2", name: "ed", role: "editor" };
const admin: Principal = { kind: "user", userId: "u3", name: "ada", role: "admin" };
const token: Principal = { kind: "token", tokenId: "t1", name: "ci", role: "editor" };
const share: Principal = { kind: "share", linkId: "l1", snapshotId: "SNAP" };
const allowed = (method: string, path: string, p?: Principal) => decideAccess(method, path, p).allow;

describe("access policy", () => {
  it("lets anyone reach only sign-in, the OIDC callback, health, share links and static assets", () => {
    for (const path of ["/login", "/api/auth/callback", "/api/auth/oidc", "/api/health", "/share/abc_DEF-1", "/_next/static/chunks/x.js", "/icon.svg"]) {
      expect(allowed("GET", path), path).toBe(true);
    }
    expect(allowed("POST", "/api/auth/login")).toBe(true);
    // Everything else needs credentials: pages, APIs, and routes nobody has written yet.
    for (const path of ["/", "/snapshots/SNAP", "/api/snapshots", "/api/captures", "/admin", "/api/diff", "/diff/a/b", "/api/auth/me"]) {
      expect(decideAccess("GET", path, undefined), path).toMatchObject({ allow: false, status: 401 });
    }
    expect(allowed("POST", "/share/abc")).toBe(false);
    expect(allowed("POST", "/api/auth/logout")).toBe(false);
  });

  it("gives viewers reads, editors changes, admins administration", () => {
    expect(allowed("GET", "/api/snapshots", viewer)).toBe(true);
    expect(allowed("GET", "/api/some-future-route", viewer)).toBe(true);
    expect(decideAccess("DELETE", "/api/snapshots/SNAP", viewer)).toMatchObject({ allow: false, status: 403 });
    expect(allowed("POST", "/api/snapshots/SNAP/links", viewer)).toBe(false);
    expect(allowed("POST", "/api/some-future-route", viewer)).toBe(false); // a new write route needs editor by default
    expect(allowed("POST", "/api/auth/logout", viewer)).toBe(true);
    expect(allowed("DELETE", "/api/snapshots/SNAP", editor)).toBe(true);
    expect(allowed("POST", "/api/captures", editor)).toBe(true);
    expect(allowed("GET", "/admin", editor)).toBe(false);
    expect(allowed("GET", "/api/admin/tokens", editor)).toBe(false);
    expect(allowed("GET", "/admin", admin)).toBe(true);
    expect(allowed("POST", "/api/admin/tokens", admin)).toBe(true);
  });

  it("keeps API tokens to the API, away from sign-in and administration", () => {
    expect(allowed("POST", "/api/snapshots", token)).toBe(true);
    expect(allowed("GET", "/api/snapshots/SNAP/view", token)).toBe(true);
    expect(allowed("GET", "/snapshots/SNAP", token)).toBe(false);
    expect(allowed("GET", "/api/auth/me", token)).toBe(false);
    expect(allowed("GET", "/api/admin/tokens", { ...token, role: "admin" })).toBe(false);
  });

  it("lets a share grant read its own snapshot's page, report and GET APIs, nothing else", () => {
    for (const path of ["/snapshots/SNAP", "/snapshots/SNAP/print", "/api/snapshots/SNAP", "/api/snapshots/SNAP/view", "/api/snapshots/SNAP/graph", "/api/snapshots/SNAP/findings", "/api/snapshots/SNAP/policies", "/api/snapshots/SNAP/report.pdf"]) {
      expect(allowed("GET", path, share), path).toBe(true);
    }
    for (const path of ["/", "/snapshots/OTHER", "/api/snapshots/OTHER/view", "/api/snapshots", "/api/snapshots/SNAP/links", "/api/captures", "/api/diff", "/admin", "/api/auth/me", "/snapshots/SNAP/elsewhere"]) {
      expect(decideAccess("GET", path, share), path).toMatchObject({ allow: false, status: 403 });
    }
    expect(allowed("DELETE", "/api/snapshots/SNAP", share)).toBe(false);
    expect(allowed("POST", "/api/snapshots/SNAP/links", share)).toBe(false);
  });

  it("compares the snapshot id decoded, as the route sees it", () => {
    expect(sharedSnapshotOf("/api/snapshots/S%4E/view")).toBe("SN");
    expect(sharedSnapshotOf("/api/snapshots/%E0%A4%A/view")).toBeNull(); // malformed escape
    expect(requiredRole("GET", "/login")).toBeNull();
    expect(requiredRole("PUT", "/api/whatever")).toBe("editor");
  });
});
