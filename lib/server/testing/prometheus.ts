/**
 * For integration tests: a real Prometheus (Debian's `prometheus` package, 2.42) serving
 * backfilled, deterministic data on a loopback port.
 *
 * The data is written as OpenMetrics text and turned into TSDB blocks with
 * `promtool tsdb create-blocks-from openmetrics`; Prometheus then starts on that data directory
 * with no scrape targets, so nothing but the test's points is ever stored. Put the points at a
 * fixed time in the past and query with an explicit window: backfilled blocks may lie anywhere
 * before the (empty) head, and `--storage.tsdb.retention.time=100y` keeps old blocks from being
 * deleted as beyond retention.
 */
import { execFile, spawn, type ChildProcess } from "node:child_process";
import { access, constants, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { delimiter, join } from "node:path";
import { freePort } from "./free-port";

export interface RunningPrometheus {
  /** `http://127.0.0.1:<port>` */
  url: string;
  stop(): Promise<void>;
}

/** The Istio counters the telemetry capture reads. */
export type IstioCounter = "istio_requests_total" | "istio_tcp_sent_bytes_total" | "istio_tcp_received_bytes_total" | "istio_tcp_connections_opened_total";

export interface IstioSeries {
  metric: IstioCounter;
  labels: Record<string, string>;
  points: [unixSeconds: number, value: number][];
}

const READY_TIMEOUT_MS = 20_000;
const STDERR_TAIL = 4_000;
const CONFIG = "# No scrape targets: the only data is what was backfilled.\nglobal: {}\nscrape_configs: []\n";

/** Backfills `openMetrics` and starts Prometheus on it, on 127.0.0.1 and a free port. */
export async function startPrometheus(options: { openMetrics: string }): Promise<RunningPrometheus> {
  const [prometheus, promtool] = await Promise.all([findBinary("prometheus"), findBinary("promtool")]);
  const dir = await mkdtemp(join(tmpdir(), "meshlens-prometheus-"));
  try {
    const dataDir = join(dir, "data");
    await writeFile(join(dir, "data.om"), options.openMetrics);
    await writeFile(join(dir, "prometheus.yml"), CONFIG);
    await run(promtool, ["tsdb", "create-blocks-from", "openmetrics", join(dir, "data.om"), dataDir]);
    const server = await launch(prometheus, { configFile: join(dir, "prometheus.yml"), dataDir });
    return {
      url: server.url,
      async stop() {
        await stopProcess(server.child);
        await rm(dir, { recursive: true, force: true });
      },
    };
  } catch (error) {
    await rm(dir, { recursive: true, force: true });
    throw error;
  }
}

/**
 * OpenMetrics text for Istio counters. OpenMetrics names a counter family without `_total` in
 * its `# TYPE` line and its samples with it; a family's samples must be contiguous, each series'
 * timestamps (in seconds) increasing; the text ends with `# EOF`.
 */
export function istioOpenMetrics(series: readonly IstioSeries[]): string {
  const families = new Map<string, IstioSeries[]>();
  for (const s of series) {
    const family = s.metric.replace(/_total$/, "");
    families.set(family, [...(families.get(family) ?? []), s]);
  }
  const lines: string[] = [];
  for (const [family, members] of [...families].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    lines.push(`# TYPE ${family} counter`);
    for (const s of members) {
      const labels = openMetricsLabels(s.labels);
      const points = [...s.points].sort(([a], [b]) => a - b);
      for (const [time, value] of points) lines.push(`${s.metric}${labels} ${value} ${time}`);
    }
  }
  lines.push("# EOF");
  return `${lines.join("\n")}\n`;
}

function openMetricsLabels(labels: Record<string, string>): string {
  const names = Object.keys(labels).sort();
  if (names.length === 0) return "";
  const pairs = names.map((name) => {
    if (!/^[a-zA-Z_][a-zA-Z0-9_]*$/.test(name)) throw new Error(`${JSON.stringify(name)} is not a label name`);
    const value = labels[name]!.replace(/\\/g, "\\\\").replace(/"/g, '\\"').replace(/\n/g, "\\n");
    return `${name}="${value}"`;
  });
  return `{${pairs.join(",")}}`;
}

// ---------------------------------------------------------------------------------------------

async function findBinary(name: string): Promise<string> {
  const dirs = (process.env.PATH ?? "").split(delimiter).filter(Boolean);
  for (const dir of [...dirs, "/usr/bin"]) {
    const path = join(dir, name);
    try {
      await access(path, constants.X_OK);
      return path;
    } catch {
      // not here
    }
  }
  throw new Error(`${name} was not found on PATH: the Prometheus integration tests need it (apt-get install prometheus)`);
}

function run(file: string, args: string[]): Promise<void> {
  return new Promise((resolve, reject) => {
    execFile(file, args, { timeout: 60_000 }, (error, _stdout, stderr) => {
      if (error) reject(new Error(`${file} ${args.join(" ")} failed: ${error.message}\n${tail(stderr)}`));
      else resolve();
    });
  });
}

/** Starts Prometheus, retrying on another port if the free one was taken in between. */
async function launch(binary: string, paths: { configFile: string; dataDir: string }): Promise<{ url: string; child: ChildProcess }> {
  for (let attempt = 1; ; attempt++) {
    const port = await freePort();
    const child = spawn(
      binary,
      [
        `--config.file=${paths.configFile}`,
        `--storage.tsdb.path=${paths.dataDir}`,
        `--web.listen-address=127.0.0.1:${port}`,
        // Retention counts back from the newest block: keep every backfilled block.
        "--storage.tsdb.retention.time=100y",
        "--log.level=warn",
      ],
      { stdio: ["ignore", "ignore", "pipe"] },
    );
    let stderr = "";
    child.stderr!.setEncoding("utf8").on("data", (text: string) => (stderr = (stderr + text).slice(-STDERR_TAIL)));
    const url = `http://127.0.0.1:${port}`;
    try {
      await waitUntilReady(url, child);
      return { url, child };
    } catch (error) {
      await stopProcess(child);
      if (attempt < 3 && stderr.includes("address already in use")) continue;
      throw new Error(`${(error as Error).message}; prometheus stderr:\n${stderr}`);
    }
  }
}

/** Polls `/-/ready` until it answers 200, the process exits, or 20 s pass. */
async function waitUntilReady(url: string, child: ChildProcess): Promise<void> {
  const exited = new Promise<string>((resolve) => child.once("exit", (code, signal) => resolve(`prometheus exited (${signal ?? `code ${code}`})`)));
  const deadline = Date.now() + READY_TIMEOUT_MS;
  while (Date.now() < deadline) {
    if (child.exitCode !== null || child.signalCode !== null) throw new Error(await exited);
    try {
      const response = await fetch(`${url}/-/ready`, { signal: AbortSignal.timeout(1_000) });
      await response.body?.cancel();
      if (response.status === 200) return;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`prometheus at ${url} was not ready within ${READY_TIMEOUT_MS / 1000} s`);
}

/** SIGTERM, then SIGKILL if it has not exited after 5 s. */
async function stopProcess(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  child.kill("SIGTERM");
  const timer = setTimeout(() => child.kill("SIGKILL"), 5_000);
  await exited;
  clearTimeout(timer);
}


function tail(text: string): string {
  return text.length > STDERR_TAIL ? text.slice(-STDERR_TAIL) : text;
}
