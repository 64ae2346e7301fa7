/**
 * `npm run demo`: from a fresh clone, the dashboard with the demo snapshot on
 * http://127.0.0.1:3000 (embedded PostgreSQL unless DATABASE_URL is set).
 */
import { connectDb } from "@/lib/server/db/client";
import { seedDemo } from "@/lib/server/demo";
import { buildApp, log, openDatabase, serverAddress, startApp, stopTogether } from "./lib/app-server";

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
  log("Ctrl-C to stop.");
} catch (error) {
  await database.stop();
  throw error;
}
