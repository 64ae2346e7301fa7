import { startEmbeddedPostgres } from "../lib/server/db/embedded";
const db = await startEmbeddedPostgres({ dataDir: "/tmp/mlexit", port: 54398 });
if (process.argv[2] === "stop") await db.stop();
process.exitCode = 3;
