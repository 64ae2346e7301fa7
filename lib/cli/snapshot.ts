import { Command } from "commander";
import { AppError } from "@/lib/domain/errors";
import { env, maxUploadBytes } from "@/lib/env";
import { checkCredentials } from "@/lib/server/capture/kubernetes";
import { captureSnapshot, type CaptureProgress, type CaptureResult, type TopologySource } from "@/lib/server/capture/capture";
import { collectManifestFiles } from "@/lib/server/manifest-files";
import { withDatabase } from "./database";
import { repeatable, telemetryFrom, withTelemetryOptions, type TelemetryCliOptions } from "./telemetry-options";

interface SnapshotOptions extends TelemetryCliOptions {
  kubeconfig?: string;
  context?: string;
  namespace?: string[];
  manifests?: string[];
  name?: string;
  cluster?: string;
  json?: boolean;
}


export function snapshotCommand(): Command {
  return withTelemetryOptions(new Command("snapshot"))
    .description("Capture a snapshot from the cluster (or manifest files) with optional Istio telemetry from Prometheus, and store it")
    .option("--kubeconfig <file>", "kubeconfig to use (default: $KUBECONFIG, ~/.kube/config, or the in-cluster service account)")
    .option("--context <context>", "kubeconfig context (default: the current one)")
    .option("--namespace <namespace>", "only this namespace (repeat for several)", repeatable)
    .option("--manifests <path>", "read these files or directories instead of the cluster (repeat for several)", repeatable)
    .option("--name <name>", "snapshot name (default: the context or first file, and the time)")
    .option("--cluster <cluster>", "cluster name (default: the context name)")
    .option("--json", "print the summary and the snapshot id as one JSON object")
    .action(async (options: SnapshotOptions) => {
      const topology = await topologyFrom(options);
      const telemetry = await telemetryFrom(options);
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
  // Credentials are checked before the database starts: a wrong context fails at once.
  checkCredentials(options.kubeconfig, options.context);
  return { kind: "cluster", kubeconfigPath: options.kubeconfig, context: options.context, namespaces: options.namespace };
}

/** Progress on stderr: one line rewritten in place on a terminal, one line per step otherwise. */
export function progressPrinter() {
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
