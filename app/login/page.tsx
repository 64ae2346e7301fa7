import type { Metadata } from "next";
import { bootstrapAdmin } from "@/lib/server/auth/bootstrap-admin";
import { oidcEnabled } from "@/lib/server/auth/oidc";
import { currentPrincipal } from "@/lib/server/auth/principal";
import { safeNext } from "@/lib/server/auth/sign-in";

export const metadata: Metadata = { title: "Sign in" };
export const dynamic = "force-dynamic";

const MESSAGES: Record<string, string> = {
  invalid: "Wrong user name or password.",
  locked: "Too many failed attempts: wait 15 minutes and try again.",
  oidc: "Signing in with the identity provider failed. Try again; the server log has the reason.",
  refused: "Your account has no Meshlens role: ask an administrator to add you to a Meshlens group.",
};

type Props = { searchParams: Promise<{ error?: string; next?: string }> };

/** Sign-in: with the identity provider (OIDC) and/or the bootstrap admin's password. */
export default async function LoginPage({ searchParams }: Props) {
  const { error, next: rawNext } = await searchParams;
  const next = safeNext(rawNext);
  const principal = await currentPrincipal();
  const password = bootstrapAdmin() !== null;
  const oidc = oidcEnabled();
  const message = error ? (MESSAGES[error] ?? "Sign-in failed.") : null;
  return (
    <section className="panel login-panel" aria-labelledby="login-heading">
      <h1 id="login-heading">Sign in to Meshlens</h1>
      {principal?.kind === "user" && <p>You are signed in as {principal.name}; signing in again replaces that session.</p>}
      {message && (
        <p role="alert" className="alert alert-error">
          {message}
        </p>
      )}
      {oidc && (
        <p>
          <a className="button button-primary" href={`/api/auth/oidc?next=${encodeURIComponent(next)}`}>
            Sign in with your identity provider
          </a>
        </p>
      )}
      {password && (
        <form method="post" action="/api/auth/login" className="login-form">
          <input type="hidden" name="next" value={next} />
          <div className="field">
            <label htmlFor="login-username">User name</label>
            <input id="login-username" name="username" type="text" autoComplete="username" required />
          </div>
          <div className="field">
            <label htmlFor="login-password">Password</label>
            <input id="login-password" name="password" type="password" autoComplete="current-password" required />
          </div>
          <div className="actions">
            <button type="submit" className="button">
              Sign in
            </button>
          </div>
        </form>
      )}
      {!oidc && !password && (
        <p className="alert alert-warning">
          No sign-in is configured: set MESHLENS_OIDC_ISSUER and MESHLENS_OIDC_CLIENT_ID, or MESHLENS_ADMIN_USER and
          MESHLENS_ADMIN_PASSWORD (see the README).
        </p>
      )}
    </section>
  );
}
