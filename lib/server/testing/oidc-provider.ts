/**
 * A real OpenID Connect provider on 127.0.0.1 for the tests (npm oidc-provider), with test users
 * and a `groups` claim (released with the `groups` scope, through userinfo). Its login page is a
 * minimal form: type a user name, press "Sign in" (no password: it is a test provider).
 */
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import Provider from "oidc-provider";
import { OIDC_TEST_CLIENT, OIDC_TEST_USERS } from "./oidc-test-users";

export { OIDC_TEST_CLIENT, OIDC_TEST_ROLE_MAP, OIDC_TEST_USERS } from "./oidc-test-users";

export interface TestOidcProvider {
  issuer: string;
  stop(): Promise<void>;
}

const escapeHtml = (text: string) => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

function loginPage(uid: string, error?: string): string {
  return `<!doctype html><html lang="en"><head><title>Test identity provider</title></head><body>
<h1>Test identity provider</h1>${error ? `<p role="alert">${escapeHtml(error)}</p>` : ""}
<form method="post" action="/interaction/${escapeHtml(uid)}">
<label>User name <input name="login" autofocus></label>
<button type="submit">Sign in</button></form></body></html>`;
}

async function readForm(request: IncomingMessage): Promise<URLSearchParams> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return new URLSearchParams(Buffer.concat(chunks).toString("utf8"));
}

/** Starts the provider; `redirectUris` are the app's callback URLs. */
export async function startOidcProvider(options: { redirectUris: string[]; port?: number }): Promise<TestOidcProvider> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(options.port ?? 0, "127.0.0.1", resolve));
  const issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const provider = new Provider(issuer, {
    clients: [
      {
        client_id: OIDC_TEST_CLIENT.id,
        client_secret: OIDC_TEST_CLIENT.secret,
        redirect_uris: options.redirectUris,
        grant_types: ["authorization_code"],
        response_types: ["code"],
      },
    ],
    scopes: ["openid", "profile", "email", "groups"],
    claims: { openid: ["sub"], profile: ["name", "preferred_username"], groups: ["groups"] },
    findAccount: async (_ctx: unknown, id: string) => {
      const user = OIDC_TEST_USERS[id];
      return user && { accountId: id, claims: async () => ({ sub: id, name: user.name, preferred_username: id, groups: user.groups }) };
    },
    interactions: { url: (_ctx: unknown, interaction: { uid: string }) => `/interaction/${interaction.uid}` },
    features: { devInteractions: { enabled: false } },
    pkce: { required: () => true },
    cookies: { keys: ["meshlens-test-provider-cookie-key"] },
    ttl: { Interaction: 600, Session: 3600, Grant: 3600, AuthorizationCode: 60, AccessToken: 600, IdToken: 600 },
  });
  const callback = provider.callback();

  const interaction = async (request: IncomingMessage, response: ServerResponse, uid: string) => {
    if (request.method === "GET") {
      await provider.interactionDetails(request, response);
      response.writeHead(200, { "content-type": "text/html; charset=utf-8" }).end(loginPage(uid));
      return;
    }
    const details = await provider.interactionDetails(request, response);
    const login = (await readForm(request)).get("login") ?? "";
    if (!OIDC_TEST_USERS[login]) {
      response.writeHead(200, { "content-type": "text/html; charset=utf-8" }).end(loginPage(uid, `No test user ${login}.`));
      return;
    }
    const grant = new provider.Grant({ accountId: login, clientId: details.params.client_id! });
    grant.addOIDCScope(details.params.scope ?? "openid");
    const grantId = await grant.save();
    await provider.interactionFinished(request, response, { login: { accountId: login }, consent: { grantId } }, { mergeWithLastSubmission: false });
  };

  server.on("request", (request: IncomingMessage, response: ServerResponse) => {
    const uid = /^\/interaction\/([^/?]+)$/.exec(request.url?.split("?")[0] ?? "")?.[1];
    if (!uid) return callback(request, response);
    interaction(request, response, uid).catch((error: unknown) => {
      response.writeHead(400, { "content-type": "text/plain" }).end(`Interaction failed: ${error instanceof Error ? error.message : String(error)}`);
    });
  });
  return { issuer, stop: () => new Promise((resolve) => server.close(() => resolve())) };
}
