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
    // An incident review: 50 people open the link at the same moment; each browser loads the page,
    // then the rows and the graph it asks for (static assets come from its cache or the CDN).
    const opened = await Promise.all(Array.from({ length: CONNECTIONS }, () => openAsBrowser(url, id, headers)));
    const slowest = Math.max(...opened);
    console.log(`  (${CONNECTIONS} viewers opening it at once, page then its rows and graph: slowest ${slowest.toFixed(0)} ms, median ${opened.sort((a, b) => a - b)[CONNECTIONS / 2]!.toFixed(0)} ms)`);
    // For scale: the smallest page the server renders (proxy, layout, a form), same load.
    const floor = await autocannon({ url: `http://127.0.0.1:${port}/login`, headers, connections: CONNECTIONS, duration: 5 });
    console.log(`  (for scale, /login under the same load: p99 ${floor.latency.p99} ms, ${floor.requests.average} per second)`);
  } finally {
    const exited = new Promise((resolve) => app.once("exit", resolve));
    app.kill("SIGTERM");
    await exited;
  }
}

/** Milliseconds until one browser has the page and the data it fetches next. */
async function openAsBrowser(url: string, id: string, headers: Record<string, string>): Promise<number> {
  const t0 = performance.now();
  const get = async (path: string, accept?: string) => {
    const response = await fetch(path, { headers: { ...headers, ...(accept ? { accept } : {}) } });
    if (!response.ok) throw new Error(`${path} answered ${response.status}`);
    await response.arrayBuffer();
  };
  await get(url);
  const api = `${new URL(url).origin}/api/snapshots/${id}`;
  await Promise.all([get(`${api}/view`, "application/gzip"), get(`${api}/graph`, "application/gzip")]);
  return performance.now() - t0;
}
