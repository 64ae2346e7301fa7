/**
 * `npm start` (and `npm run dev` with --dev): the database (embedded unless DATABASE_URL is set,
 * migrations applied), a production build when there is none or the sources changed since, and
 * the server on 127.0.0.1:3000 (HOST/PORT to change).
 */
import { buildApp, hasCurrentBuild, log, openDatabase, serverAddress, startApp, stopTogether } from "./lib/app-server";

const dev = process.argv.includes("--dev");
const database = await openDatabase();
try {
  if (!dev && !hasCurrentBuild()) buildApp(); // none yet, or the sources changed since
  const { host, port } = serverAddress();
  const app = await startApp({ host, port, dev, database });
  stopTogether(app, database);
  log(`Meshlens is running at http://${host}:${port}  (Ctrl-C to stop)`);
  const signIn = (process.env.MESHLENS_OIDC_ISSUER && process.env.MESHLENS_OIDC_CLIENT_ID) || process.env.MESHLENS_ADMIN_USER;
  if (!signIn && process.env.MESHLENS_DEMO !== "true") {
    log("No sign-in is configured, so nobody can open the dashboard: set MESHLENS_ADMIN_USER and MESHLENS_ADMIN_PASSWORD, or MESHLENS_OIDC_ISSUER and MESHLENS_OIDC_CLIENT_ID (README: Sign-in and access). `npm run demo` signs visitors in as a viewer.");
  }
} catch (error) {
  await database.stop();
  throw error;
}
