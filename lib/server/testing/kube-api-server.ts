/**
 * An in-process fake of the Kubernetes API server, for tests (there is no kube-apiserver, kind
 * or envtest on these machines). It speaks enough of the real API for clients and kubectl:
 * discovery (`/api`, `/apis`, `/apis/<group>[/<version>]`), list endpoints cluster-wide and per
 * namespace with `limit`/`continue` paging, GET of single objects, bearer-token auth (401),
 * RBAC-style 403s and 404s as `Status` objects shaped like the real ones. Failures (5xx, 429
 * with Retry-After, 410 on continue, a hanging path) can be injected per path.
 *
 * kubectl cannot use the kubeconfig written here: client-go never sends a bearer token over
 * plain http, and the fake requires one.
 */
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { stringify } from "yaml";

/** A failure injected on a path. */
export interface FakeFailure {
  /** URL path without the query, e.g. `/api/v1/pods`. */
  path: string;
  /** How many matching requests fail; default: all of them. */
  times?: number;
  /** Only requests that carry a continue token match (410 Gone: the token expired). */
  continued?: boolean;
  /** Answer this status with a `Status` body (500, 503, 429, 410, ...). */
  status?: number;
  /** With `status`: a Retry-After header, in seconds. */
  retryAfterSeconds?: number;
  /** With `status`: the Status message. Default `injected failure <status>`. */
  message?: string;
  /** Instead of a status: hold the request this long, then answer normally. */
  hangMs?: number;
}

export interface KubeApiServerOptions {
  /** Full objects (apiVersion, kind, metadata). Their API groups are served. */
  objects: object[];
  /**
   * More group versions to serve, e.g. `security.istio.io/v1` for Istio installed without any
   * policy. Core, apps/v1, batch/v1 and networking.k8s.io/v1 are always served; Istio groups
   * only when named here or when an object uses them.
   */
  servedGroups?: string[];
  /**
   * What the credentials may not read. `resource` as kubectl names it (`pods`,
   * `networkpolicies.networking.k8s.io`). With a namespace, lists in that namespace and
   * cluster-wide lists are forbidden (a cluster-wide list needs every namespace).
   */
  forbidden?: { resource: string; namespace?: string }[];
  failures?: FakeFailure[];
  /** The server caps `limit` at this (the real one may return fewer items than asked). */
  pageLimitMax?: number;
  /** Delay before every answer, in ms (to make concurrency observable). */
  latencyMs?: number;
  /** The bearer token the server accepts (and the kubeconfig carries). */
  token?: string;
}

export interface RecordedRequest {
  method: string;
  /** Path and query, as sent. */
  path: string;
  headers: Record<string, string>;
  /** performance.now() when it arrived. */
  at: number;
}

export interface KubeApiServer {
  url: string;
  requests: RecordedRequest[];
  /** A kubeconfig (context `test`, bearer token, insecure-skip-tls-verify) for this server. */
  kubeconfigPath: string;
  token: string;
  /** The most requests that were in progress at the same time. */
  peakInFlight(): number;
  stop(): Promise<void>;
}

export const DEFAULT_TEST_TOKEN = "kube-test-token-4f1d2c9a8b7e";

/** The identity in 403 messages, as the real API server names a service account. */
const TEST_USER = "system:serviceaccount:meshlens:meshlens";

/** The resources the fake knows: the ones Meshlens reads, plus a few it must not. */
const CATALOG: readonly { group: string; resource: string; kind: string; namespaced: boolean }[] = [
  ["", "namespaces", "Namespace", false],
  ["", "pods", "Pod", true],
  ["", "services", "Service", true],
  ["", "serviceaccounts", "ServiceAccount", true],
  ["", "replicationcontrollers", "ReplicationController", true],
  ["", "configmaps", "ConfigMap", true],
  ["", "secrets", "Secret", true],
  ["apps", "deployments", "Deployment", true],
  ["apps", "replicasets", "ReplicaSet", true],
  ["apps", "statefulsets", "StatefulSet", true],
  ["apps", "daemonsets", "DaemonSet", true],
  ["batch", "jobs", "Job", true],
  ["batch", "cronjobs", "CronJob", true],
  ["networking.k8s.io", "networkpolicies", "NetworkPolicy", true],
  ["networking.k8s.io", "ingresses", "Ingress", true],
  ["security.istio.io", "authorizationpolicies", "AuthorizationPolicy", true],
  ["security.istio.io", "peerauthentications", "PeerAuthentication", true],
  ["security.istio.io", "requestauthentications", "RequestAuthentication", true],
  ["networking.istio.io", "destinationrules", "DestinationRule", true],
  ["networking.istio.io", "sidecars", "Sidecar", true],
  ["networking.istio.io", "serviceentries", "ServiceEntry", true],
  ["networking.istio.io", "virtualservices", "VirtualService", true],
  ["networking.istio.io", "gateways", "Gateway", true],
].map(([group, resource, kind, namespaced]) => ({ group, resource, kind, namespaced }) as { group: string; resource: string; kind: string; namespaced: boolean });
type CatalogEntry = (typeof CATALOG)[number];

const ALWAYS_SERVED = ["apps/v1", "batch/v1", "networking.k8s.io/v1"];

interface StoredObject {
  group: string;
  kind: string;
  namespace: string | undefined;
  name: string;
  value: Record<string, unknown>;
}

/** Starts the fake on 127.0.0.1 (a free port) and writes a kubeconfig for it. */
export async function startKubeApiServer(options: KubeApiServerOptions): Promise<KubeApiServer> {
  const token = options.token ?? DEFAULT_TEST_TOKEN;
  const api = new FakeApi(options);
  const requests: RecordedRequest[] = [];
  const timers = new Set<NodeJS.Timeout>();
  const wait = (ms: number) => new Promise<void>((resolve) => {
    const timer = setTimeout(() => (timers.delete(timer), resolve()), ms);
    timers.add(timer);
  });
  let inFlight = 0;
  let peak = 0;

  const server = createServer((req, res) => {
    requests.push({ method: req.method ?? "", path: req.url ?? "", headers: flatHeaders(req), at: performance.now() });
    inFlight++;
    peak = Math.max(peak, inFlight);
    res.on("close", () => inFlight--);
    void answer(req, res).catch((error: unknown) => send(res, 500, status(500, "InternalError", String(error))));
  });

  const answer = async (req: IncomingMessage, res: ServerResponse) => {
    if (options.latencyMs) await wait(options.latencyMs);
    if (req.method !== "GET") return send(res, 405, status(405, "MethodNotAllowed", `the server does not allow this method on the requested resource`));
    if (req.headers.authorization !== `Bearer ${token}`) return send(res, 401, status(401, "Unauthorized", "Unauthorized"));
    const url = new URL(req.url ?? "/", "http://fake");
    const failure = api.takeFailure(url);
    if (failure?.hangMs !== undefined) await wait(failure.hangMs);
    else if (failure?.status !== undefined) {
      const headers: Record<string, string> = failure.retryAfterSeconds === undefined ? {} : { "Retry-After": String(failure.retryAfterSeconds) };
      return send(res, failure.status, status(failure.status, reasonOf(failure.status), failure.message ?? `injected failure ${failure.status}`), headers);
    }
    const [code, body] = api.route(url);
    send(res, code, body);
  };

  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const dir = await mkdtemp(join(tmpdir(), "meshlens-kube-"));
  const kubeconfigPath = join(dir, "kubeconfig");
  await writeFile(kubeconfigPath, kubeconfigYaml({ server: url, token }));

  return {
    url,
    requests,
    kubeconfigPath,
    token,
    peakInFlight: () => peak,
    stop: async () => {
      for (const timer of timers) clearTimeout(timer);
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/** A kubeconfig with one context (default `test`) for a server, a bearer token and no TLS checks. */
export function kubeconfigYaml(options: { server: string; token: string; context?: string }): string {
  const name = options.context ?? "test";
  return stringify({
    apiVersion: "v1",
    kind: "Config",
    clusters: [{ name, cluster: { server: options.server, "insecure-skip-tls-verify": true } }],
    users: [{ name, user: { token: options.token } }],
    contexts: [{ name, context: { cluster: name, user: name } }],
    "current-context": name,
  });
}

/** The API's state and routing, apart from HTTP. */
class FakeApi {
  private readonly objects: StoredObject[];
  /** group -> versions served, best first. */
  private readonly served = new Map<string, string[]>();
  private readonly failures: (FakeFailure & { left: number })[];

  constructor(private readonly options: KubeApiServerOptions) {
    this.objects = options.objects.map(store).sort((a, b) => key(a).localeCompare(key(b)));
    const groupVersions = [
      ...ALWAYS_SERVED,
      ...(options.servedGroups ?? []),
      ...options.objects.map((o) => (o as { apiVersion: string }).apiVersion).filter((v) => v.includes("/")),
    ];
    for (const gv of groupVersions) {
      const [group = "", version = ""] = gv.split("/");
      const versions = this.served.get(group) ?? [];
      if (!versions.includes(version)) this.served.set(group, [...versions, version].sort(byVersionPriority));
    }
    this.failures = (options.failures ?? []).map((f) => ({ ...f, left: f.times ?? Infinity }));
  }

  /** The injected failure that applies to this request, counting it. */
  takeFailure(url: URL): FakeFailure | undefined {
    const failure = this.failures.find(
      (f) => f.path === url.pathname && f.left > 0 && (!f.continued || url.searchParams.has("continue")),
    );
    if (failure) failure.left--;
    return failure;
  }

  route(url: URL): [number, object] {
    const segments = url.pathname.split("/").filter(Boolean);
    const [root, group = "", version = ""] = segments;
    if (root === "api" && segments.length === 1) return [200, { kind: "APIVersions", versions: ["v1"], serverAddressByClientCIDRs: [] }];
    if (root === "apis" && segments.length === 1) return [200, this.groupList()];
    if (root === "api" && group === "v1") return this.routeVersion("", "v1", segments.slice(2), url);
    if (root === "apis" && this.served.get(group)?.includes(version)) return this.routeVersion(group, version, segments.slice(3), url);
    if (root === "apis" && segments.length === 2 && this.served.has(group)) return [200, this.group(group)];
    return notFound();
  }

  private routeVersion(group: string, version: string, rest: string[], url: URL): [number, object] {
    if (rest.length === 0) return [200, this.resourceList(group, version)];
    const [a, b, c, d] = rest;
    // [r] | [r, name] | [namespaces, ns, r] | [namespaces, ns, r, name]
    const scoped = a === "namespaces" && rest.length >= 3;
    const request = scoped ? { namespace: b, resource: c, name: d } : { namespace: undefined, resource: a, name: b };
    const entry = CATALOG.find((e) => e.group === group && e.resource === request.resource);
    if (!entry || rest.length > 4 || (scoped && !entry.namespaced) || (!scoped && entry.namespaced && request.name !== undefined)) {
      return notFound();
    }
    const verb = request.name === undefined ? "list" : "get";
    if (this.isForbidden(entry, request.namespace)) return [403, forbidden(entry, verb, request.namespace, request.name)];
    const apiVersion = group === "" ? version : `${group}/${version}`;
    if (request.name !== undefined) return this.getObject(entry, apiVersion, request.namespace, request.name);
    return this.list(entry, apiVersion, request.namespace, url.searchParams);
  }

  private isForbidden(entry: CatalogEntry, namespace: string | undefined): boolean {
    const name = entry.group === "" ? entry.resource : `${entry.resource}.${entry.group}`;
    return (this.options.forbidden ?? []).some(
      (f) => f.resource === name && (f.namespace === undefined || namespace === undefined || f.namespace === namespace),
    );
  }

  private getObject(entry: CatalogEntry, apiVersion: string, namespace: string | undefined, name: string): [number, object] {
    const found = this.objects.find((o) => o.group === entry.group && o.kind === entry.kind && o.namespace === namespace && o.name === name);
    if (!found) return [404, status(404, "NotFound", `${entry.resource} "${name}" not found`)];
    return [200, { ...found.value, apiVersion, kind: entry.kind }];
  }

  /** A page of a list: items without apiVersion and kind, like the real API's. */
  private list(entry: CatalogEntry, apiVersion: string, namespace: string | undefined, query: URLSearchParams): [number, object] {
    const all = this.objects.filter((o) => o.group === entry.group && o.kind === entry.kind && (namespace === undefined || o.namespace === namespace));
    const offset = query.has("continue") ? decodeContinue(query.get("continue") ?? "") : 0;
    if (offset === undefined) return [400, status(400, "BadRequest", "continue key is not valid")];
    const asked = Number(query.get("limit") ?? "0") || Infinity;
    const limit = Math.min(asked, this.options.pageLimitMax ?? Infinity);
    const page = all.slice(offset, offset + limit);
    const end = offset + page.length;
    const metadata = end < all.length ? { resourceVersion: "1", continue: encodeContinue(end), remainingItemCount: all.length - end } : { resourceVersion: "1" };
    const items = page.map(({ value }) => {
      const { apiVersion: _apiVersion, kind: _kind, ...rest } = value;
      return rest;
    });
    return [200, { kind: `${entry.kind}List`, apiVersion, metadata, items }];
  }

  private groupList(): object {
    const groups = [...this.served.keys()].map((name) => this.group(name));
    return { kind: "APIGroupList", apiVersion: "v1", groups };
  }

  private group(name: string): object {
    const versions = (this.served.get(name) ?? []).map((version) => ({ groupVersion: `${name}/${version}`, version }));
    return { kind: "APIGroup", apiVersion: "v1", name, versions, preferredVersion: versions[0] };
  }

  private resourceList(group: string, version: string): object {
    const resources = CATALOG.filter((e) => e.group === group).map((e) => ({
      name: e.resource,
      singularName: e.kind.toLowerCase(),
      namespaced: e.namespaced,
      kind: e.kind,
      verbs: ["get", "list", "watch"],
    }));
    return { kind: "APIResourceList", apiVersion: "v1", groupVersion: group === "" ? version : `${group}/${version}`, resources };
  }
}

function store(object: object): StoredObject {
  const value = object as Record<string, unknown>;
  const apiVersion = String(value.apiVersion);
  const kind = String(value.kind);
  const group = apiVersion.includes("/") ? (apiVersion.split("/")[0] ?? "") : "";
  const entry = CATALOG.find((e) => e.group === group && e.kind === kind);
  if (!entry) throw new Error(`the fake API server does not know ${apiVersion} ${kind}`);
  const metadata = (value.metadata ?? {}) as { name?: string; namespace?: string };
  if (!metadata.name) throw new Error(`a ${kind} without metadata.name`);
  const namespace = entry.namespaced ? (metadata.namespace ?? "default") : undefined;
  return { group, kind, namespace, name: metadata.name, value };
}

const key = (o: StoredObject) => `${o.namespace ?? ""}/${o.name}`;

/** Kubernetes' version order: GA before beta before alpha, higher numbers first (v1, v1beta2, v1beta1, v1alpha3). */
function byVersionPriority(a: string, b: string): number {
  const rank = (v: string) => {
    const match = /^v(\d+)(?:(alpha|beta)(\d+))?$/.exec(v);
    if (!match) return [0, 0, 0];
    const stability = match[2] === undefined ? 3 : match[2] === "beta" ? 2 : 1;
    return [stability, Number(match[1]), Number(match[3] ?? 0)];
  };
  const [ra, rb] = [rank(a), rank(b)];
  for (let i = 0; i < 3; i++) if (ra[i] !== rb[i]) return (rb[i] ?? 0) - (ra[i] ?? 0);
  return 0;
}

const encodeContinue = (offset: number) => Buffer.from(JSON.stringify({ offset })).toString("base64url");

function decodeContinue(token: string): number | undefined {
  try {
    const { offset } = JSON.parse(Buffer.from(token, "base64url").toString("utf8")) as { offset?: unknown };
    return typeof offset === "number" && Number.isInteger(offset) && offset >= 0 ? offset : undefined;
  } catch {
    return undefined;
  }
}

function status(code: number, reason: string, message: string, details?: object): object {
  return { kind: "Status", apiVersion: "v1", metadata: {}, status: "Failure", message, reason, ...(details ? { details } : {}), code };
}

function notFound(): [number, object] {
  return [404, status(404, "NotFound", "the server could not find the requested resource")];
}

/** A 403 worded as the real API server words it (RBAC's "cannot list resource ..."). */
function forbidden(entry: CatalogEntry, verb: string, namespace: string | undefined, name: string | undefined): object {
  const subject = `${entry.group === "" ? entry.resource : `${entry.resource}.${entry.group}`}${name === undefined ? "" : ` "${name}"`}`;
  const scope = namespace === undefined ? "at the cluster scope" : `in the namespace "${namespace}"`;
  const message = `${subject} is forbidden: User "${TEST_USER}" cannot ${verb} resource "${entry.resource}" in API group "${entry.group}" ${scope}`;
  return status(403, "Forbidden", message, { ...(name === undefined ? {} : { name }), group: entry.group, kind: entry.resource });
}

function reasonOf(code: number): string {
  const reasons: Record<number, string> = { 410: "Expired", 429: "TooManyRequests", 500: "InternalError", 503: "ServiceUnavailable" };
  return reasons[code] ?? "Unknown";
}

function send(res: ServerResponse, code: number, body: object, headers: Record<string, string> = {}): void {
  if (res.headersSent || res.destroyed) return;
  res.writeHead(code, { "Content-Type": "application/json", ...headers });
  res.end(JSON.stringify(body));
}

function flatHeaders(req: IncomingMessage): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(req.headers)) if (value !== undefined) headers[name] = Array.isArray(value) ? value.join(", ") : value;
  return headers;
}
