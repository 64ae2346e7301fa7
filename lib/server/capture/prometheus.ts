import "server-only";
/**
 * Reads Istio's standard metrics from Prometheus for a telemetry window: one instant query per
 * counter, at the window's end, of its increase over the window, summed by the labels the edge
 * builder reads (lib/domain/telemetry/edges.ts). Prometheus HTTP API:
 * https://prometheus.io/docs/prometheus/latest/querying/api/#instant-queries
 *
 * Requests go through node:http/node:https rather than fetch: a custom CA (`caPem`) is one option
 * there, where fetch would need undici's Agent as a direct dependency. Credentials never appear
 * in errors: the URL is shown without userinfo, and secrets are scrubbed from anything echoed.
 */
import http from "node:http";
import https from "node:https";
import { z } from "zod";
import { AppError } from "@/lib/domain/errors";
import type { TimeWindow } from "@/lib/domain/model";
import {
  TELEMETRY_LABELS,
  TELEMETRY_METRICS,
  windowSeconds,
  type TelemetryMetric,
  type TelemetrySample,
  type TelemetrySeries,
} from "@/lib/domain/telemetry/edges";

export type PrometheusAuth = { bearerToken: string } | { username: string; password: string };

export interface QueryTelemetryOptions {
  /** Prometheus' base URL, e.g. `http://prometheus.istio-system:9090` or `https://host/prometheus`. Userinfo, if any, is used as basic auth. */
  url: string;
  window: TimeWindow;
  auth?: PrometheusAuth;
  /** PEM of the CA(s) that signed an https Prometheus' certificate, when not a public one. */
  caPem?: string;
  /** Label matchers added to every series selector, e.g. `{ cluster: "a" }` where one Prometheus holds several clusters. */
  extraLabels?: Record<string, string>;
  /** For the whole capture (all queries); default 30 s. */
  timeoutMs?: number;
  signal?: AbortSignal;
}

const DEFAULT_TIMEOUT_MS = 30_000;
/** The largest delay a Node timer takes (2^31 - 1 ms, about 24.8 days). */
const MAX_TIMEOUT_MS = 2 ** 31 - 1;
/** A Prometheus answer bigger than this is refused rather than buffered. */
const MAX_RESPONSE_BYTES = 64 * 1024 * 1024;
const METRICS = Object.keys(TELEMETRY_METRICS) as TelemetryMetric[];

/** Istio telemetry summed over `window`, one sample per label set and counter. */
export async function queryTelemetry(options: QueryTelemetryOptions): Promise<TelemetrySeries> {
  const target = prepareTarget(options);
  const queries = telemetryQueries({ window: options.window, extraLabels: options.extraLabels });
  const time = String(Date.parse(options.window.end) / 1000);
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  if (!Number.isInteger(timeoutMs) || timeoutMs <= 0 || timeoutMs > MAX_TIMEOUT_MS) {
    throw new AppError("bad_request", `The Prometheus timeout must be a whole number of milliseconds from 1 to ${MAX_TIMEOUT_MS}, got ${timeoutMs}`);
  }
  const deadline = AbortSignal.timeout(timeoutMs);
  const signal = options.signal ? AbortSignal.any([options.signal, deadline]) : deadline;

  // All four at once; on failure, the first failed counter in a fixed order is reported, so the
  // same outage always gives the same message.
  const settled = await Promise.allSettled(METRICS.map((metric) => instantQuery(target, { metric, query: queries[metric], time }, signal)));
  if (options.signal?.aborted) throw options.signal.reason;
  const series: Partial<TelemetrySeries> = {};
  for (const [i, result] of settled.entries()) {
    const metric = METRICS[i]!;
    if (result.status === "rejected") throw explain(result.reason, { target, deadlineHit: deadline.aborted, timeoutMs });
    series[metric] = result.value;
  }
  return series as TelemetrySeries;
}

/**
 * The PromQL of each counter: `sum by (<labels>) (increase(<metric>{<extra>}[<window>]))`.
 * increase() is the counter's growth over the range, counter resets included; evaluated at the
 * window's end it covers exactly the window. Prometheus extrapolates from the first and last
 * samples to the range's edges, so figures may be fractional: they are kept as Prometheus gives
 * them. `sum by` drops every other label (pod, instance, ...), adding up a workload's replicas.
 */
export function telemetryQueries(options: { window: TimeWindow; extraLabels?: Record<string, string> }): Record<TelemetryMetric, string> {
  const range = promqlDuration(windowSeconds(options.window));
  const matchers = labelMatchers(options.extraLabels ?? {});
  const queries = {} as Record<TelemetryMetric, string>;
  for (const metric of METRICS) {
    queries[metric] = `sum by (${TELEMETRY_LABELS[metric].join(", ")}) (increase(${TELEMETRY_METRICS[metric]}${matchers}[${range}]))`;
  }
  return queries;
}

/** The URL without userinfo, query or fragment (where tokens hide), and without a trailing `/`; safe to show and store. */
export function redactUrl(url: string): string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return "(an invalid URL)";
  }
  parsed.username = "";
  parsed.password = "";
  parsed.search = "";
  parsed.hash = "";
  return parsed.href.replace(/\/+$/, "");
}

// ---------------------------------------------------------------------------------------------
// PromQL

const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;

/** `{a="1", b="2"}`, sorted by name; `""` for none. */
function labelMatchers(labels: Record<string, string>): string {
  const names = Object.keys(labels).sort();
  for (const name of names) {
    if (!LABEL_NAME.test(name)) {
      throw new AppError("bad_request", `Extra label name ${JSON.stringify(name)} is not a Prometheus label name ([a-zA-Z_][a-zA-Z0-9_]*)`, { label: name });
    }
    if (typeof labels[name] !== "string") throw new AppError("bad_request", `Extra label ${name} needs a string value`, { label: name });
  }
  return names.length === 0 ? "" : `{${names.map((name) => `${name}=${promqlString(labels[name]!)}`).join(", ")}}`;
}

/**
 * A PromQL double-quoted string literal. PromQL reads Go-style escapes: a backslash and the quote
 * must be escaped, and a raw newline ends the string with an error, so line breaks are escaped too.
 */
function promqlString(value: string): string {
  const escaped = value.replace(/\\/g, "\\\\").replace(/"/g, '\\"').replace(/\n/g, "\\n").replace(/\r/g, "\\r");
  return `"${escaped}"`;
}

/** Whole seconds as `3600s`; anything finer in milliseconds. */
function promqlDuration(seconds: number): string {
  return Number.isInteger(seconds) ? `${seconds}s` : `${Math.round(seconds * 1000)}ms`;
}

// ---------------------------------------------------------------------------------------------
// HTTP

interface Target {
  endpoint: URL;
  /** The base URL as shown in messages. */
  display: string;
  headers: Record<string, string>;
  ca?: string;
  /** Credential strings to scrub from anything echoed back. */
  secrets: string[];
}

function prepareTarget(options: QueryTelemetryOptions): Target {
  let base: URL;
  try {
    base = new URL(options.url);
  } catch {
    throw new AppError("bad_request", "The Prometheus URL is not a valid absolute URL (e.g. http://prometheus.istio-system:9090)");
  }
  const display = redactUrl(options.url);
  if (base.protocol !== "http:" && base.protocol !== "https:") {
    throw new AppError("bad_request", `The Prometheus URL ${display} must start with http:// or https://`);
  }
  const { authorization, secrets } = authorizationHeader(options.auth, base);
  const endpoint = new URL(base.href);
  endpoint.username = "";
  endpoint.password = "";
  endpoint.search = "";
  endpoint.hash = "";
  endpoint.pathname = `${endpoint.pathname.replace(/\/+$/, "")}/api/v1/query`;
  const headers: Record<string, string> = { accept: "application/json", "content-type": "application/x-www-form-urlencoded", "user-agent": "meshlens" };
  if (authorization) headers.authorization = authorization;
  return { endpoint, display, headers, ca: options.caPem, secrets };
}

/** Explicit auth wins over userinfo in the URL. Header values are checked here, so Node never echoes them in a TypeError. */
function authorizationHeader(auth: PrometheusAuth | undefined, base: URL): { authorization?: string; secrets: string[] } {
  if (auth && "bearerToken" in auth) {
    const token = auth.bearerToken.trim();
    if (!/^[\x21-\x7e]+$/.test(token)) throw new AppError("bad_request", "The Prometheus bearer token is empty or holds spaces or control characters");
    return { authorization: `Bearer ${token}`, secrets: [token] };
  }
  const basic = auth ?? (base.username || base.password ? { username: safeDecode(base.username), password: safeDecode(base.password) } : null);
  if (!basic) return { secrets: [] };
  // RFC 7617: the user-id of basic auth cannot contain a colon.
  if (basic.username.includes(":")) throw new AppError("bad_request", "The Prometheus username cannot contain ':' (HTTP basic auth)");
  const encoded = Buffer.from(`${basic.username}:${basic.password}`, "utf8").toString("base64");
  return { authorization: `Basic ${encoded}`, secrets: [basic.password, encoded].filter((s) => s.length > 0) };
}

function safeDecode(value: string): string {
  try {
    return decodeURIComponent(value);
  } catch {
    return value;
  }
}

interface Answer {
  status: number;
  contentType: string;
  body: string;
}

class ResponseTooLarge extends Error {}

async function instantQuery(target: Target, request: { metric: TelemetryMetric; query: string; time: string }, signal: AbortSignal): Promise<TelemetrySample[]> {
  const body = new URLSearchParams({ query: request.query, time: request.time }).toString();
  const answer = await post(target, body, signal);
  return readAnswer(answer, { target, metric: request.metric });
}

function post(target: Target, body: string, signal: AbortSignal): Promise<Answer> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) return reject(signal.reason);
    const client = target.endpoint.protocol === "https:" ? https : http;
    let request: http.ClientRequest;
    try {
      request = client.request(target.endpoint, {
        method: "POST",
        headers: { ...target.headers, "content-length": String(Buffer.byteLength(body)) },
        ...(target.ca ? { ca: target.ca } : {}),
        // One connection per query and closed after it: nothing lingers once the capture is over.
        agent: false,
      });
    } catch (error) {
      return reject(error);
    }
    const onAbort = () => request.destroy(signal.reason instanceof Error ? signal.reason : new Error("aborted"));
    signal.addEventListener("abort", onAbort, { once: true });
    request.on("close", () => signal.removeEventListener("abort", onAbort));
    request.on("error", reject);
    request.on("response", (response) => {
      const chunks: Buffer[] = [];
      let size = 0;
      response.on("data", (chunk: Buffer) => {
        size += chunk.length;
        if (size > MAX_RESPONSE_BYTES) request.destroy(new ResponseTooLarge());
        else chunks.push(chunk);
      });
      response.on("error", reject);
      response.on("end", () =>
        resolve({ status: response.statusCode ?? 0, contentType: String(response.headers["content-type"] ?? ""), body: Buffer.concat(chunks).toString("utf8") }),
      );
    });
    request.end(body);
  });
}

// ---------------------------------------------------------------------------------------------
// Prometheus' answers

/** An instant vector: https://prometheus.io/docs/prometheus/latest/querying/api/#instant-vectors */
const PrometheusVectorAnswer = z.object({
  status: z.literal("success"),
  data: z.object({
    resultType: z.literal("vector"),
    result: z.array(z.object({ metric: z.record(z.string(), z.string()), value: z.tuple([z.number(), z.string()]) })),
  }),
});

/** Prometheus' error body, sent with 400, 422, 503 and others. */
const PrometheusErrorAnswer = z.object({ status: z.literal("error"), errorType: z.string().optional(), error: z.string().optional() });

function readAnswer(answer: Answer, context: { target: Target; metric: TelemetryMetric }): TelemetrySample[] {
  const { target, metric } = context;
  const name = TELEMETRY_METRICS[metric];
  const details = { prometheus: target.display, metric: name, status: answer.status };
  const json = parseJson(answer.body);
  const failure = PrometheusErrorAnswer.safeParse(json);
  if (failure.success) {
    const { errorType = "unknown", error = "(no message)" } = failure.data;
    throw new AppError("unavailable", scrub(`Prometheus answered an error for ${name}: ${errorType}: ${error}`, target), details);
  }
  if (answer.status < 200 || answer.status >= 300) {
    throw new AppError("unavailable", `Prometheus answered an error for ${name}: HTTP ${answer.status}: ${snippet(answer.body, target)}`, details);
  }
  if (json === undefined) {
    const type = answer.contentType || "no content type";
    throw new AppError("unavailable", `Prometheus at ${target.display} answered ${name} with something that is not JSON (${type}): ${snippet(answer.body, target)}`, details);
  }
  const vector = PrometheusVectorAnswer.safeParse(json);
  if (!vector.success) {
    const issue = vector.error.issues[0];
    const where = issue ? `${issue.path.join(".") || "(top)"}: ${issue.message}` : "unexpected shape";
    throw new AppError("unavailable", `Prometheus at ${target.display} answered ${name} with something that is not an instant vector (${where})`, details);
  }
  return vector.data.data.result.map((row) => ({ metric: pickLabels(row.metric, TELEMETRY_LABELS[metric]), value: sampleValue(row.value[1]) }));
}

/** undefined when the body is not JSON (JSON.parse itself never returns undefined). */
function parseJson(body: string): unknown {
  try {
    return JSON.parse(body);
  } catch {
    return undefined;
  }
}

/** Only the labels asked for, as own properties of a fresh object. */
function pickLabels(metric: Record<string, string>, names: readonly string[]): Record<string, string> {
  const picked: Record<string, string> = {};
  for (const name of names) if (Object.hasOwn(metric, name)) picked[name] = metric[name]!;
  return picked;
}

/** Prometheus writes sample values as strings, with `NaN`, `+Inf` and `-Inf` for the special floats. */
function sampleValue(text: string): number {
  if (text === "+Inf") return Number.POSITIVE_INFINITY;
  if (text === "-Inf") return Number.NEGATIVE_INFINITY;
  return text.trim() === "" ? Number.NaN : Number(text);
}

// ---------------------------------------------------------------------------------------------
// Errors

const NETWORK_REASONS: Record<string, string> = {
  ECONNREFUSED: "connection refused",
  ECONNRESET: "connection reset",
  ENOTFOUND: "host not found (DNS)",
  EAI_AGAIN: "DNS lookup failed",
  ETIMEDOUT: "connection timed out",
  EHOSTUNREACH: "host unreachable",
  ENETUNREACH: "network unreachable",
};

function explain(error: unknown, context: { target: Target; deadlineHit: boolean; timeoutMs: number }): AppError {
  if (error instanceof AppError) return error;
  const { target } = context;
  const details = { prometheus: target.display };
  if (context.deadlineHit) {
    return new AppError("unavailable", `Prometheus at ${target.display} is unreachable: no answer within ${context.timeoutMs} ms`, details);
  }
  if (error instanceof ResponseTooLarge) {
    return new AppError("unavailable", `Prometheus at ${target.display} answered more than ${MAX_RESPONSE_BYTES / 1024 / 1024} MiB; narrow the query with extra labels`, details);
  }
  const code = typeof (error as { code?: unknown })?.code === "string" ? (error as { code: string }).code : undefined;
  const message = error instanceof Error ? error.message : String(error);
  const reason = code && NETWORK_REASONS[code] ? `${NETWORK_REASONS[code]} (${code})` : code ? `${message} (${code})` : message;
  const hint = code && /CERT|SELF_SIGNED|UNABLE_TO_VERIFY/.test(code) ? "; if a private CA signed its certificate, give that CA's PEM" : "";
  return new AppError("unavailable", scrub(`Prometheus at ${target.display} is unreachable: ${reason}${hint}`, target), { ...details, ...(code ? { code } : {}) });
}

/** The start of a body, on one line, credentials scrubbed. */
function snippet(body: string, target: Target): string {
  const line = body.replace(/\s+/g, " ").trim();
  const short = line.length > 200 ? `${line.slice(0, 200)}...` : line;
  return scrub(short || "(empty body)", target);
}

function scrub(text: string, target: Target): string {
  return target.secrets.reduce((out, secret) => out.split(secret).join("[redacted]"), text);
}
