/**
 * The Prometheus client against a real Prometheus (backfilled, deterministic data) and against
 * tiny HTTP servers that misbehave on purpose. Everything listens on 127.0.0.1.
 */
import { execFile } from "node:child_process";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import { createServer as createHttpsServer } from "node:https";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { policy, wl } from "@/lib/domain/engine/testing/builders";
import { AppError } from "@/lib/domain/errors";
import { buildEdges, windowSeconds, type TelemetrySeries } from "@/lib/domain/telemetry/edges";
import { istioOpenMetrics, startPrometheus, type IstioCounter, type IstioSeries, type RunningPrometheus } from "@/lib/server/testing/prometheus";
import { queryTelemetry, redactUrl, telemetryQueries } from "./prometheus";

/**
 * The data: every counter has a point every 60 s from 09:00 to 12:00 UTC. It stays at 0 until
 * 10:00, grows by the same step each minute until 11:00, then stays flat; the queries ask for the
 * window 10:00-11:00 (3600 s). Prometheus 2.x selects the samples in [10:00, 11:00], both ends
 * included, so the first and last samples sit exactly on the window's edges: increase() needs no
 * extrapolation and is exactly value(11:00) - value(10:00) = 60 x the step. A counter growing 4
 * per minute shows 240 requests, 240/3600 per second. Traffic only inside the window means a
 * query over any other hour (a wrong `time`, a wrong range) would see less.
 */
const T0 = Date.parse("2026-01-01T09:00:00Z") / 1000;
const WINDOW = { start: "2026-01-01T10:00:00Z", end: "2026-01-01T11:00:00Z" };
const SECONDS = 3600;

function counter(metric: IstioCounter, labels: Record<string, string>, perMinute: number): IstioSeries {
  const points = Array.from({ length: 181 }, (_, minute): [number, number] => [T0 + minute * 60, perMinute * Math.min(Math.max(minute - 60, 0), 60)]);
  return { metric, labels, points };
}

/** Istio's labels for a request or connection from one `namespace/workload` to another. */
function pair(from: string, to: string, extra: Record<string, string>): Record<string, string> {
  const [sourceNamespace = "", source = ""] = from.split("/");
  const [destinationNamespace = "", destination = ""] = to.split("/");
  return {
    cluster: "a",
    source_workload: source,
    source_workload_namespace: sourceNamespace,
    destination_workload: destination,
    destination_workload_namespace: destinationNamespace,
    destination_service: `${destination}.${destinationNamespace}.svc.cluster.local`,
    destination_service_name: destination,
    destination_service_namespace: destinationNamespace,
    ...extra,
  };
}
const http = (code: string, reporter: string, security: string) => ({ request_protocol: "http", response_code: code, reporter, connection_security_policy: security });
const tcp = (reporter: string, security: string) => ({ request_protocol: "tcp", reporter, connection_security_policy: security });
const external = (host: string, cluster: string) => ({ destination_workload: "unknown", destination_workload_namespace: "unknown", destination_service: host, destination_service_name: cluster });
const tcpCounters = (labels: Record<string, string>, perMinute: { sent: number; received: number; opened: number }) => [
  counter("istio_tcp_sent_bytes_total", labels, perMinute.sent),
  counter("istio_tcp_received_bytes_total", labels, perMinute.received),
  counter("istio_tcp_connections_opened_total", labels, perMinute.opened),
];

const SERIES: IstioSeries[] = [
  // frontend -> cart, HTTP, reported by both sidecars. Destination: 200 mTLS 3/min, 200 plaintext
  // 1/min, 503 mTLS 1/min. Source: the same requests (200 4/min, 503 1/min), to be counted once.
  counter("istio_requests_total", pair("shop/frontend", "shop/cart", http("200", "destination", "mutual_tls")), 3),
  counter("istio_requests_total", pair("shop/frontend", "shop/cart", http("200", "destination", "none")), 1),
  counter("istio_requests_total", pair("shop/frontend", "shop/cart", http("503", "destination", "mutual_tls")), 1),
  counter("istio_requests_total", pair("shop/frontend", "shop/cart", http("200", "source", "unknown")), 4),
  counter("istio_requests_total", pair("shop/frontend", "shop/cart", http("503", "source", "unknown")), 1),
  // frontend -> legacy, TCP; legacy has no sidecar, so only frontend's proxy reports.
  ...tcpCounters(pair("shop/frontend", "shop/legacy", tcp("source", "unknown")), { sent: 1000, received: 250, opened: 2 }),
  // Out of the mesh: an unregistered host (ALLOW_ANY) and a blocked one (REGISTRY_ONLY answers 502).
  counter("istio_requests_total", pair("shop/frontend", "x/x", { ...http("200", "source", "unknown"), ...external("httpbin.org", "PassthroughCluster") }), 2),
  counter("istio_requests_total", pair("shop/frontend", "x/x", { ...http("502", "source", "unknown"), ...external("BlackHoleCluster", "BlackHoleCluster") }), 1),
  // payments -> api.stripe.com, declared by a ServiceEntry for *.stripe.com.
  ...tcpCounters(pair("shop/payments", "x/x", { ...tcp("source", "unknown"), ...external("api.stripe.com", "api.stripe.com") }), { sent: 3000, received: 500, opened: 1 }),
  // Plaintext TCP into cart from a client without peer metadata.
  ...tcpCounters(pair("unknown/unknown", "shop/cart", tcp("destination", "none")), { sent: 0, received: 100, opened: 1 }),
  // A client the snapshot does not have.
  counter("istio_requests_total", pair("shop/old-batch", "shop/cart", http("200", "destination", "mutual_tls")), 1),
  // Other clusters in the same Prometheus, told apart by the `cluster` label.
  counter("istio_requests_total", { ...pair("shop/frontend", "shop/cart", http("200", "destination", "mutual_tls")), cluster: "b" }, 100),
  counter("istio_requests_total", { ...pair("shop/frontend", "shop/cart", http("200", "destination", "mutual_tls")), cluster: 'c"\\' }, 7),
];

const WORKLOADS = ["frontend", "cart", "legacy", "payments"].map((name) => wl(`shop/${name}[Deployment]`, { app: name }, { sidecar: name !== "legacy" }));
const POLICIES = [policy("ServiceEntry", "shop", "stripe", { hosts: ["*.stripe.com"], ports: [{ number: 443, name: "tls", protocol: "TLS" }] }, "networking.istio.io/v1")];

function edgesOf(series: TelemetrySeries) {
  return buildEdges({ series, windowSeconds: windowSeconds(WINDOW), workloads: WORKLOADS, services: [], policies: POLICIES });
}

const quiet = { protocols: [], requests: 0, requestRate: 0, responses: {}, responseBytes: 0, requestBytes: 0, connections: 0, mtlsShare: null };
const workload = (name: string) => ({ kind: "workload", id: `shop/${name}[Deployment]` });

describe("queryTelemetry against a real Prometheus", () => {
  let prometheus: RunningPrometheus;
  beforeAll(async () => {
    prometheus = await startPrometheus({ openMetrics: istioOpenMetrics(SERIES) });
  });
  afterAll(async () => {
    await prometheus?.stop();
  });

  it("returns each reporter's increase over the window, exactly", async () => {
    const series = await queryTelemetry({ url: prometheus.url, window: WINDOW, extraLabels: { cluster: "a" } });
    const frontendToCart200 = series.requests
      .filter((s) => s.metric.source_workload === "frontend" && s.metric.destination_workload === "cart" && s.metric.response_code === "200")
      .map((s) => [s.metric.reporter, s.metric.connection_security_policy, s.value])
      .sort();
    // 3, 1 and 4 per minute over 60 minutes.
    expect(frontendToCart200).toEqual([
      ["destination", "mutual_tls", 180],
      ["destination", "none", 60],
      ["source", "unknown", 240],
    ]);
    // The grouping drops `cluster`; only the labels the edge builder reads come back.
    expect(Object.keys(series.requests[0]!.metric)).not.toContain("cluster");
  });

  it("gives edges with every figure worked out by hand", async () => {
    const { edges, unmatched, ignored } = edgesOf(await queryTelemetry({ url: prometheus.url, window: WINDOW, extraLabels: { cluster: "a" } }));
    expect(ignored).toBe(0);
    expect(unmatched).toEqual(["shop/old-batch"]);
    expect(edges).toEqual([
      {
        // Plaintext TCP from an unknown client: 1 connection and 100 bytes in per minute.
        ...quiet,
        source: { kind: "unknown", reason: expect.stringContaining("source_workload") },
        destination: workload("cart"),
        service: "cart.shop.svc.cluster.local",
        protocols: ["tcp"],
        requestBytes: 6000,
        connections: 60,
        mtlsShare: 0,
        reportedBy: "destination",
      },
      {
        ...quiet,
        source: { kind: "unmatched", namespace: "shop", name: "old-batch" },
        destination: workload("cart"),
        service: "cart.shop.svc.cluster.local",
        protocols: ["http"],
        requests: 60,
        requestRate: 60 / SECONDS,
        responses: { "2xx": 60 },
        mtlsShare: 1,
        reportedBy: "destination",
      },
      {
        // BlackHoleCluster answers 502: 1 per minute.
        ...quiet,
        source: workload("frontend"),
        destination: { kind: "external", host: "BlackHoleCluster", via: "blackhole" },
        service: "BlackHoleCluster",
        protocols: ["http"],
        requests: 60,
        requestRate: 60 / SECONDS,
        responses: { "5xx": 60 },
        reportedBy: "source",
      },
      {
        ...quiet,
        source: workload("frontend"),
        destination: { kind: "external", host: "httpbin.org", via: "passthrough" },
        service: "httpbin.org",
        protocols: ["http"],
        requests: 120,
        requestRate: 120 / SECONDS,
        responses: { "2xx": 120 },
        reportedBy: "source",
      },
      {
        // Destination's report only: 200s (3 + 1)/min = 240, 503s 1/min = 60, 300 in all (not 600).
        // mTLS: (180 + 60) of 300 = 0.8.
        ...quiet,
        source: workload("frontend"),
        destination: workload("cart"),
        service: "cart.shop.svc.cluster.local",
        protocols: ["http"],
        requests: 300,
        requestRate: 300 / SECONDS,
        responses: { "2xx": 240, "5xx": 60 },
        mtlsShare: 0.8,
        reportedBy: "destination",
      },
      {
        // No sidecar on legacy: the source's report, per minute 1000 bytes back, 250 out, 2 connections.
        ...quiet,
        source: workload("frontend"),
        destination: workload("legacy"),
        service: "legacy.shop.svc.cluster.local",
        protocols: ["tcp"],
        responseBytes: 60000,
        requestBytes: 15000,
        connections: 120,
        reportedBy: "source",
      },
      {
        ...quiet,
        source: workload("payments"),
        destination: { kind: "external", host: "api.stripe.com", via: "service-entry" },
        service: "api.stripe.com",
        protocols: ["tcp"],
        responseBytes: 180000,
        requestBytes: 30000,
        connections: 60,
        reportedBy: "source",
      },
    ]);
  });

  it("keeps to the series of the extra labels, quotes and backslashes included", async () => {
    const requestsOf = async (cluster: string) => {
      const series = await queryTelemetry({ url: prometheus.url, window: WINDOW, extraLabels: { cluster } });
      return edgesOf(series).edges.map((e) => e.requests);
    };
    expect(await requestsOf("b")).toEqual([6000]); // 100/min
    expect(await requestsOf('c"\\')).toEqual([420]); // 7/min
    expect(await requestsOf("nope")).toEqual([]);
  });

  it("adds the clusters up without extra labels", async () => {
    const series = await queryTelemetry({ url: prometheus.url, window: WINDOW });
    const mtls200 = series.requests.find(
      (s) => s.metric.reporter === "destination" && s.metric.source_workload === "frontend" && s.metric.response_code === "200" && s.metric.connection_security_policy === "mutual_tls",
    );
    // 3/min in a, 100/min in b, 7/min in c"\ : 180 + 6000 + 420.
    expect(mtls200?.value).toBe(6600);
  });
});

// ---------------------------------------------------------------------------------------------
// Tiny servers

interface Recorded {
  method: string;
  url: string;
  headers: IncomingMessage["headers"];
  form: URLSearchParams;
}

type Reply = { status: number; body: string; contentType?: string } | "never";

async function fakePrometheus(
  reply: (request: Recorded) => Reply,
  tls?: { key: string; cert: string },
): Promise<{ url: string; requests: Recorded[]; close(): Promise<void> }> {
  const requests: Recorded[] = [];
  const handler = (req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => {
      const recorded = { method: req.method ?? "", url: req.url ?? "", headers: req.headers, form: new URLSearchParams(Buffer.concat(chunks).toString("utf8")) };
      requests.push(recorded);
      const answer = reply(recorded);
      if (answer === "never") return;
      res.writeHead(answer.status, { "content-type": answer.contentType ?? "application/json" }).end(answer.body);
    });
  };
  const server: Server = tls ? createHttpsServer(tls, handler) : createServer(handler);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `${tls ? "https" : "http"}://127.0.0.1:${port}`,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

const EMPTY_VECTOR: Reply = { status: 200, body: JSON.stringify({ status: "success", data: { resultType: "vector", result: [] } }) };

async function failure(promise: Promise<unknown>): Promise<AppError> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(AppError);
  return error as AppError;
}

describe("queryTelemetry: the requests it sends", () => {
  it("POSTs one form-encoded instant query per counter, at the window's end, with the bearer token", async () => {
    const server = await fakePrometheus(() => EMPTY_VECTOR);
    try {
      const series = await queryTelemetry({ url: `${server.url}/prom/`, window: WINDOW, auth: { bearerToken: "s3cret-token" }, extraLabels: { cluster: 'a"b\\c' } });
      expect(series).toEqual({ requests: [], tcpSent: [], tcpReceived: [], tcpOpened: [] });
      expect(server.requests).toHaveLength(4);
      for (const request of server.requests) {
        expect(request.method).toBe("POST");
        expect(request.url).toBe("/prom/api/v1/query");
        expect(request.headers["content-type"]).toBe("application/x-www-form-urlencoded");
        expect(request.headers.authorization).toBe("Bearer s3cret-token");
        // 2026-01-01T11:00:00Z
        expect(request.form.get("time")).toBe("1767265200");
      }
      const queries = server.requests.map((r) => r.form.get("query")).sort();
      expect(queries).toEqual(Object.values(telemetryQueries({ window: WINDOW, extraLabels: { cluster: 'a"b\\c' } })).sort());
      expect(queries).toContain(
        "sum by (reporter, source_workload, source_workload_namespace, destination_workload, destination_workload_namespace, destination_service, destination_service_name, destination_service_namespace, connection_security_policy, request_protocol, response_code) " +
          '(increase(istio_requests_total{cluster="a\\"b\\\\c"}[3600s]))',
      );
      expect(queries).toContain(
        "sum by (reporter, source_workload, source_workload_namespace, destination_workload, destination_workload_namespace, destination_service, destination_service_name, destination_service_namespace, connection_security_policy) " +
          '(increase(istio_tcp_sent_bytes_total{cluster="a\\"b\\\\c"}[3600s]))',
      );
    } finally {
      await server.close();
    }
  });

  it("uses userinfo in the URL as basic auth", async () => {
    const server = await fakePrometheus(() => EMPTY_VECTOR);
    try {
      await queryTelemetry({ url: server.url.replace("http://", "http://alice:pa%3Ass@"), window: WINDOW });
      expect(server.requests[0]!.headers.authorization).toBe(`Basic ${Buffer.from("alice:pa:ss").toString("base64")}`);
    } finally {
      await server.close();
    }
  });

  it("reads Prometheus' special floats and keeps only the labels it grouped by", async () => {
    const row = (value: string) => `{"metric":{"reporter":"source","__proto__":"x","pod":"p-1"},"value":[1767265200,"${value}"]}`;
    const body = `{"status":"success","data":{"resultType":"vector","result":[${["12.5", "+Inf", "-Inf", "NaN"].map(row).join(",")}]}}`;
    const server = await fakePrometheus(() => ({ status: 200, body }));
    try {
      const series = await queryTelemetry({ url: server.url, window: WINDOW });
      expect(series.tcpOpened).toEqual([
        { metric: { reporter: "source" }, value: 12.5 },
        { metric: { reporter: "source" }, value: Number.POSITIVE_INFINITY },
        { metric: { reporter: "source" }, value: Number.NEGATIVE_INFINITY },
        { metric: { reporter: "source" }, value: Number.NaN },
      ]);
    } finally {
      await server.close();
    }
  });

  it("refuses an answer that is not an instant vector", async () => {
    const server = await fakePrometheus(() => ({ status: 200, body: JSON.stringify({ status: "success", data: { resultType: "matrix", result: [] } }) }));
    try {
      const error = await failure(queryTelemetry({ url: server.url, window: WINDOW }));
      expect(error.code).toBe("unavailable");
      expect(error.message).toMatch(new RegExp(`^Prometheus at ${server.url} answered istio_requests_total with something that is not an instant vector \\(data\\.resultType: `));
    } finally {
      await server.close();
    }
  });

  it("refuses a label name PromQL would not take, before sending anything", async () => {
    const error = await failure(queryTelemetry({ url: "http://127.0.0.1:1", window: WINDOW, extraLabels: { "bad-name": "x" } }));
    expect(error.code).toBe("bad_request");
    expect(error.message).toContain('"bad-name"');
  });
});

describe("queryTelemetry: when Prometheus fails", () => {
  it("says a closed port is unreachable, naming the URL without credentials", async () => {
    const server = await fakePrometheus(() => EMPTY_VECTOR);
    const closedUrl = server.url;
    await server.close();
    const error = await failure(queryTelemetry({ url: closedUrl.replace("http://", "http://alice:hunter2@"), window: WINDOW }));
    expect(error.code).toBe("unavailable");
    expect(error.message).toBe(`Prometheus at ${closedUrl} is unreachable: connection refused (ECONNREFUSED)`);
    expect(JSON.stringify(error.details)).not.toMatch(/alice|hunter2/);
  });

  it("passes on Prometheus' own error, with its type, and scrubs credentials it echoes", async () => {
    const server = await fakePrometheus((request) => ({
      status: 400,
      body: JSON.stringify({ status: "error", errorType: "bad_data", error: `invalid parameter "query" (sent with ${request.headers.authorization})` }),
    }));
    try {
      const error = await failure(queryTelemetry({ url: server.url, window: WINDOW, auth: { bearerToken: "tok-123" } }));
      expect(error.code).toBe("unavailable");
      expect(error.message).toBe('Prometheus answered an error for istio_requests_total: bad_data: invalid parameter "query" (sent with Bearer [redacted])');
    } finally {
      await server.close();
    }
  });

  it("reports an HTTP error that is not Prometheus' JSON, and an answer that is not JSON", async () => {
    const server = await fakePrometheus((request) =>
      request.url.startsWith("/html") ? { status: 200, body: "<html>login</html>", contentType: "text/html" } : { status: 500, body: "upstream\nexploded", contentType: "text/plain" },
    );
    try {
      const http500 = await failure(queryTelemetry({ url: server.url, window: WINDOW }));
      expect(http500.message).toBe("Prometheus answered an error for istio_requests_total: HTTP 500: upstream exploded");
      const html = await failure(queryTelemetry({ url: `${server.url}/html`, window: WINDOW }));
      expect(html.message).toBe(`Prometheus at ${server.url}/html answered istio_requests_total with something that is not JSON (text/html): <html>login</html>`);
      expect([http500.code, html.code]).toEqual(["unavailable", "unavailable"]);
    } finally {
      await server.close();
    }
  });

  it("gives up after timeoutMs when Prometheus never answers", async () => {
    const server = await fakePrometheus(() => "never");
    try {
      const started = Date.now();
      const error = await failure(queryTelemetry({ url: server.url, window: WINDOW, timeoutMs: 300 }));
      expect(error.code).toBe("unavailable");
      expect(error.message).toBe(`Prometheus at ${server.url} is unreachable: no answer within 300 ms`);
      expect(Date.now() - started).toBeLessThan(5_000);
    } finally {
      await server.close();
    }
  });
});

describe("queryTelemetry over https", () => {
  /** A self-signed certificate for 127.0.0.1, made fresh with openssl (it is its own CA). */
  let tls: { key: string; cert: string };
  beforeAll(async () => {
    const dir = await mkdtemp(join(tmpdir(), "meshlens-tls-"));
    try {
      const [key, cert] = [join(dir, "key.pem"), join(dir, "cert.pem")];
      const args = ["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1"];
      await promisify(execFile)("openssl", [...args, "-keyout", key, "-out", cert]);
      tls = { key: await readFile(key, "utf8"), cert: await readFile(cert, "utf8") };
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it("trusts a private CA given as caPem, and says what to do without it", async () => {
    const server = await fakePrometheus(() => EMPTY_VECTOR, tls);
    try {
      const series = await queryTelemetry({ url: server.url, window: WINDOW, caPem: tls.cert });
      expect(series.requests).toEqual([]);
      const error = await failure(queryTelemetry({ url: server.url, window: WINDOW }));
      expect(error.code).toBe("unavailable");
      expect(error.message).toBe(
        `Prometheus at ${server.url} is unreachable: self-signed certificate (DEPTH_ZERO_SELF_SIGNED_CERT); if a private CA signed its certificate, give that CA's PEM`,
      );
    } finally {
      await server.close();
    }
  });
});

describe("redactUrl", () => {
  it("drops userinfo, query and fragment", () => {
    expect(redactUrl("https://bob:pw@prom.example:9090/prometheus/?token=x#y")).toBe("https://prom.example:9090/prometheus");
    expect(redactUrl("not a url")).toBe("(an invalid URL)");
  });
});
