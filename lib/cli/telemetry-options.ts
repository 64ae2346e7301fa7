import { readFile } from "node:fs/promises";
import type { Command } from "commander";
import { parseDuration } from "@/lib/domain/duration";
import { AppError } from "@/lib/domain/errors";
import type { TelemetryOptions } from "@/lib/server/capture/capture";
import { parseBasicAuth, parseInstant, parseLabel } from "@/lib/server/capture/server-config";

/** The Prometheus options of `snapshot`, `analyze` and `recommend`. */
export interface TelemetryCliOptions {
  prometheus?: string;
  window: string;
  until?: string;
  prometheusToken?: string;
  prometheusUser?: string;
  prometheusCa?: string;
  prometheusLabel?: string[];
  prometheusTimeout: string;
}

/** For options that may be given several times. */
export const repeatable = (value: string, previous: string[] = []) => [...previous, value];

export function withTelemetryOptions(command: Command): Command {
  return command
    .option("--prometheus <url>", "Prometheus with Istio's standard metrics (default: none, topology only)")
    .option("--window <duration>", "telemetry window, e.g. 15m, 1h, 1d", "1h")
    .option("--until <time>", "end of the telemetry window, ISO 8601 (default: now), e.g. the start of an incident")
    .option("--prometheus-token <token>", "bearer token for Prometheus (or $MESHLENS_PROMETHEUS_TOKEN)")
    .option("--prometheus-user <user:password>", "basic auth for Prometheus (or $MESHLENS_PROMETHEUS_USER)")
    .option("--prometheus-ca <file>", "CA certificate (PEM) for Prometheus")
    .option("--prometheus-label <name=value>", "extra label matcher on every query, e.g. cluster=prod (repeat for several)", repeatable)
    .option("--prometheus-timeout <duration>", "timeout of each Prometheus query", "30s");
}

/** The telemetry to capture, or undefined without --prometheus. */
export async function telemetryFrom(options: TelemetryCliOptions): Promise<TelemetryOptions | undefined> {
  if (!options.prometheus) return undefined;
  const token = options.prometheusToken ?? process.env.MESHLENS_PROMETHEUS_TOKEN;
  const user = options.prometheusUser ?? process.env.MESHLENS_PROMETHEUS_USER;
  const auth: TelemetryOptions["auth"] = token ? { bearerToken: token } : user ? parseBasicAuth(user, "--prometheus-user") : undefined;
  const extraLabels = Object.fromEntries((options.prometheusLabel ?? []).map((pair) => parseLabel(pair, "--prometheus-label")));
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

