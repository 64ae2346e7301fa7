/**
 * The viewers figure of `npm run bench`: the production server (`next start` on 127.0.0.1, a
 * free port) on the bench database, and 50 concurrent viewers (autocannon, 10 s) loading the demo
 * snapshot's page with a viewer's session: every request goes through the proxy's session check
 * and a full server render. Builds the app first when there is no current build.
 */
import autocannon from "autocannon";
import { seedDemo } from "@/lib/server/demo";
import { freePort } from "@/lib/server/testing/free-port";
import { buildApp, hasCurrentBuild, startApp } from "../lib/app-server";
import { benchViewerSession } from "./session";

type Figure = (name: string, value: number, unit: string, target: string) => void;

const CONNECTIONS = 50;
const SECONDS = 10;

export async function viewersFigures(figure: Figure, databaseUrl: string): Promise<void> {
  if (!hasCurrentBuild()) buildApp();
  const { id } = await seedDemo();
  const session = await benchViewerSession();
  const port = await freePort();
  const app = await startApp({ host: "127.0.0.1", port, database: { url: databaseUrl, embedded: false, stop: async () => {} } });
  try {
    const url = `http://127.0.0.1:${port}/snapshots/${id}`;
    const headers = { cookie: session.header };
    const first = await fetch(url, { headers, redirect: "manual" });
    if (first.status !== 200) throw new Error(`The snapshot page answered ${first.status}, not 200: the bench cannot sign in.`);
    await autocannon({ url, headers, connections: 10, duration: 2 }); // warm-up: JIT, caches
    const result = await autocannon({ url, headers, connections: CONNECTIONS, duration: SECONDS });
    figure(`snapshot-page-${CONNECTIONS}-viewers-p99`, result.latency.p99, "ms", "<= 500 ms");
    figure(`snapshot-page-${CONNECTIONS}-viewers-errors`, result.errors + result.timeouts + result.non2xx, "", "<= 0");
    console.log(`  (${result.requests.total} pages in ${SECONDS} s, ${result.requests.average} per second, median ${result.latency.p50} ms)`);
    // For scale: the smallest page the server renders (proxy, layout, a form), same load.
    const floor = await autocannon({ url: `http://127.0.0.1:${port}/login`, headers, connections: CONNECTIONS, duration: 5 });
    console.log(`  (for scale, /login under the same load: p99 ${floor.latency.p99} ms, ${floor.requests.average} per second)`);
  } finally {
    const exited = new Promise((resolve) => app.once("exit", resolve));
    app.kill("SIGTERM");
    await exited;
  }
}
