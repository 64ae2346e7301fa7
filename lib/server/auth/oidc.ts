import "server-only";
/**
 * Sign-in with OpenID Connect (openid-client): authorization code flow with PKCE, state and
 * nonce. The flow's secrets wait in a short-lived HTTP-only cookie scoped to the callback; the
 * user's role comes from the groups claim (ID token, else userinfo) through MESHLENS_OIDC_ROLE_MAP.
 */
import * as oidc from "openid-client";
import { z } from "zod";
import { roleFromGroups, type Role } from "@/lib/domain/auth/roles";
import { env } from "@/lib/env";

export const OIDC_FLOW_COOKIE = "meshlens_oidc";
export const CALLBACK_PATH = "/api/auth/callback";

/** Whether OIDC sign-in is configured. */
export const oidcEnabled = () => Boolean(env().MESHLENS_OIDC_ISSUER && env().MESHLENS_OIDC_CLIENT_ID);

let discovered: Promise<oidc.Configuration> | undefined;

/** The provider's configuration, discovered once per process (again after a failure). */
function configuration(): Promise<oidc.Configuration> {
  const e = env();
  if (!e.MESHLENS_OIDC_ISSUER || !e.MESHLENS_OIDC_CLIENT_ID) throw new Error("OpenID Connect is not configured (MESHLENS_OIDC_ISSUER, MESHLENS_OIDC_CLIENT_ID).");
  const issuer = new URL(e.MESHLENS_OIDC_ISSUER);
  // Plain http only for a provider on this machine (tests, development).
  const local = issuer.protocol === "http:" && ["127.0.0.1", "localhost", "[::1]"].includes(issuer.hostname);
  discovered ??= oidc
    .discovery(issuer, e.MESHLENS_OIDC_CLIENT_ID, e.MESHLENS_OIDC_CLIENT_SECRET, undefined, local ? { execute: [oidc.allowInsecureRequests] } : undefined)
    .catch((error: unknown) => {
      discovered = undefined;
      throw error;
    });
  return discovered;
}

const redirectUri = () => new URL(CALLBACK_PATH, env().MESHLENS_PUBLIC_URL).href;

const Flow = z.object({ state: z.string(), nonce: z.string(), verifier: z.string(), next: z.string() });
export type OidcFlow = z.infer<typeof Flow>;

/** Where to send the browser, and the flow cookie's value. */
export async function startOidcSignIn(next: string): Promise<{ url: URL; flowCookie: string }> {
  const config = await configuration();
  const flow: OidcFlow = { state: oidc.randomState(), nonce: oidc.randomNonce(), verifier: oidc.randomPKCECodeVerifier(), next };
  const url = oidc.buildAuthorizationUrl(config, {
    redirect_uri: redirectUri(),
    scope: env().MESHLENS_OIDC_SCOPES,
    code_challenge: await oidc.calculatePKCECodeChallenge(flow.verifier),
    code_challenge_method: "S256",
    state: flow.state,
    nonce: flow.nonce,
  });
  return { url, flowCookie: Buffer.from(JSON.stringify(flow)).toString("base64url") };
}

export interface OidcUser {
  subject: string;
  name: string;
  /** null: no mapped group and MESHLENS_OIDC_DEFAULT_ROLE=none. */
  role: Role | null;
  next: string;
}

/** Finishes the flow on the callback: checks state, nonce and PKCE, and reads who signed in. */
export async function finishOidcSignIn(callbackSearch: string, flowCookie: string | undefined): Promise<OidcUser> {
  if (!flowCookie) throw new Error("no sign-in in progress in this browser (the flow cookie is missing or expired)");
  const flow = Flow.parse(JSON.parse(Buffer.from(flowCookie, "base64url").toString("utf8")));
  const config = await configuration();
  const callbackUrl = new URL(redirectUri());
  callbackUrl.search = callbackSearch;
  const tokens = await oidc.authorizationCodeGrant(config, callbackUrl, {
    pkceCodeVerifier: flow.verifier,
    expectedState: flow.state,
    expectedNonce: flow.nonce,
    idTokenExpected: true,
  });
  const claims = tokens.claims()!;
  const e = env();
  let source: Record<string, unknown> = claims;
  if (!(e.MESHLENS_OIDC_ROLES_CLAIM in claims) && tokens.access_token) {
    source = { ...(await oidc.fetchUserInfo(config, tokens.access_token, claims.sub)), ...claims };
  }
  const raw = source[e.MESHLENS_OIDC_ROLES_CLAIM];
  const groups = Array.isArray(raw) ? raw.filter((g): g is string => typeof g === "string") : typeof raw === "string" ? [raw] : [];
  const name = [source.name, source.preferred_username, source.email, claims.sub].find((v): v is string => typeof v === "string" && v !== "")!;
  return { subject: claims.sub, name: name.slice(0, 200), role: roleFromGroups(groups, e.MESHLENS_OIDC_ROLE_MAP, e.MESHLENS_OIDC_DEFAULT_ROLE), next: flow.next };
}
