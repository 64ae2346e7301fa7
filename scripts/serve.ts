/**
 * `npm start` (and `npm run dev` with --dev): the database (embedded unless DATABASE_URL is set,
 * migrations applied), a production build if there is none, and the server on 127.0.0.1:3000
 * (HOST/PORT to change).
 */
import { buildApp, hasBuild, log, openDatabase, serverAddress, startApp, stopTogether } from "./lib/app-server";

const dev = process.argv.includes("--dev");
const database = await openDatabase();
try {
  if (!dev && !hasBuild()) buildApp();
  const { host, port } = serverAddress();
  const app = await startApp({ host, port, dev, database });
  stopTogether(app, database);
  log(`Meshlens is running at http://${host}:${port}  (Ctrl-C to stop)`);
} catch (error) {
  await database.stop();
  throw error;
}
