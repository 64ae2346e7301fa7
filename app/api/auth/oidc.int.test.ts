// OpenID Connect sign-in against a real provider (npm oidc-provider on 127.0.0.1): the app's start
// and callback handlers, the provider's real authorization, login and token endpoints in between.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { sessionPrincipal } from "@/lib/server/auth/sessions";
import { disconnectDb } from "@/lib/server/db/client";
import { connectTestDatabase, emptyDatabase } from "@/lib/server/testing/database";
import { OIDC_TEST_CLIENT, OIDC_TEST_ROLE_MAP, startOidcProvider, type TestOidcProvider } from "@/lib/server/testing/oidc-provider";
import { GET as callback } from "./callback/route";
import { GET as start } from "./oidc/route";

const APP = "http://127.0.0.1:3999"; // never listened on: the handlers are called directly
const prisma = connectTestDatabase();
let provider: TestOidcProvider;

beforeAll(async () => {
  provider = await startOidcProvider({ redirectUris: [`${APP}/api/auth/callback`] });
  // Before the first env() read of this file's module graph (env() is read lazily).
  Object.assign(process.env, {
    MESHLENS_PUBLIC_URL: APP,
    MESHLENS_OIDC_ISSUER: provider.issuer,
    MESHLENS_OIDC_CLIENT_ID: OIDC_TEST_CLIENT.id,
    MESHLENS_OIDC_CLIENT_SECRET: OIDC_TEST_CLIENT.secret,
    MESHLENS_OIDC_SCOPES: "openid profile groups",
    MESHLENS_OIDC_ROLE_MAP: OIDC_TEST_ROLE_MAP,
  });
});
beforeEach(emptyDatabase);
afterAll(async () => {
  await provider.stop();
  await disconnectDb();
});

const none = {} as never;

/** A tiny cookie jar for the provider's own cookies, as a browser would keep them. */
class Jar {
  private cookies = new Map<string, string>();
  take(response: Response) {
    for (const line of response.headers.getSetCookie()) {
      const [pair] = line.split(";");
      const at = pair!.indexOf("=");
      this.cookies.set(pair!.slice(0, at), pair!.slice(at + 1));
    }
  }
  get header() {
    return [...this.cookies].map(([k, v]) => `${k}=${v}`).join("; ");
  }
  value(name: string) {
    return this.cookies.get(name);
  }
}

/** Signs `user` in at the provider, from the app's start URL to the app's callback URL. */
async function signInAtProvider(user: string, next = "/snapshots/abc") {
  const app = new Jar();
  const started = await start(new Request(`${APP}/api/auth/oidc?next=${encodeURIComponent(next)}`), none);
  expect(started.status).toBe(303);
  app.take(started);
  const authorize = new URL(started.headers.get("location")!);
  expect(authorize.origin).toBe(provider.issuer);
  // PKCE, state and nonce are all on the request.
  expect(authorize.searchParams.get("code_challenge_method")).toBe("S256");
  expect(authorize.searchParams.get("state")).toBeTruthy();
  expect(authorize.searchParams.get("nonce")).toBeTruthy();

  const idp = new Jar();
  let response = await fetch(authorize, { redirect: "manual" });
  idp.take(response);
  const loginUrl = new URL(response.headers.get("location")!, provider.issuer);
  response = await fetch(loginUrl, { method: "POST", redirect: "manual", headers: { cookie: idp.header, "content-type": "application/x-www-form-urlencoded" }, body: `login=${user}` });
  idp.take(response);
  // The provider resumes the authorization and sends the browser back to the app.
  let location = new URL(response.headers.get("location")!, provider.issuer);
  while (location.origin === provider.issuer) {
    response = await fetch(location, { redirect: "manual", headers: { cookie: idp.header } });
    idp.take(response);
    location = new URL(response.headers.get("location")!, provider.issuer);
  }
  expect(location.pathname).toBe("/api/auth/callback");
  return { callbackUrl: location, appCookies: app };
}

describe("OpenID Connect sign-in", () => {
  it("signs a user in with the role their groups map to, and returns to the page they asked for", async () => {
    const { callbackUrl, appCookies } = await signInAtProvider("bob");
    const response = await callback(new Request(callbackUrl, { headers: { cookie: appCookies.header } }), none);
    expect(response.status).toBe(303);
    expect(response.headers.get("location")).toBe("/snapshots/abc");
    const jar = new Jar();
    jar.take(response);
    const token = jar.value("meshlens_session")!;
    expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/); // 256 bits, base64url
    expect(response.headers.getSetCookie().find((c) => c.startsWith("meshlens_session="))).toMatch(/HttpOnly/i);
    // bob is in "sre", which OIDC_TEST_ROLE_MAP maps to editor; the name comes from userinfo's claims.
    expect(await sessionPrincipal(token)).toMatchObject({ kind: "user", name: "Bob Editor", role: "editor" });
    const user = await prisma.user.findFirstOrThrow({ where: { provider: "oidc", subject: "bob" } });
    expect(user.role).toBe("editor");
    // Only the token's hash is stored.
    expect(await prisma.session.count({ where: { id: token } })).toBe(0);
    expect(await prisma.session.count({ where: { userId: user.id } })).toBe(1);
  });

  it("gives users without a mapped group the default role (viewer)", async () => {
    const { callbackUrl, appCookies } = await signInAtProvider("carol");
    const response = await callback(new Request(callbackUrl, { headers: { cookie: appCookies.header } }), none);
    const jar = new Jar();
    jar.take(response);
    expect(await sessionPrincipal(jar.value("meshlens_session")!)).toMatchObject({ name: "Carol Viewer", role: "viewer" });
  });

  it("refuses a callback whose state is not this browser's, or without the flow cookie", async () => {
    const { callbackUrl, appCookies } = await signInAtProvider("alice");
    const forged = new URL(callbackUrl);
    forged.searchParams.set("state", "not-the-state-we-sent");
    const wrongState = await callback(new Request(forged, { headers: { cookie: appCookies.header } }), none);
    expect(wrongState.headers.get("location")).toBe("/login?error=oidc");
    const noCookie = await callback(new Request(callbackUrl), none);
    expect(noCookie.headers.get("location")).toBe("/login?error=oidc");
    expect(await prisma.session.count()).toBe(0);
  });
});
