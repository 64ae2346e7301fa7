/**
 * `npm run demo`: from a fresh clone, the dashboard with the demo snapshot on
 * http://127.0.0.1:3000 (embedded PostgreSQL unless DATABASE_URL is set). Visitors are signed in
 * as a demo viewer; the admin's credentials are printed for whoever runs it.
 */
import { connectDb } from "@/lib/server/db/client";
import { seedDemo } from "@/lib/server/demo";
import { buildApp, log, openDatabase, serverAddress, startApp, stopTogether } from "./lib/app-server";
import { configureDemoSignIn } from "./lib/demo-admin";

const admin = configureDemoSignIn();
const database = await openDatabase();
try {
  connectDb(database.url);
  const demo = await seedDemo();
  log(demo.created ? `Stored the demo snapshot ${demo.id}` : `The demo snapshot is already stored (${demo.id})`);
  buildApp();
  const { host, port } = serverAddress();
  const app = await startApp({ host, port, database });
  stopTogether(app, database);
  log(`Meshlens is running at http://${host}:${port}`);
  log(`The demo snapshot: http://${host}:${port}/snapshots/${demo.id}`);
  log(`Visitors browse as a demo viewer. Sign in as admin at http://${host}:${port}/login with user "${admin.user}", password "${admin.password}".`);
  log("Ctrl-C to stop.");
} catch (error) {
  await database.stop();
  throw error;
}
