import "server-only";
/**
 * Reads a live cluster through the Kubernetes API: the objects Meshlens analyses (never
 * Secrets), as typed list JSON that `readManifests` reads like any manifest file.
 *
 * Robust against what real API servers do: lists are paged (`limit`/`continue`, restarting once
 * when a continue token expires), a few requests are in flight at a time, each has a timeout,
 * throttling (429) and server errors (5xx) are retried with backoff, and a resource the
 * credentials may not list (403) or the cluster does not serve (Istio absent) becomes a
 * coverage gap instead of a failure.
 *
 * Credentials never leave this file: results and messages carry the context name and the
 * server URL (without userinfo), nothing else from the kubeconfig.
 */
import { setMaxListeners } from "node:events";
import { existsSync } from "node:fs";
import http from "node:http";
import https from "node:https";
import { homedir } from "node:os";
import { delimiter, join } from "node:path";
import { KubeConfig, type Cluster, type Context, type User } from "@kubernetes/client-node";
import { z } from "zod";
import { AppError } from "@/lib/domain/errors";
import type { ManifestFile } from "@/lib/domain/manifests";
import type { CoverageGap } from "@/lib/domain/model";

// ---------------------------------------------------------------------------------------------
// Public API

export interface CaptureProgressEvent {
  /** `pods`, `deployments.apps`, `authorizationpolicies.security.istio.io`, ... */
  resource: string;
  namespace?: string;
  /** Objects read so far for this resource (and namespace). */
  objects: number;
  done: boolean;
}

export interface CaptureClusterOptions {
  /** A kubeconfig file; else KUBECONFIG, ~/.kube/config, then the in-cluster service account. */
  kubeconfigPath?: string;
  /** The kubeconfig context to use; default: its current context. */
  context?: string;
  /** Read only these namespaces; default (or empty): the whole cluster. */
  namespaces?: string[];
  /** Where istiod keeps its mesh config ConfigMap `istio`. Default `istio-system`. */
  istioNamespace?: string;
  /** Objects per list request. Default 500. */
  pageSize?: number;
  /** Requests in flight at most. Default 4. */
  concurrency?: number;
  /** Per request, in milliseconds. Default 30 s. */
  timeoutMs?: number;
  /** Retries of a request after throttling, a server error or a network error. Default 4. */
  retries?: number;
  /** Called after every page read, and once when a resource is done (read or gapped). */
  onProgress?: (event: CaptureProgressEvent) => void;
  signal?: AbortSignal;
}

export interface ClusterCapture {
  /** One typed list per resource (and namespace), plus single objects; for `readManifests`. */
  files: ManifestFile[];
  coverageGaps: CoverageGap[];
  /** The kubeconfig context used; null for the in-cluster service account. */
  context: string | null;
  /** The API server's URL, without userinfo. */
  server: string;
  /** Objects read per resource name (`pods`, `deployments.apps`, ...). */
  counts: Record<string, number>;
}

/**
 * Captures the objects Meshlens reads from the cluster of a kubeconfig context.
 *
 * Throws AppError `bad_request` (no kubeconfig, unknown context, bad options), `unauthorized`
 * (the API server refused the credentials) or `unavailable` (the API server did not answer,
 * or kept failing, after the retries).
 */
export async function captureCluster(options: CaptureClusterOptions = {}): Promise<ClusterCapture> {
  const settings = parseSettings(options);
  const target = loadTarget(options.kubeconfigPath, options.context);
  const api = await connect(target, settings, options.signal);
  try {
    const { pieces, gaps } = await capture(api, settings, options.onProgress ?? (() => {}));
    return assemble(pieces, gaps, { context: target.context, server: api.server });
  } finally {
    api.close();
  }
}

// ---------------------------------------------------------------------------------------------
// Options

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/;
const NamespaceName = z.string().regex(DNS_LABEL, "must be a namespace name (lowercase letters, digits and '-')");

const SettingsSchema = z.object({
  namespaces: z.array(NamespaceName).default([]),
  istioNamespace: NamespaceName.default("istio-system"),
  pageSize: z.number().int().min(1).max(100_000).default(500),
  concurrency: z.number().int().min(1).max(64).default(4),
  timeoutMs: z.number().int().min(1).default(30_000),
  retries: z.number().int().min(0).max(20).default(4),
});
type Settings = z.infer<typeof SettingsSchema>;

function parseSettings(options: CaptureClusterOptions): Settings {
  const parsed = SettingsSchema.safeParse({
    namespaces: options.namespaces,
    istioNamespace: options.istioNamespace,
    pageSize: options.pageSize,
    concurrency: options.concurrency,
    timeoutMs: options.timeoutMs,
    retries: options.retries,
  });
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new AppError("bad_request", `invalid capture option ${issue?.path.join(".")}: ${issue?.message}`);
  }
  return { ...parsed.data, namespaces: [...new Set(parsed.data.namespaces)] };
}

// ---------------------------------------------------------------------------------------------
// Credentials: the kubeconfig as kubectl finds it

interface Target {
  kc: KubeConfig;
  /** The context name; null for the in-cluster service account. */
  context: string | null;
  cluster: Cluster;
  user: User | null;
}

/**
 * Reads the credentials as a capture would, and throws the same clear error when they are
 * missing or name an unknown context: lets a caller refuse before it starts anything else.
 */
export function checkCredentials(kubeconfigPath: string | undefined, contextName: string | undefined): void {
  loadTarget(kubeconfigPath, contextName);
}

function loadTarget(kubeconfigPath: string | undefined, contextName: string | undefined): Target {
  const kc = new KubeConfig();
  const inCluster = loadKubeConfig(kc, kubeconfigPath);
  if (contextName !== undefined) {
    if (!kc.getContextObject(contextName)) {
      const names = kc.getContexts().map((c: Context) => c.name);
      const available = names.length > 0 ? `the kubeconfig has: ${names.join(", ")}` : "the kubeconfig has no contexts";
      throw new AppError("bad_request", `unknown context ${contextName}: ${available}`);
    }
    kc.setCurrentContext(contextName);
  }
  const context = kc.getCurrentContext();
  if (!context || !kc.getContextObject(context)) {
    const names = kc.getContexts().map((c: Context) => c.name).join(", ") || "none";
    throw new AppError("bad_request", `the kubeconfig has no current context: choose one of its contexts (${names})`);
  }
  const cluster = kc.getCurrentCluster();
  if (!cluster) throw new AppError("bad_request", `context ${context} names a cluster the kubeconfig does not define`);
  return { kc, context: inCluster ? null : context, cluster, user: kc.getCurrentUser() };
}

/** Loads credentials in kubectl's order. Returns true for the in-cluster service account. */
function loadKubeConfig(kc: KubeConfig, kubeconfigPath: string | undefined): boolean {
  const fromEnv = process.env.KUBECONFIG ?? "";
  const homeConfig = join(homedir(), ".kube", "config");
  if (kubeconfigPath) {
    readKubeconfigFiles(kc, [kubeconfigPath], kubeconfigPath);
  } else if (fromEnv !== "") {
    // kubectl skips the files of KUBECONFIG that do not exist.
    const files = fromEnv.split(delimiter).filter((file) => file !== "" && existsSync(file));
    if (files.length === 0) throw new AppError("bad_request", `none of the files in KUBECONFIG exist (${fromEnv})`);
    readKubeconfigFiles(kc, files, "KUBECONFIG");
  } else if (existsSync(homeConfig)) {
    readKubeconfigFiles(kc, [homeConfig], homeConfig);
  } else if (process.env.KUBERNETES_SERVICE_HOST) {
    kc.loadFromCluster();
    return true;
  } else {
    throw new AppError(
      "bad_request",
      "no kubeconfig found: pass a kubeconfig file, set KUBECONFIG, create ~/.kube/config, or run inside the cluster",
    );
  }
  return false;
}

/**
 * Merges kubeconfig files the way kubectl does: the first file to define a cluster, user or
 * context (and the first to set current-context) wins. (KubeConfig.loadFromDefault lets later
 * files win and throws on duplicate names.)
 */
function readKubeconfigFiles(kc: KubeConfig, files: readonly string[], shownAs: string): void {
  const merged = { clusters: [] as Cluster[], users: [] as User[], contexts: [] as Context[], currentContext: "" };
  const addNew = <T extends { name: string }>(into: T[], from: readonly T[]) => {
    for (const entry of from) if (!into.some((e) => e.name === entry.name)) into.push(entry);
  };
  for (const file of files) {
    const one = new KubeConfig();
    try {
      one.loadFromFile(file);
    } catch (error) {
      throw new AppError("bad_request", `cannot read the kubeconfig ${file === shownAs ? file : `${file} (from ${shownAs})`}: ${kubeconfigError(error)}`);
    }
    addNew(merged.clusters, one.getClusters());
    addNew(merged.users, one.getUsers());
    addNew(merged.contexts, one.getContexts());
    merged.currentContext ||= one.getCurrentContext() ?? "";
  }
  kc.loadFromOptions(merged);
}

/** Why a kubeconfig could not be read, without quoting its content (it holds credentials). */
function kubeconfigError(error: unknown): string {
  if (!(error instanceof Error)) return "unreadable";
  const yamlError = error as Error & { reason?: unknown; mark?: { line?: number } };
  if (error.name === "YAMLException" && typeof yamlError.reason === "string") {
    const line = yamlError.mark?.line;
    return `not valid YAML: ${yamlError.reason}${line === undefined ? "" : ` (line ${line + 1})`}`;
  }
  if (error instanceof TypeError) return "not a kubeconfig (expected a mapping with clusters, users and contexts)";
  return error.message;
}

// ---------------------------------------------------------------------------------------------
// HTTP: one GET with the kubeconfig's TLS and auth, retried

/** What a GET found, when the answer is not a failure of the whole capture. */
type Answer = { ok: true; body: unknown } | { ok: false; status: 403 | 404 | 410; message: string };

interface RawResponse {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
}

/** What one attempt concluded: an answer, or something worth retrying. */
type Attempt = { kind: "answer"; answer: Answer } | { kind: "retry"; reason: string; retryAfterMs?: number };

const BACKOFF_BASE_MS = 250;
const BACKOFF_MAX_MS = 10_000;
const RETRY_AFTER_MAX_MS = 30_000;
/** Network errors worth another try: the server restarting, a load balancer dropping idle connections. */
const RETRIABLE_NETWORK_CODES = new Set([
  "ECONNRESET", "ECONNREFUSED", "ECONNABORTED", "ETIMEDOUT", "EPIPE", "EAI_AGAIN",
  "ENETUNREACH", "ENETDOWN", "EHOSTUNREACH", "ERR_STREAM_PREMATURE_CLOSE",
]);

class RequestTimeout extends Error {
  readonly code = "ETIMEDOUT";
  constructor(ms: number) {
    super(`no answer within ${ms} ms`);
  }
}

async function connect(target: Target, settings: Settings, signal: AbortSignal | undefined): Promise<Api> {
  const api = new Api(target, settings, signal);
  await api.open();
  return api;
}

/** The API server of one context: GETs with its TLS and credentials, retried, a few at a time. */
class Api {
  /** The server URL without userinfo, query or trailing slash. */
  readonly server: string;
  private readonly base: URL;
  private readonly who: string;
  private readonly secrets: Secrets;
  /** Cancels what is still running once the capture has failed; the caller's signal does too. */
  private readonly cancel = new AbortController();
  private readonly signal: AbortSignal;
  private agent: http.Agent | undefined;

  constructor(
    private readonly target: Target,
    private readonly settings: Settings,
    userSignal: AbortSignal | undefined,
  ) {
    this.who = target.context === null ? "the in-cluster service account" : `context ${target.context}`;
    this.base = serverUrl(target.cluster, this.who);
    this.server = this.base.href.replace(/\/$/, "");
    this.secrets = new Secrets(target.user);
    this.signal = userSignal ? AbortSignal.any([userSignal, this.cancel.signal]) : this.cancel.signal;
    // Every request in flight or waiting to retry listens for the abort.
    setMaxListeners(settings.concurrency + 10, this.signal);
  }

  /** Resolves the credentials once (exec plugins run here) and sets up the connection pool. */
  async open(): Promise<void> {
    this.agent = createAgent(this.base, this.target.cluster, await this.authorize(), this.settings.concurrency);
  }

  close(): void {
    this.agent?.destroy();
  }

  /** GET `path`, retrying throttling, server and network errors with backoff. */
  async get(path: string, query: Record<string, string> = {}): Promise<Answer> {
    const search = new URLSearchParams(query).toString();
    for (let tries = 1; ; tries++) {
      this.signal.throwIfAborted();
      const outcome = await this.attempt(path, search ? `?${search}` : "");
      if (outcome.kind === "answer") return outcome.answer;
      if (tries > this.settings.retries) {
        const attempts = tries === 1 ? "1 attempt" : `${tries} attempts`;
        throw new AppError("unavailable", `the Kubernetes API server ${this.server} failed GET ${path} (${attempts}): ${outcome.reason}`);
      }
      await sleep(backoffMs(tries - 1, outcome.retryAfterMs), this.signal);
    }
  }

  /**
   * Runs `work` on every item, at most `concurrency` at once; results in input order. The first
   * failure cancels the requests still running, and is thrown once they have all stopped.
   */
  all<T, R>(items: readonly T[], work: (item: T) => Promise<R>): Promise<R[]> {
    return runPool(items, this.settings.concurrency, this.signal, work, () => this.cancel.abort());
  }

  private async attempt(path: string, query: string): Promise<Attempt> {
    const auth = await this.authorize();
    let response: RawResponse;
    try {
      const request = { base: this.base, path: path + query, agent: this.agent, auth, timeoutMs: this.settings.timeoutMs, signal: this.signal };
      response = await send(request);
    } catch (error) {
      this.signal.throwIfAborted();
      const code = (error as { code?: unknown }).code;
      const reason = this.secrets.redact(errorText(error));
      if (typeof code === "string" && RETRIABLE_NETWORK_CODES.has(code)) return { kind: "retry", reason };
      throw new AppError("unavailable", `cannot reach the Kubernetes API server ${this.server} (GET ${path}): ${reason}`);
    }
    return classify(response, { path, who: this.who, server: this.server, redact: (text) => this.secrets.redact(text) });
  }

  /**
   * The TLS options and auth headers of the context, asked for before every request: exec
   * plugins and OIDC refresh tokens that expire during a long capture (client-node caches them
   * until then).
   */
  private async authorize(): Promise<https.RequestOptions> {
    const options: https.RequestOptions = {};
    try {
      await this.target.kc.applyToHTTPSOptions(options);
    } catch (error) {
      throw new AppError("unauthorized", this.secrets.redact(`cannot get the credentials of ${this.who}: ${errorText(error)}`));
    }
    this.secrets.addHeaders(options.headers);
    return options;
  }
}

/** The cluster's server URL, checked, without userinfo, query or fragment. */
function serverUrl(cluster: Cluster, who: string): URL {
  let url: URL;
  try {
    url = new URL(cluster.server);
  } catch {
    throw new AppError("bad_request", `the cluster of ${who} has no valid server URL`);
  }
  if (url.protocol !== "https:" && url.protocol !== "http:") {
    throw new AppError("bad_request", `the cluster of ${who} has a server URL that is not http(s)`);
  }
  // client-node refuses plain http unless TLS checks are off (its createAgent throws otherwise).
  if (url.protocol === "http:" && !cluster.skipTLSVerify) {
    throw new AppError(
      "bad_request",
      `the cluster of ${who} is served over plain http (${url.host}): set insecure-skip-tls-verify: true in the kubeconfig to allow it`,
    );
  }
  url.username = "";
  url.password = "";
  url.search = "";
  url.hash = "";
  return url;
}

/**
 * One keep-alive agent for the capture, with the kubeconfig's TLS settings (CA, client
 * certificate, skipTLSVerify, tls-server-name). A proxy-url is left to client-node's own agent.
 */
function createAgent(base: URL, cluster: Cluster, tls: https.RequestOptions, concurrency: number): http.Agent {
  if (cluster.proxyUrl && tls.agent instanceof http.Agent) return tls.agent;
  const common = { keepAlive: true, maxSockets: concurrency };
  if (base.protocol === "http:") return new http.Agent(common);
  const { ca, cert, key, pfx, passphrase, rejectUnauthorized, servername } = tls;
  return new https.Agent({ ...common, ca, cert, key, pfx, passphrase, rejectUnauthorized, servername });
}

/** One GET, with a deadline for the whole exchange (connect, headers and body). */
function send(request: {
  base: URL;
  path: string;
  agent: http.Agent | undefined;
  auth: https.RequestOptions;
  timeoutMs: number;
  signal: AbortSignal;
}): Promise<RawResponse> {
  const { base, agent, auth, timeoutMs, signal } = request;
  signal.throwIfAborted();
  return new Promise((resolve, reject) => {
    const client = base.protocol === "https:" ? https : http;
    const req = client.request({
      protocol: base.protocol,
      hostname: base.hostname.replace(/^\[(.*)\]$/, "$1"),
      port: base.port || undefined,
      path: base.pathname.replace(/\/$/, "") + request.path,
      method: "GET",
      agent,
      auth: auth.auth,
      headers: { ...auth.headers, Accept: "application/json", "User-Agent": "meshlens" },
    });
    const timer = setTimeout(() => req.destroy(new RequestTimeout(timeoutMs)), timeoutMs);
    const onAbort = () => req.destroy(signal.reason);
    signal.addEventListener("abort", onAbort, { once: true });
    const settle = (fn: () => void) => {
      clearTimeout(timer);
      signal.removeEventListener("abort", onAbort);
      fn();
    };
    req.on("error", (error) => settle(() => reject(error)));
    req.on("response", (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (chunk: Buffer) => chunks.push(chunk));
      res.on("error", (error) => settle(() => reject(error)));
      res.on("end", () =>
        settle(() => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString("utf8") })),
      );
    });
    req.end();
  });
}

/** What a response means for the capture. Throws for 401 and for statuses no retry can fix. */
function classify(
  response: RawResponse,
  context: { path: string; who: string; server: string; redact: (text: string) => string },
): Attempt {
  const { status } = response;
  const message = context.redact(statusMessage(response));
  if (status >= 200 && status < 300) {
    try {
      return { kind: "answer", answer: { ok: true, body: JSON.parse(response.body) as unknown } };
    } catch {
      throw new AppError("unavailable", `the Kubernetes API server ${context.server} answered GET ${context.path} with something that is not JSON`);
    }
  }
  if (status === 401) throw new AppError("unauthorized", `the API server refused the credentials of ${context.who} (401 Unauthorized: ${message})`);
  if (status === 403 || status === 404 || status === 410) return { kind: "answer", answer: { ok: false, status, message } };
  if (status === 429) return { kind: "retry", reason: `HTTP 429 Too Many Requests: ${message}`, retryAfterMs: retryAfterMs(response.headers["retry-after"]) };
  if (status >= 500 && status !== 501) return { kind: "retry", reason: `HTTP ${status}: ${message}` };
  throw new AppError("unavailable", `the Kubernetes API server ${context.server} answered GET ${context.path} with HTTP ${status}: ${message}`);
}

/** The message of a `Status` body, else the HTTP status text. Bodies are never quoted raw. */
function statusMessage(response: RawResponse): string {
  try {
    const body = JSON.parse(response.body) as { kind?: unknown; message?: unknown };
    if (body.kind === "Status" && typeof body.message === "string" && body.message !== "") return body.message.slice(0, 1000);
  } catch {
    // not JSON: fall through to the status text
  }
  return http.STATUS_CODES[response.status] ?? `HTTP ${response.status}`;
}

/** Retry-After in seconds or as an HTTP date (RFC 9110), in ms; undefined when absent or unreadable. */
function retryAfterMs(value: string | undefined): number | undefined {
  if (value === undefined || value.trim() === "") return undefined;
  if (/^\d+$/.test(value.trim())) return Number(value.trim()) * 1000;
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - Date.now());
}

/** Exponential backoff with jitter (half fixed, half random), or the server's Retry-After, capped. */
function backoffMs(retry: number, retryAfter: number | undefined): number {
  if (retryAfter !== undefined) return Math.min(retryAfter, RETRY_AFTER_MAX_MS);
  const ceiling = Math.min(BACKOFF_BASE_MS * 2 ** retry, BACKOFF_MAX_MS);
  return ceiling / 2 + Math.random() * (ceiling / 2);
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal.reason);
    };
    const timer = setTimeout(() => {
      signal.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    signal.addEventListener("abort", onAbort, { once: true });
  });
}

function errorText(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const code = (error as { code?: unknown }).code;
  return typeof code === "string" && !error.message.includes(code) ? `${code}: ${error.message}` : error.message;
}

/**
 * The credential strings of the context (token, password, auth header values), so that no
 * message built from a server's or a plugin's text can carry one.
 */
class Secrets {
  private readonly values = new Set<string>();

  constructor(user: User | null) {
    for (const value of [user?.token, user?.password]) this.add(value);
  }

  addHeaders(headers: http.OutgoingHttpHeaders | readonly string[] | undefined): void {
    if (!headers || Array.isArray(headers)) return;
    for (const value of Object.values(headers)) {
      for (const one of Array.isArray(value) ? value : [value]) {
        if (typeof one !== "string") continue;
        this.add(one);
        this.add(one.replace(/^(Bearer|Basic)\s+/i, ""));
      }
    }
  }

  redact(text: string): string {
    let result = text;
    for (const value of this.values) result = result.split(value).join("[redacted]");
    return result;
  }

  private add(value: string | undefined): void {
    // Shorter values (an Impersonate-User name) are no secret, and would redact ordinary words.
    if (value && value.length >= 6) this.values.add(value);
  }
}

// ---------------------------------------------------------------------------------------------
// What is read

/** One API resource Meshlens lists. `group` "" is the core group. */
interface ResourceSpec {
  group: string;
  version: string;
  resource: string;
  kind: string;
  namespaced: boolean;
}

/** Built-in resources, served by every cluster Meshlens supports. Secrets are never read. */
const BUILTIN: readonly ResourceSpec[] = [
  ["", "v1", "pods", "Pod"],
  ["", "v1", "services", "Service"],
  ["", "v1", "serviceaccounts", "ServiceAccount"],
  ["", "v1", "replicationcontrollers", "ReplicationController"],
  ["apps", "v1", "deployments", "Deployment"],
  ["apps", "v1", "replicasets", "ReplicaSet"],
  ["apps", "v1", "statefulsets", "StatefulSet"],
  ["apps", "v1", "daemonsets", "DaemonSet"],
  ["batch", "v1", "jobs", "Job"],
  ["batch", "v1", "cronjobs", "CronJob"],
  ["networking.k8s.io", "v1", "networkpolicies", "NetworkPolicy"],
].map(([group, version, resource, kind]) => ({ group, version, resource, kind, namespaced: true }) as ResourceSpec);

const NAMESPACES: ResourceSpec = { group: "", version: "v1", resource: "namespaces", kind: "Namespace", namespaced: false };

/** Istio's CRDs, with the versions Meshlens reads in order of preference. */
const ISTIO_GROUPS: readonly { group: string; versions: readonly string[]; resources: readonly (readonly [string, string])[] }[] = [
  {
    group: "security.istio.io",
    versions: ["v1", "v1beta1"],
    resources: [["authorizationpolicies", "AuthorizationPolicy"], ["peerauthentications", "PeerAuthentication"], ["requestauthentications", "RequestAuthentication"]],
  },
  {
    group: "networking.istio.io",
    versions: ["v1", "v1beta1", "v1alpha3"],
    resources: [["destinationrules", "DestinationRule"], ["sidecars", "Sidecar"], ["serviceentries", "ServiceEntry"]],
  },
];

/** The name kubectl uses for a resource: `pods`, `networkpolicies.networking.k8s.io`. */
function resourceName(spec: { resource: string; group: string }): string {
  return spec.group === "" ? spec.resource : `${spec.resource}.${spec.group}`;
}

function resourcePath(spec: ResourceSpec, namespace?: string, name?: string): string {
  const root = spec.group === "" ? `/api/${spec.version}` : `/apis/${spec.group}/${spec.version}`;
  const scoped = namespace !== undefined && spec.namespaced ? `${root}/namespaces/${namespace}` : root;
  return `${scoped}/${spec.resource}${name === undefined ? "" : `/${name}`}`;
}

// ---------------------------------------------------------------------------------------------
// The capture

/** What one unit of work produced. */
interface Piece {
  file?: ManifestFile;
  gap?: CoverageGap;
  count?: { resource: string; objects: number };
}

type Progress = (event: CaptureProgressEvent) => void;

async function capture(api: Api, settings: Settings, onProgress: Progress): Promise<{ pieces: Piece[]; gaps: CoverageGap[] }> {
  // Discovery first: it is also where bad credentials show, before any list starts.
  const istio = await discoverIstio(api);
  const scoped = settings.namespaces.length > 0;
  const selected = scoped ? await api.all(settings.namespaces, (ns) => getNamespace(api, ns, onProgress)) : [];
  // A selected namespace that does not exist holds nothing to list (it is reported as a gap).
  const namespaces = selected.filter((n) => n.exists).map((n) => n.namespace);

  const tasks: (() => Promise<Piece>)[] = [];
  if (!scoped) tasks.push(() => listResource(api, NAMESPACES, undefined, settings.pageSize, onProgress));
  for (const spec of [...BUILTIN, ...istio.specs]) {
    for (const ns of scoped ? namespaces : [undefined]) tasks.push(() => listResource(api, spec, ns, settings.pageSize, onProgress));
  }
  tasks.push(() => getMeshConfig(api, settings.istioNamespace, onProgress));
  const listed = await api.all(tasks, (task) => task());
  return { pieces: [...selected.map((n) => n.piece), ...listed], gaps: istio.gaps };
}

function assemble(pieces: readonly Piece[], discoveryGaps: readonly CoverageGap[], source: { context: string | null; server: string }): ClusterCapture {
  const files: ManifestFile[] = [];
  const coverageGaps: CoverageGap[] = [...discoveryGaps];
  const counts: Record<string, number> = {};
  for (const piece of pieces) {
    if (piece.file) files.push(piece.file);
    if (piece.gap) coverageGaps.push(piece.gap);
    if (piece.count) counts[piece.count.resource] = (counts[piece.count.resource] ?? 0) + piece.count.objects;
  }
  return { files, coverageGaps, counts, ...source };
}

/**
 * Which Istio resources the cluster serves, and in which version: the first version of
 * Meshlens' preference (v1, then the betas) whose resource list has it. A group the cluster does
 * not serve means Istio (or that part of it) is not installed: coverage gaps, not an error.
 */
async function discoverIstio(api: Api): Promise<{ specs: ResourceSpec[]; gaps: CoverageGap[] }> {
  const answer = await api.get("/apis");
  const served = new Map<string, string[]>();
  if (answer.ok) {
    for (const group of (answer.body as { groups?: { name?: string; versions?: { version?: string }[] }[] }).groups ?? []) {
      if (group.name) served.set(group.name, (group.versions ?? []).flatMap((v) => (v.version ? [v.version] : [])));
    }
  }
  const toRead = ISTIO_GROUPS.flatMap(({ group, versions }) => versions.filter((v) => served.get(group)?.includes(v)).map((version) => ({ group, version })));
  const lists = await api.all(toRead, async ({ group, version }) => {
    const list = await api.get(`/apis/${group}/${version}`);
    const names = list.ok ? ((list.body as { resources?: { name?: string }[] }).resources ?? []).map((r) => r.name) : [];
    return { group, version, names: new Set(names) };
  });

  const specs: ResourceSpec[] = [];
  const gaps: CoverageGap[] = [];
  for (const { group, versions, resources } of ISTIO_GROUPS) {
    for (const [resource, kind] of resources) {
      const found = versions.find((v) => lists.some((l) => l.group === group && l.version === v && l.names.has(resource)));
      if (found) specs.push({ group, version: found, resource, kind, namespaced: true });
      else gaps.push({ resource: resourceName({ resource, group }), reason: istioGapReason(group, served.get(group), answer) });
    }
  }
  return { specs, gaps };
}

function istioGapReason(group: string, versions: readonly string[] | undefined, discovery: Answer): string {
  if (!discovery.ok) return `cannot discover the API groups of the cluster: ${answerProblem(discovery)}`;
  if (!versions) return `not installed in the cluster (the API group ${group} is not served)`;
  return `not served in a version Meshlens reads (the API group ${group} serves ${versions.join(", ") || "no versions"})`;
}

/**
 * Reads one selected namespace (its labels decide sidecar injection). Forbidden is a gap and
 * its objects are still listed: namespace-scoped RBAC cannot grant reading the Namespace itself.
 */
async function getNamespace(api: Api, namespace: string, onProgress: Progress): Promise<{ namespace: string; exists: boolean; piece: Piece }> {
  const answer = await api.get(resourcePath(NAMESPACES, undefined, namespace));
  onProgress({ resource: "namespaces", namespace, objects: answer.ok ? 1 : 0, done: true });
  if (answer.ok) return { namespace, exists: true, piece: objectPiece(NAMESPACES, undefined, namespace, answer.body) };
  const exists = answer.status !== 404;
  const reason = exists ? `cannot get namespace ${namespace}: ${answerProblem(answer)}` : `namespace ${namespace} does not exist`;
  return { namespace, exists, piece: { gap: { resource: "namespaces", namespace, reason } } };
}

const CONFIG_MAPS: ResourceSpec = { group: "", version: "v1", resource: "configmaps", kind: "ConfigMap", namespaced: true };

/** Istio's mesh config, the ConfigMap `istio`: one GET; absent (404) simply means none. */
async function getMeshConfig(api: Api, istioNamespace: string, onProgress: Progress): Promise<Piece> {
  const answer = await api.get(resourcePath(CONFIG_MAPS, istioNamespace, "istio"));
  onProgress({ resource: "configmaps", namespace: istioNamespace, objects: answer.ok ? 1 : 0, done: true });
  if (answer.ok) return objectPiece(CONFIG_MAPS, istioNamespace, "istio", answer.body);
  if (answer.status === 404) return {};
  const reason = `cannot get configmap ${istioNamespace}/istio (the mesh config): ${answerProblem(answer)}`;
  return { gap: { resource: "configmaps", namespace: istioNamespace, reason } };
}

/** A single object read by name, as its own file. */
function objectPiece(spec: ResourceSpec, namespace: string | undefined, name: string, body: unknown): Piece {
  const object = { apiVersion: spec.version, kind: spec.kind, ...(slim(body) as object) };
  const file = { path: `cluster:${resourcePath(spec, namespace, name)}`, content: JSON.stringify(object) };
  return { file, count: { resource: resourceName(spec), objects: 1 } };
}

/**
 * Lists a resource in a namespace (or everywhere), page by page. A 410 Gone (the continue
 * token expired: the list took longer than etcd keeps old revisions) restarts the list once.
 */
async function listResource(
  api: Api,
  spec: ResourceSpec,
  namespace: string | undefined,
  pageSize: number,
  onProgress: Progress,
): Promise<Piece> {
  const resource = resourceName(spec);
  const progress = (objects: number, done: boolean) => onProgress({ resource, ...(namespace === undefined ? {} : { namespace }), objects, done });
  let result = await listPages(api, spec, namespace, pageSize, progress);
  if (!result.ok && result.status === 410) result = await listPages(api, spec, namespace, pageSize, progress);
  if (!result.ok) {
    progress(0, true);
    return { gap: { resource, ...(namespace === undefined ? {} : { namespace }), reason: listGapReason(spec, namespace, result) } };
  }
  const path = resourcePath(spec, namespace);
  const apiVersion = spec.group === "" ? spec.version : `${spec.group}/${spec.version}`;
  const content = JSON.stringify({ apiVersion, kind: `${spec.kind}List`, items: result.items });
  return { file: { path: `cluster:${path}`, content }, count: { resource, objects: result.items.length } };
}

async function listPages(
  api: Api,
  spec: ResourceSpec,
  namespace: string | undefined,
  pageSize: number,
  progress: (objects: number, done: boolean) => void,
): Promise<{ ok: true; items: unknown[] } | Extract<Answer, { ok: false }>> {
  const path = resourcePath(spec, namespace);
  const items: unknown[] = [];
  let token = "";
  do {
    const answer = await api.get(path, token ? { limit: String(pageSize), continue: token } : { limit: String(pageSize) });
    if (!answer.ok) return answer;
    const page = answer.body as { items?: unknown; metadata?: { continue?: unknown } };
    if (Array.isArray(page.items)) for (const item of page.items) items.push(slim(item));
    token = typeof page.metadata?.continue === "string" ? page.metadata.continue : "";
    progress(items.length, token === "");
  } while (token !== "");
  return { ok: true, items };
}

function listGapReason(spec: ResourceSpec, namespace: string | undefined, answer: Extract<Answer, { ok: false }>): string {
  const scope = namespace !== undefined ? ` in namespace ${namespace}` : spec.namespaced ? " in any namespace" : "";
  const what = `cannot list ${spec.resource}${scope}`;
  if (answer.status === 410) return `${what}: the continue token expired twice while paging (410 Gone: ${answer.message}); a larger page size needs fewer pages`;
  return `${what}: ${answerProblem(answer)}`;
}

function answerProblem(answer: Extract<Answer, { ok: false }>): string {
  if (answer.status === 403) return `forbidden (${answer.message})`;
  if (answer.status === 404) return `the API server does not serve it (404 Not Found: ${answer.message})`;
  return `410 Gone (${answer.message})`;
}

const LAST_APPLIED = "kubectl.kubernetes.io/last-applied-configuration";

/**
 * An object without what Meshlens never reads and that weighs most: managedFields and
 * kubectl's copy of the last applied manifest.
 */
function slim(item: unknown): unknown {
  if (!isRecord(item) || !isRecord(item.metadata)) return item;
  const { managedFields: _managedFields, ...metadata } = item.metadata;
  if (isRecord(metadata.annotations) && LAST_APPLIED in metadata.annotations) {
    const { [LAST_APPLIED]: _lastApplied, ...annotations } = metadata.annotations;
    metadata.annotations = annotations;
  }
  return { ...item, metadata };
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/**
 * Runs `work` on every item with at most `limit` running at once; results in input order. On
 * the first failure `cancel` stops the others (their requests watch `signal`), and that failure
 * is thrown once everything has stopped, so no request outlives the capture.
 */
async function runPool<T, R>(
  items: readonly T[],
  limit: number,
  signal: AbortSignal,
  work: (item: T) => Promise<R>,
  cancel: () => void,
): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  let failure: { error: unknown } | undefined;
  const worker = async () => {
    while (next < items.length && !failure && !signal.aborted) {
      const index = next++;
      try {
        results[index] = await work(items[index] as T);
      } catch (error) {
        if (!failure) {
          failure = { error };
          cancel();
        }
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  if (failure) throw failure.error;
  signal.throwIfAborted();
  return results;
}
