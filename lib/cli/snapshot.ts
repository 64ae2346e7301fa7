import { readFile } from "node:fs/promises";
import { Command } from "commander";
import { parseDuration } from "@/lib/domain/duration";
import { AppError } from "@/lib/domain/errors";
import { env, maxUploadBytes } from "@/lib/env";
import { captureSnapshot, type CaptureProgress, type CaptureResult, type TelemetryOptions, type TopologySource } from "@/lib/server/capture/capture";
import { parseInstant } from "@/lib/server/capture/server-config";
import { collectManifestFiles } from "@/lib/server/manifest-files";
import { withDatabase } from "./database";

interface SnapshotOptions {
  kubeconfig?: string;
  context?: string;
  namespace?: string[];
  manifests?: string[];
  prometheus?: string;
  window: string;
  until?: string;
  prometheusToken?: string;
  prometheusUser?: string;
  prometheusCa?: string;
  prometheusLabel?: string[];
  prometheusTimeout: string;
  name?: string;
  cluster?: string;
  json?: boolean;
}

const collect = (value: string, previous: string[] = []) => [...previous, value];

export function snapshotCommand(): Command {
  return new Command("snapshot")
    .description("Capture a snapshot from the cluster (or manifest files) with optional Istio telemetry from Prometheus, and store it")
    .option("--kubeconfig <file>", "kubeconfig to use (default: $KUBECONFIG, ~/.kube/config, or the in-cluster service account)")
    .option("--context <context>", "kubeconfig context (default: the current one)")
    .option("--namespace <namespace>", "only this namespace (repeat for several)", collect)
    .option("--manifests <path>", "read these files or directories instead of the cluster (repeat for several)", collect)
    .option("--prometheus <url>", "Prometheus with Istio's standard metrics (default: none, topology only)")
    .option("--window <duration>", "telemetry window, e.g. 15m, 1h, 1d", "1h")
    .option("--until <time>", "end of the telemetry window, ISO 8601 (default: now), e.g. the start of an incident")
    .option("--prometheus-token <token>", "bearer token for Prometheus (or $MESHLENS_PROMETHEUS_TOKEN)")
    .option("--prometheus-user <user:password>", "basic auth for Prometheus (or $MESHLENS_PROMETHEUS_USER)")
    .option("--prometheus-ca <file>", "CA certificate (PEM) for Prometheus")
    .option("--prometheus-label <name=value>", 'extra label matcher on every query, e.g. cluster=prod (repeat for several)', collect)
    .option("--prometheus-timeout <duration>", "timeout of each Prometheus query", "30s")
    .option("--name <name>", "snapshot name (default: the context or first file, and the time)")
    .option("--cluster <cluster>", "cluster name (default: the context name)")
    .option("--json", "print the summary and the snapshot id as one JSON object")
    .action(async (options: SnapshotOptions) => {
      const topology = await topologyFrom(options);
      const telemetry = options.prometheus ? await telemetryFrom(options) : undefined;
      const progress = progressPrinter();
      const result = await withDatabase(() =>
        captureSnapshot({ name: options.name, cluster: options.cluster, topology, telemetry, onProgress: progress.update }),
      ).finally(progress.done);
      const url = `${env().MESHLENS_PUBLIC_URL}/snapshots/${result.snapshot.id}`;
      if (options.json) {
        console.log(JSON.stringify({ id: result.snapshot.id, url, summary: result.summary, coverageGaps: result.coverageGaps, unmatched: result.unmatched }, null, 2));
        return;
      }
      printSummary(result);
      console.log(result.snapshot.id);
      console.log(url);
    });
}

async function topologyFrom(options: SnapshotOptions): Promise<TopologySource> {
  if (options.manifests?.length) {
    if (options.kubeconfig || options.context || options.namespace?.length) {
      throw new AppError("bad_request", "--manifests reads files: it cannot be combined with --kubeconfig, --context or --namespace.");
    }
    return { kind: "files", files: await collectManifestFiles(options.manifests, { maxBytes: maxUploadBytes() }), maxBytes: maxUploadBytes() };
  }
  return { kind: "cluster", kubeconfigPath: options.kubeconfig, context: options.context, namespaces: options.namespace };
}

async function telemetryFrom(options: SnapshotOptions): Promise<TelemetryOptions> {
  const token = options.prometheusToken ?? process.env.MESHLENS_PROMETHEUS_TOKEN;
  const user = options.prometheusUser ?? process.env.MESHLENS_PROMETHEUS_USER;
  let auth: TelemetryOptions["auth"];
  if (token) auth = { bearerToken: token };
  else if (user) {
    const at = user.indexOf(":");
    if (at < 1) throw new AppError("bad_request", "--prometheus-user: write user:password.");
    auth = { username: user.slice(0, at), password: user.slice(at + 1) };
  }
  const extraLabels: Record<string, string> = {};
  for (const pair of options.prometheusLabel ?? []) {
    const at = pair.indexOf("=");
    if (at < 1) throw new AppError("bad_request", `--prometheus-label: ${JSON.stringify(pair)} is not name=value.`);
    extraLabels[pair.slice(0, at)] = pair.slice(at + 1);
  }
  let caPem: string | undefined;
  if (options.prometheusCa) {
    caPem = await readFile(options.prometheusCa, "utf8").catch((error: NodeJS.ErrnoException) => {
      throw new AppError("bad_request", `--prometheus-ca: cannot read ${options.prometheusCa}: ${error.code ?? error.message}`);
    });
  }
  return {
    url: options.prometheus!,
    windowSeconds: parseDuration(options.window, "--window"),
    until: options.until ? parseInstant(options.until, "--until") : undefined,
    auth,
    caPem,
    extraLabels,
    timeoutMs: parseDuration(options.prometheusTimeout, "--prometheus-timeout") * 1000,
  };
}

/** Progress on stderr: one line rewritten in place on a terminal, one line per step otherwise. */
function progressPrinter() {
  const tty = process.stderr.isTTY === true;
  let shown = false;
  return {
    update(progress: CaptureProgress) {
      const line = `${progress.phase}: ${progress.message}`;
      if (tty) {
        process.stderr.write(`\r\x1b[2K${line.slice(0, (process.stderr.columns ?? 100) - 1)}`);
        shown = true;
      } else {
        process.stderr.write(`${line}\n`);
      }
    },
    done() {
      if (shown) process.stderr.write("\r\x1b[2K");
    },
  };
}

function printSummary(result: CaptureResult) {
  const s = result.summary;
  for (const w of result.warnings) console.error(`warning: ${w.file}, document ${w.document}: ${w.message}`);
  for (const gap of result.coverageGaps) console.error(`coverage gap: ${gap.resource}${gap.namespace ? ` in ${gap.namespace}` : ""}: ${gap.reason}`);
  if (result.unmatched.length) console.error(`telemetry names workloads not in the topology: ${result.unmatched.join(", ")}`);
  const policies = Object.entries(s.policies).map(([kind, n]) => `${n} ${kind}`).join(", ") || "none";
  const telemetry = s.telemetry === "captured" ? `${s.edges} observed edges, ${s.externalNodes} external nodes` : s.telemetry === "failed" ? `no telemetry (${s.telemetryReason})` : "no telemetry requested";
  console.error(
    `Stored ${JSON.stringify(result.snapshot.name)}: ${s.namespaces} namespaces, ${s.workloads} workloads, ${s.services} services; ` +
      `policies: ${policies}; ${telemetry}; ${s.coverageGaps} coverage gaps.`,
  );
}
