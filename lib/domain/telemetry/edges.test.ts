/**
 * Telemetry samples to traffic edges, on hand-made samples. Windows are 600 s (10 minutes), so a
 * rate is the count divided by 600: 120 requests -> 0.2/s.
 */
import { describe, expect, it } from "vitest";
import { policy, svc, wl } from "../engine/testing/builders";
import { AppError } from "../errors";
import type { TrafficEdge, Workload } from "../model";
import { buildEdges, windowSeconds, type TelemetrySample, type TelemetrySeries } from "./edges";

const WINDOW = 600;
const frontend = wl("shop/frontend[Deployment]", { app: "frontend" }, { sidecar: true });
const cart = wl("shop/cart[Deployment]", { app: "cart" }, { sidecar: true });
const legacy = wl("shop/legacy[Deployment]", { app: "legacy" }, { sidecar: false });
const WORKLOADS = [frontend, cart, legacy];

/** Labels of one source -> destination pair, as Istio writes them (`namespace/name` of each workload). */
function pair(from: string, to: string, extra: Record<string, string> = {}): Record<string, string> {
  const [sourceNamespace = "", source = ""] = from.split("/");
  const [destinationNamespace = "", destination = ""] = to.split("/");
  return {
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

const sample = (metric: Record<string, string>, value: number): TelemetrySample => ({ metric, value });
const http = (code: string, reporter: string, security: string) => ({ request_protocol: "http", response_code: code, reporter, connection_security_policy: security });
const tcp = (reporter: string, security: string) => ({ reporter, connection_security_policy: security });

function series(parts: Partial<TelemetrySeries>): TelemetrySeries {
  return { requests: [], tcpSent: [], tcpReceived: [], tcpOpened: [], ...parts };
}

function build(parts: Partial<TelemetrySeries>, options: { workloads?: Workload[]; policies?: ReturnType<typeof policy>[]; services?: ReturnType<typeof svc>[] } = {}) {
  return buildEdges({
    series: series(parts),
    windowSeconds: WINDOW,
    workloads: options.workloads ?? WORKLOADS,
    services: options.services ?? [],
    policies: options.policies ?? [],
  });
}

/** An edge with no traffic, to spread the fields a test is about over. */
const quiet: Omit<TrafficEdge, "source" | "destination" | "service" | "reportedBy"> = {
  protocols: [],
  requests: 0,
  requestRate: 0,
  responses: {},
  responseBytes: 0,
  requestBytes: 0,
  connections: 0,
  mtlsShare: null,
};
const CART_SERVICE = "cart.shop.svc.cluster.local";

describe("buildEdges: counting each request once", () => {
  it("keeps the destination's report when both proxies reported the same requests", () => {
    // frontend -> cart, 120 requests answered 200: the client's sidecar and the server's sidecar
    // each counted them. 120 over 600 s = 0.2/s.
    const { edges } = build({
      requests: [sample(pair("shop/frontend", "shop/cart", http("200", "source", "unknown")), 120), sample(pair("shop/frontend", "shop/cart", http("200", "destination", "mutual_tls")), 120)],
    });
    expect(edges).toEqual([
      {
        ...quiet,
        source: { kind: "workload", id: "shop/frontend[Deployment]" },
        destination: { kind: "workload", id: "shop/cart[Deployment]" },
        service: CART_SERVICE,
        protocols: ["http"],
        requests: 120,
        requestRate: 0.2,
        responses: { "2xx": 120 },
        mtlsShare: 1,
        reportedBy: "destination",
      },
    ]);
  });

  it("adds a response code only the source saw (e.g. 503s that never reached the server)", () => {
    // Destination: 120 x 200. Source: the same 120 x 200, plus 6 x 503. 120 + 6 = 126; 126/600 = 0.21/s.
    const { edges } = build({
      requests: [
        sample(pair("shop/frontend", "shop/cart", http("200", "source", "unknown")), 120),
        sample(pair("shop/frontend", "shop/cart", http("503", "source", "unknown")), 6),
        sample(pair("shop/frontend", "shop/cart", http("200", "destination", "mutual_tls")), 120),
      ],
    });
    expect(edges).toHaveLength(1);
    expect(edges[0]).toMatchObject({ requests: 126, requestRate: 0.21, responses: { "2xx": 120, "5xx": 6 }, reportedBy: "destination", mtlsShare: 1 });
  });

  it("counts a source-only edge once, without encryption, when the server has no sidecar", () => {
    // frontend -> legacy (no sidecar): only frontend's proxy reports. TCP: 5000 bytes back, 1000 out, 10 connections.
    const labels = pair("shop/frontend", "shop/legacy", tcp("source", "unknown"));
    const { edges } = build({ tcpSent: [sample(labels, 5000)], tcpReceived: [sample(labels, 1000)], tcpOpened: [sample(labels, 10)] });
    expect(edges).toEqual([
      {
        ...quiet,
        source: { kind: "workload", id: "shop/frontend[Deployment]" },
        destination: { kind: "workload", id: "shop/legacy[Deployment]" },
        service: "legacy.shop.svc.cluster.local",
        protocols: ["tcp"],
        responseBytes: 5000,
        requestBytes: 1000,
        connections: 10,
        mtlsShare: null,
        reportedBy: "source",
      },
    ]);
  });

  it("prefers a waypoint's report to the source's, and the destination's to a waypoint's", () => {
    const at = (reporter: string, value: number) => sample(pair("shop/frontend", "shop/cart", http("200", reporter, reporter === "source" ? "unknown" : "mutual_tls")), value);
    expect(build({ requests: [at("source", 50), at("waypoint", 40)] }).edges[0]).toMatchObject({ requests: 40, reportedBy: "destination" });
    expect(build({ requests: [at("source", 50), at("waypoint", 40), at("destination", 30)] }).edges[0]).toMatchObject({ requests: 30 });
  });
});

describe("buildEdges: encryption", () => {
  it("weighs the share of mutual TLS by requests: 30 mutual_tls + 10 none -> 30/40 = 0.75", () => {
    const { edges } = build({
      requests: [
        sample(pair("shop/frontend", "shop/cart", http("200", "destination", "mutual_tls")), 30),
        sample(pair("shop/frontend", "shop/cart", http("200", "destination", "none")), 10),
        // The source's view says nothing about encryption and is a duplicate of the above.
        sample(pair("shop/frontend", "shop/cart", http("200", "source", "unknown")), 40),
      ],
    });
    expect(edges[0]).toMatchObject({ requests: 40, mtlsShare: 0.75, responses: { "2xx": 40 } });
  });

  it("weighs TCP by connections opened: 3 mutual + 1 plain -> 0.75, whatever the bytes", () => {
    const mutual = pair("shop/frontend", "shop/cart", tcp("destination", "mutual_tls"));
    const plain = pair("shop/frontend", "shop/cart", tcp("destination", "none"));
    const { edges } = build({ tcpOpened: [sample(mutual, 3), sample(plain, 1)], tcpSent: [sample(mutual, 100), sample(plain, 9900)] });
    expect(edges[0]).toMatchObject({ connections: 4, responseBytes: 10000, mtlsShare: 0.75, protocols: ["tcp"] });
  });

  it("falls back to bytes when no connection was opened in the window (a long-lived connection): (600 + 300) mutual / (600 + 300 + 100) = 0.9", () => {
    const mutual = pair("shop/frontend", "shop/cart", tcp("destination", "mutual_tls"));
    const plain = pair("shop/frontend", "shop/cart", tcp("destination", "none"));
    const { edges } = build({ tcpSent: [sample(mutual, 600), sample(plain, 100)], tcpReceived: [sample(mutual, 300)] });
    expect(edges[0]).toMatchObject({ responseBytes: 700, requestBytes: 300, connections: 0, mtlsShare: 0.9 });
  });

  it("never reads it from the source's report, whatever that says", () => {
    const labels = pair("shop/frontend", "shop/legacy", tcp("source", "mutual_tls"));
    const { edges } = build({ tcpOpened: [sample(labels, 3)] });
    expect(edges[0]).toMatchObject({ connections: 3, mtlsShare: null, reportedBy: "source" });
  });

  it("is null when the destination's proxy did not say (connection_security_policy unknown)", () => {
    const { edges } = build({ requests: [sample(pair("shop/frontend", "shop/cart", http("200", "destination", "unknown")), 5)] });
    expect(edges[0]).toMatchObject({ requests: 5, mtlsShare: null, reportedBy: "destination" });
  });
});

describe("buildEdges: traffic leaving the mesh", () => {
  const out = (extra: Record<string, string>) => ({
    source_workload: "frontend",
    source_workload_namespace: "shop",
    destination_workload: "unknown",
    destination_workload_namespace: "unknown",
    ...http("200", "source", "unknown"),
    ...extra,
  });

  it("names PassthroughCluster traffic by its host, and BlackHoleCluster traffic by the cluster when there is no host", () => {
    const { edges } = build({
      requests: [
        sample(out({ destination_service: "httpbin.org", destination_service_name: "PassthroughCluster" }), 12),
        sample(out({ destination_service: "unknown", destination_service_name: "BlackHoleCluster", response_code: "502" }), 3),
      ],
    });
    expect(edges.map((e) => [e.destination, e.service, e.requests, e.responses, e.reportedBy])).toEqual([
      [{ kind: "external", host: "BlackHoleCluster", via: "blackhole" }, null, 3, { "5xx": 3 }, "source"],
      [{ kind: "external", host: "httpbin.org", via: "passthrough" }, "httpbin.org", 12, { "2xx": 12 }, "source"],
    ]);
  });

  it("names a MESH_EXTERNAL ServiceEntry host (exact or wildcard), but not a MESH_INTERNAL one", () => {
    const policies = [
      policy("ServiceEntry", "shop", "stripe", { hosts: ["*.stripe.com"], ports: [{ number: 443, name: "tls", protocol: "TLS" }] }, "networking.istio.io/v1"),
      policy("ServiceEntry", "shop", "vm", { hosts: ["db.internal.example"], location: "MESH_INTERNAL", ports: [{ number: 5432 }] }, "networking.istio.io/v1"),
    ];
    const { edges } = build(
      {
        requests: [
          sample(out({ destination_service: "api.stripe.com", destination_service_name: "api.stripe.com" }), 7),
          sample(out({ destination_service: "db.internal.example", destination_service_name: "db.internal.example" }), 2),
        ],
      },
      { policies },
    );
    expect(edges.map((e) => e.destination)).toEqual([
      { kind: "external", host: "api.stripe.com", via: "service-entry" },
      { kind: "unknown", reason: expect.stringContaining('destination_workload is "unknown"') },
    ]);
  });

  it("names traffic to an egress gateway by its destination service, found by name or by the istio: egressgateway label", () => {
    const gateway = wl("istio-system/egress-gw[Deployment]", { istio: "egressgateway" }, { sidecar: false });
    const toGateway = (workload: string, service: string) =>
      sample(pair("shop/frontend", `istio-system/${workload}`, { ...http("200", "destination", "mutual_tls"), destination_service: service }), 4);
    const { edges } = build(
      { requests: [toGateway("istio-egressgateway", "istio-egressgateway.istio-system.svc.cluster.local"), toGateway("egress-gw", "egress-gw.istio-system.svc.cluster.local")] },
      { workloads: [...WORKLOADS, gateway] },
    );
    expect(edges.map((e) => e.destination)).toEqual([
      { kind: "external", host: "egress-gw.istio-system.svc.cluster.local", via: "egress-gateway" },
      { kind: "external", host: "istio-egressgateway.istio-system.svc.cluster.local", via: "egress-gateway" },
    ]);
  });
});

describe("buildEdges: naming the peers", () => {
  it("makes an unknown source of plaintext TCP an unknown peer (a TCP-only edge, reported by the destination)", () => {
    const labels = pair("unknown/unknown", "shop/cart", tcp("destination", "none"));
    const { edges, unmatched } = build({ tcpOpened: [sample(labels, 2)], tcpReceived: [sample(labels, 64)] });
    expect(unmatched).toEqual([]);
    expect(edges).toEqual([
      {
        ...quiet,
        source: { kind: "unknown", reason: expect.stringContaining('source_workload is "unknown"') },
        destination: { kind: "workload", id: "shop/cart[Deployment]" },
        service: CART_SERVICE,
        protocols: ["tcp"],
        requestBytes: 64,
        connections: 2,
        mtlsShare: 0,
        reportedBy: "destination",
      },
    ]);
  });

  it("lists workload names that match nothing once each, sorted", () => {
    const { edges, unmatched } = build({
      requests: [
        sample(pair("shop/ghost", "shop/cart", http("200", "destination", "mutual_tls")), 1),
        sample(pair("old/frontend", "shop/ghost", http("200", "source", "unknown")), 1),
        sample(pair("shop/frontend", "shop/ghost", http("200", "source", "unknown")), 1),
      ],
    });
    expect(unmatched).toEqual(["old/frontend", "shop/ghost"]);
    expect(edges.map((e) => [e.source, e.destination])).toEqual([
      [{ kind: "unmatched", namespace: "old", name: "frontend" }, { kind: "unmatched", namespace: "shop", name: "ghost" }],
      [{ kind: "unmatched", namespace: "shop", name: "ghost" }, { kind: "workload", id: "shop/cart[Deployment]" }],
      [{ kind: "workload", id: "shop/frontend[Deployment]" }, { kind: "unmatched", namespace: "shop", name: "ghost" }],
    ]);
  });

  it("matches names as Istio reports them: a Deployment before a Pod of the same name, a CronJob's Jobs, the workload-name label", () => {
    const workloads = [
      wl("shop/cart[Pod]"),
      wl("shop/cart[Deployment]"),
      wl("blog/backup[CronJob]"),
      // A Job named <name>-<8 to 11 digits> is reported under <name>, as a CronJob's Jobs are.
      wl("blog/migrate-29012345[Job]"),
      wl("blog/api[Deployment]", { "service.istio.io/workload-name": "blog-api" }),
    ];
    const to = (destination: string) => sample(pair("shop/frontend", destination, http("200", "source", "unknown")), 1);
    const { edges, unmatched } = build({ requests: [to("shop/cart"), to("blog/backup"), to("blog/migrate"), to("blog/blog-api")] }, { workloads: [frontend, ...workloads] });
    expect(unmatched).toEqual([]);
    expect(edges.map((e) => e.destination)).toEqual([
      { kind: "workload", id: "blog/api[Deployment]" },
      { kind: "workload", id: "blog/backup[CronJob]" },
      { kind: "workload", id: "blog/migrate-29012345[Job]" },
      { kind: "workload", id: "shop/cart[Deployment]" },
    ]);
  });

  it("names an unknown destination by its Service when the Service selects exactly one workload", () => {
    const services = [svc("shop/legacy", { app: "legacy" }, [["http", 80, 8080]]), svc("shop/all", {}, [["http", 80, 8080]])];
    const unnamed = (service: string) => ({
      ...pair("shop/frontend", "shop/x", tcp("source", "unknown")),
      destination_workload: "unknown",
      destination_workload_namespace: "unknown",
      destination_service: `${service}.shop.svc.cluster.local`,
      destination_service_name: service,
      destination_service_namespace: "shop",
    });
    const { edges } = build({ tcpOpened: [sample(unnamed("legacy"), 1), sample(unnamed("all"), 1)] }, { services });
    expect(edges.map((e) => [e.service, e.destination])).toEqual([
      ["all.shop.svc.cluster.local", { kind: "unknown", reason: expect.any(String) }],
      ["legacy.shop.svc.cluster.local", { kind: "workload", id: "shop/legacy[Deployment]" }],
    ]);
  });
});

describe("buildEdges: hostile and odd input", () => {
  it("ignores values that are not finite numbers >= 0 and reporters Istio never writes, and skips zeros", () => {
    const labels = pair("shop/frontend", "shop/cart", http("200", "destination", "mutual_tls"));
    const { edges, ignored } = build({
      requests: [
        sample(labels, Number.NaN),
        sample(labels, -1),
        sample(labels, Number.POSITIVE_INFINITY),
        sample({ ...labels, reporter: "proxy" }, 5),
        sample({ ...labels, response_code: "500" }, 0),
        sample(labels, 2),
      ],
    });
    expect(ignored).toBe(4);
    expect(edges.map((e) => [e.requests, e.responses])).toEqual([[2, { "2xx": 2 }]]);
  });

  it("does not throw on odd label values, and keeps `/` in names from colliding", () => {
    const odd = {
      reporter: "destination",
      source_workload: "a/b",
      source_workload_namespace: "shop",
      destination_workload: "cart",
      destination_workload_namespace: "shop",
      destination_service: '"; drop',
      response_code: "NaN",
      request_protocol: "HTTP",
      connection_security_policy: "mutual_tls",
      ["__proto__"]: "x",
      constructor: "y",
    };
    const { edges, unmatched } = build({ requests: [sample(odd, 1), sample({} as Record<string, string>, 1)] });
    expect(unmatched).toEqual(["shop/a/b"]);
    expect(edges).toHaveLength(1);
    expect(edges[0]).toMatchObject({ service: '"; drop', responses: { other: 1 }, protocols: ["http"] });
  });

  it("gives the same edges in the same order whatever order the samples come in", () => {
    const requests = [
      sample(pair("shop/frontend", "shop/cart", http("200", "destination", "mutual_tls")), 0.1),
      sample(pair("shop/frontend", "shop/cart", http("201", "destination", "mutual_tls")), 0.2),
      sample(pair("shop/frontend", "shop/cart", http("204", "destination", "mutual_tls")), 0.3),
      sample(pair("shop/cart", "shop/legacy", http("200", "source", "unknown")), 1),
      sample(pair("shop/frontend", "shop/legacy", http("200", "source", "unknown")), 1),
    ];
    const forward = build({ requests });
    expect(build({ requests: [...requests].reverse() })).toEqual(forward);
    expect(forward.edges.map((e) => [e.source, e.destination].map((p) => (p.kind === "workload" ? p.id : p.kind)).join(" -> "))).toEqual([
      "shop/cart[Deployment] -> shop/legacy[Deployment]",
      "shop/frontend[Deployment] -> shop/cart[Deployment]",
      "shop/frontend[Deployment] -> shop/legacy[Deployment]",
    ]);
  });

  it("refuses a window that is not a positive number of seconds", () => {
    expect(() => buildEdges({ series: series({}), windowSeconds: 0, workloads: [], services: [], policies: [] })).toThrow(AppError);
  });
});

describe("windowSeconds", () => {
  it("is the window's length in seconds", () => {
    expect(windowSeconds({ start: "2026-01-01T10:00:00Z", end: "2026-01-01T11:00:00Z" })).toBe(3600);
  });

  it("refuses windows that are not dates or do not move forward", () => {
    for (const window of [
      { start: "yesterday", end: "2026-01-01T11:00:00Z" },
      { start: "2026-01-01T11:00:00Z", end: "2026-01-01T11:00:00Z" },
    ]) {
      expect(() => windowSeconds(window)).toThrow(expect.objectContaining({ code: "bad_request" }));
    }
  });
});
