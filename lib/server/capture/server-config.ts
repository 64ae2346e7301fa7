import "server-only";
/**
 * What the server captures when asked by the API, the UI or the schedule: the cluster its
 * kubeconfig (or pod service account) reaches, and the Prometheus of MESHLENS_PROMETHEUS_URL,
 * from the environment (see lib/env.ts). Requests may name another Prometheus, but the
 * configured credentials are only ever sent to the configured URL.
 */
import { readFile } from "node:fs/promises";
import { parseDuration } from "@/lib/domain/duration";
import { AppError } from "@/lib/domain/errors";
import { env } from "@/lib/env";
import type { TelemetryOptions, TopologySource } from "./capture";
import { redactUrl } from "./prometheus";

/** `name=value` as a label matcher. */
export function parseLabel(pair: string, what: string): [name: string, value: string] {
  const at = pair.indexOf("=");
  if (at < 1) throw new AppError("bad_request", `${what}: ${JSON.stringify(pair)} is not name=value.`);
  return [pair.slice(0, at).trim(), pair.slice(at + 1).trim()];
}

/** `a=b,c=d` into label matchers. */
export function parseLabelList(text: string, what: string): Record<string, string> {
  const pairs = text.split(",").map((p) => p.trim()).filter(Boolean);
  return Object.fromEntries(pairs.map((pair) => parseLabel(pair, what)));
}

/** `user:password` as basic auth (the password may contain colons). */
export function parseBasicAuth(text: string, what: string): { username: string; password: string } {
  const at = text.indexOf(":");
  if (at < 1) throw new AppError("bad_request", `${what}: write user:password.`);
  return { username: text.slice(0, at), password: text.slice(at + 1) };
}

/** An ISO 8601 time, e.g. `2026-11-20T09:00:00Z`. */
export function parseInstant(text: string, what: string): Date {
  const at = new Date(text);
  if (!/^\d{4}-\d{2}-\d{2}T/.test(text) || Number.isNaN(at.getTime())) {
    throw new AppError("bad_request", `${what}: ${JSON.stringify(text)} is not an ISO 8601 time such as 2026-11-20T09:00:00Z.`);
  }
  return at;
}

export function configuredCluster(namespaces?: string[]): TopologySource {
  const e = env();
  const fromEnv = e.MESHLENS_NAMESPACES?.split(",").map((n) => n.trim()).filter(Boolean);
  return { kind: "cluster", context: e.MESHLENS_KUBE_CONTEXT, namespaces: namespaces?.length ? namespaces : fromEnv };
}

/**
 * Telemetry options for a server capture: `url` (default MESHLENS_PROMETHEUS_URL; none: no
 * telemetry) over `window` (default MESHLENS_TELEMETRY_WINDOW).
 */
export async function configuredTelemetry(request: { url?: string; window?: string; until?: string } = {}): Promise<TelemetryOptions | undefined> {
  const e = env();
  const configured = e.MESHLENS_PROMETHEUS_URL;
  // The UI shows the configured URL without its credentials: that still means the configured one.
  const url = request.url && configured && redactUrl(request.url) === redactUrl(configured) ? configured : request.url || configured;
  if (!url) return undefined;
  const windowSeconds = parseDuration(request.window || e.MESHLENS_TELEMETRY_WINDOW, "window");
  const options: TelemetryOptions = { url, windowSeconds, extraLabels: parseLabelList(e.MESHLENS_PROMETHEUS_LABELS ?? "", "MESHLENS_PROMETHEUS_LABELS") };
  if (request.until) options.until = parseInstant(request.until, "until");
  if (url !== configured) return options; // never send our credentials elsewhere
  if (e.MESHLENS_PROMETHEUS_TOKEN) options.auth = { bearerToken: e.MESHLENS_PROMETHEUS_TOKEN };
  else if (e.MESHLENS_PROMETHEUS_USER) options.auth = parseBasicAuth(e.MESHLENS_PROMETHEUS_USER, "MESHLENS_PROMETHEUS_USER");
  if (e.MESHLENS_PROMETHEUS_CA_FILE) options.caPem = await readFile(e.MESHLENS_PROMETHEUS_CA_FILE, "utf8");
  return options;
}
