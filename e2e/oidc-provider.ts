/**
 * For the end-to-end tests: the local OpenID Connect provider (lib/server/testing/oidc-provider.ts)
 * on 127.0.0.1:E2E_OIDC_PORT, accepting the e2e app's callback.
 */
import { startOidcProvider } from "@/lib/server/testing/oidc-provider";

const provider = await startOidcProvider({
  port: Number(process.env.E2E_OIDC_PORT),
  redirectUris: [`${process.env.E2E_APP_URL}/api/auth/callback`],
});
const stop = async () => {
  await provider.stop();
  process.exit(0);
};
process.on("SIGTERM", () => void stop());
process.on("SIGINT", () => void stop());
