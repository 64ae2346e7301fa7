import { describe, expect, it } from "vitest";
import { AppError } from "../errors";
import { withFindings } from "../findings";
import { demoSnapshot, edge, snapshot } from "../findings/test-helpers";
import { ns, wl } from "../engine/testing/builders";
import type { Finding, Snapshot } from "../model";
import { diffSnapshots } from "./index";
import { diffFindings } from "./findings";
import { shopSnapshot } from "./test-helpers";

const ids = <T extends { id: string }>(list: { items: T[] }) => list.items.map((i) => i.id);

describe("diffSnapshots on two versions of a small cluster (testdata.ts: SHOP_V1 -> SHOP_V2)", () => {
  const diff = diffSnapshots(shopSnapshot(1), shopSnapshot(2));

  it("lists workloads added, removed and changed, saying what changed", () => {
    // v2 adds cache and drops legacy (both in shop, which injects sidecars).
    expect(diff.workloads.added).toEqual({ total: 1, items: [{ id: "shop/cache[Deployment]", namespace: "shop", kind: "Deployment", sidecar: true }] });
    expect(diff.workloads.removed).toEqual({ total: 1, items: [{ id: "shop/legacy[Deployment]", namespace: "shop", kind: "Deployment", sidecar: true }] });
    // Sorted by id: db opened a metrics port (ports sorted by container/name), api changed its
    // service account, web gained a label (only the differing labels are shown). web's image
    // changed too, but an image is not something the analysis reads.
    expect(diff.workloads.changed.items.map((w) => [w.id, w.changes])).toEqual([
      ["data/db[Deployment]", [{ field: "ports", before: "postgres/pg 5432/TCP", after: "postgres/metrics 9187/TCP, postgres/pg 5432/TCP" }]],
      ["shop/api[Deployment]", [{ field: "serviceAccount", before: "api", after: "api-v2" }]],
      ["shop/web[Deployment]", [{ field: "labels", before: "(none)", after: "version=v2" }]],
    ]);
  });

  it("lists policies added, removed and changed, with a unified diff of their YAML", () => {
    expect(ids(diff.policies.added)).toEqual(["data/db-egress[NetworkPolicy]", "shop/api-egress[NetworkPolicy]", "shop/cache-ingress[NetworkPolicy]"]);
    expect(ids(diff.policies.removed)).toEqual(["shop/metrics-ingress[NetworkPolicy]"]);
    // legacy-ingress is the same in both (its workload went, the policy stayed): not changed.
    expect(ids(diff.policies.changed)).toEqual(["shop/api-ingress[NetworkPolicy]", "shop/web-egress[NetworkPolicy]"]);
    // Both changed policies gained one line, `- port: 9091`, after `- port: 9090`.
    const apiIngress = diff.policies.changed.items[0]!;
    expect(apiIngress).toMatchObject({ added: 1, removed: 0 });
    expect(apiIngress.diff.split("\n").filter((l) => /^[+-]/.test(l))).toEqual(["+        - port: 9091"]);
    expect(apiIngress.diff).toMatch(/^@@ -\d+,\d+ \+\d+,\d+ @@\n/);
    expect(apiIngress.diff).toContain("         - port: 9090\n+        - port: 9091");
    // A removed policy: every line of its YAML removed, starting with apiVersion.
    const metrics = diff.policies.removed.items[0]!;
    expect(metrics.diff.split("\n")[1]).toBe("-apiVersion: networking.k8s.io/v1");
    expect(metrics.added).toBe(0);
    expect(metrics.removed).toBe(metrics.diff.split("\n").length - 1);
  });

  it("lists allowed paths gained, lost and changed, from the engine", () => {
    // Gained: db may now reach 10.0.0.0/8 on TCP 443 (data/db-egress); api may reach db on 5432
    // (api-egress, and db-ingress already admitted api; db has no sidecar, so Istio does not
    // apply); api may reach the new cache on 6379 (api-egress + cache-ingress; both have
    // sidecars, PERMISSIVE by Istio's default, no AuthorizationPolicy) - an endpoint that is new.
    expect(diff.paths.gained).toEqual({
      total: 3,
      items: [
        { source: "data/db[Deployment]", destination: "10.0.0.0-10.255.255.255[External]", connections: "TCP 443" },
        { source: "shop/api[Deployment]", destination: "data/db[Deployment]", connections: "TCP 5432" },
        { source: "shop/api[Deployment]", destination: "shop/cache[Deployment]", connections: "TCP 6379", endpointChanged: true },
      ],
    });
    // Lost: db was not isolated for egress, so it could reach any outside address.
    expect(diff.paths.lost).toEqual({
      total: 1,
      items: [{ source: "data/db[Deployment]", destination: "0.0.0.0-255.255.255.255[External]", connections: "All Connections" }],
    });
    // Changed: web-egress and api-ingress both opened 9091 as well.
    expect(diff.paths.changed).toEqual({
      total: 1,
      items: [{ source: "shop/web[Deployment]", destination: "shop/api[Deployment]", connections: "TCP 9090-9091", before: "TCP 9090" }],
    });
  });

  it("lists findings introduced, resolved and unchanged by their stable ids", () => {
    expect(ids(diff.findings.introduced).sort()).toEqual([
      // data is now isolated for egress (db-egress) with no route to DNS.
      "egress-blocks-dns:data",
      // api (sidecar) may now call db, which has none: that would be plaintext.
      "mtls-not-enforced:data/db[Deployment]",
      // The new cache accepts plaintext (PERMISSIVE by default).
      "mtls-not-enforced:shop/cache[Deployment]",
      // legacy went, its policy stayed.
      "policy-selects-nothing:shop/legacy-ingress[NetworkPolicy]",
    ]);
    expect(ids(diff.findings.resolved).sort()).toEqual([
      // legacy is gone.
      "mtls-not-enforced:shop/legacy[Deployment]",
      // db-egress isolates the only workload of data for egress.
      "no-default-deny:data:egress",
      // metrics-ingress was removed.
      "policy-selects-nothing:shop/metrics-ingress[NetworkPolicy]",
    ]);
    // Still true in v2: shop's default-deny blocks DNS; api and web accept plaintext.
    expect(ids(diff.findings.unchanged).sort()).toEqual(["egress-blocks-dns:shop", "mtls-not-enforced:shop/api[Deployment]", "mtls-not-enforced:shop/web[Deployment]"]);
    // Worst first: the high one (no sidecar while meshed callers may call) leads.
    expect(diff.findings.introduced.items[0]).toMatchObject({ id: "mtls-not-enforced:data/db[Deployment]", severity: "high" });
  });

  it("has no observed traffic to compare: neither version has telemetry", () => {
    expect(diff.edges).toEqual({
      appeared: { total: 0, items: [] },
      disappeared: { total: 0, items: [] },
      encryptionChanged: { total: 0, items: [] },
      peersAdded: [],
      peersRemoved: [],
    });
  });

  it("keeps at most `limit` items per list and counts them all", () => {
    const small = diffSnapshots(shopSnapshot(1), shopSnapshot(2), { limit: 1 });
    expect(small.limit).toBe(1);
    // Three paths gained (above), the first one kept.
    expect(small.paths.gained).toEqual({ total: 3, items: [diff.paths.gained.items[0]] });
    expect(small.policies.added.total).toBe(3);
    expect(ids(small.policies.added)).toEqual(["data/db-egress[NetworkPolicy]"]);
    expect(small.findings.introduced.total).toBe(4);
    expect(small.findings.introduced.items).toHaveLength(1);
  });

  it("reads the other way round as the mirror image", () => {
    const back = diffSnapshots(shopSnapshot(2), shopSnapshot(1));
    expect(ids(back.workloads.added)).toEqual(ids(diff.workloads.removed));
    expect(back.paths.lost.items.map((p) => [p.source, p.destination])).toEqual(diff.paths.gained.items.map((p) => [p.source, p.destination]));
    expect(back.paths.changed.items).toEqual([{ source: "shop/web[Deployment]", destination: "shop/api[Deployment]", connections: "TCP 9090", before: "TCP 9090-9091" }]);
  });
});

describe("diffSnapshots, edge cases", () => {
  it("gives an empty diff for a snapshot compared with itself", () => {
    const v2 = shopSnapshot(2);
    const diff = diffSnapshots(v2, v2);
    for (const section of [diff.workloads, diff.policies, diff.paths, { ...diff.edges, peersAdded: undefined, peersRemoved: undefined }]) {
      for (const list of Object.values(section)) if (list) expect(list).toEqual({ total: 0, items: [] });
    }
    expect(diff.findings.introduced.total + diff.findings.resolved.total).toBe(0);
    expect(diff.findings.unchanged.total).toBe(v2.findings.length);
  });

  it("refuses snapshots of different clusters with a clear error", () => {
    let error: unknown;
    try {
      diffSnapshots(shopSnapshot(1, "prod"), shopSnapshot(2, "staging"));
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(AppError);
    expect((error as AppError).code).toBe("unprocessable");
    expect((error as AppError).message).toBe('Cannot compare snapshots of different clusters: "prod" and "staging". Pick two snapshots of the same cluster.');
  });

  it("compares policy objects regardless of key order and of what the API server maintains", () => {
    const v1 = shopSnapshot(1);
    // As a later live capture of the same objects returns them: keys in another order (jsonb),
    // a new resourceVersion, a status.
    const again: Snapshot = {
      ...v1,
      policies: v1.policies.map((p) => ({
        ...p,
        object: Object.fromEntries(Object.entries({ ...p.object, status: { observedGeneration: 2 }, metadata: { ...(p.object.metadata as object), resourceVersion: "999", uid: "u-1" } }).reverse()),
      })),
    };
    expect(diffSnapshots(v1, again).policies.changed.total).toBe(0);
  });
});

describe("observed traffic", () => {
  const web = wl("shop/web[Deployment]", { app: "web" }, { sidecar: true });
  const api = wl("shop/api[Deployment]", { app: "api" }, { sidecar: true });
  const db = wl("data/db[Deployment]", { app: "db" }, { sidecar: false });
  const namespaces = [ns("shop"), ns("data")];
  const base = snapshot({
    namespaces,
    workloads: [web, api, db],
    edges: [
      // web -> api through two services: one pair, 100 mTLS requests + 100 plaintext = mixed.
      edge(web, api, { service: "api.shop.svc.cluster.local", requests: 100, mtlsShare: 1 }),
      edge(web, api, { service: "api-v2.shop.svc.cluster.local", requests: 100, mtlsShare: 0 }),
      // api -> db: only the source reported, and db has no sidecar: plaintext.
      edge(api, db, { reportedBy: "source", protocols: ["tcp"], connections: 5 }),
      edge(api, { external: "PassthroughCluster", via: "passthrough" }, { reportedBy: "source", protocols: ["tcp"], connections: 1 }),
    ],
  });
  const head = snapshot({
    namespaces,
    workloads: [web, api, db],
    edges: [
      edge(web, api, { requests: 300, mtlsShare: 1 }),
      edge(api, db, { reportedBy: "source", protocols: ["tcp"], connections: 7 }),
      edge(web, { external: "api.stripe.example", via: "service-entry" }, { reportedBy: "source", requests: 10 }),
      edge("unknown", api, { protocols: ["tcp"], connections: 2, mtlsShare: 0 }),
    ],
  });
  const diff = diffSnapshots(base, head);

  it("lists edges that appeared and disappeared, by source and destination node", () => {
    // New: web to the ServiceEntry host (encryption unknown: only the source saw it), and an
    // unidentified client to api (plaintext, as api's proxy reported).
    expect(diff.edges.appeared.items.map((e) => [e.source, e.destination, e.encryption])).toEqual([
      ["shop/web[Deployment]", "external:api.stripe.example", "unknown"],
      ["unknown", "shop/api[Deployment]", "plaintext"],
    ]);
    expect(diff.edges.disappeared.items).toEqual([
      { source: "shop/api[Deployment]", destination: "external:PassthroughCluster", protocols: ["tcp"], requests: 0, bytes: 0, connections: 1, encryption: "unknown", mtlsShare: null },
    ]);
    expect(diff.edges.peersAdded).toEqual(["external:api.stripe.example", "unknown"]);
    expect(diff.edges.peersRemoved).toEqual(["external:PassthroughCluster"]);
  });

  it("lists pairs whose encryption changed, with the mTLS shares", () => {
    // web -> api: half mTLS (100 of 200 requests) before, all mTLS after. api -> db stays
    // plaintext (more connections is not a change of encryption).
    expect(diff.edges.encryptionChanged.items).toEqual([
      { source: "shop/web[Deployment]", destination: "shop/api[Deployment]", before: "mixed", after: "mtls", mtlsShareBefore: 0.5, mtlsShareAfter: 1 },
    ]);
  });
});

describe("diffFindings", () => {
  const finding = (id: string, severity: Finding["severity"]): Finding => ({
    id,
    kind: "no-default-deny",
    severity,
    title: id,
    subjects: [],
    evidence: {},
    remediation: { summary: "" },
  });

  it("keeps a finding whose severity moved as unchanged, with its severity before", () => {
    const diff = diffFindings([finding("no-default-deny:a:ingress", "medium")], [finding("no-default-deny:a:ingress", "high")], 10);
    expect(diff.unchanged.items).toEqual([{ id: "no-default-deny:a:ingress", kind: "no-default-deny", severity: "high", title: "no-default-deny:a:ingress", subjects: [], severityBefore: "medium" }]);
    expect(diff.introduced.total + diff.resolved.total).toBe(0);
  });
});

describe("the demo", () => {
  const demo = withFindings(demoSnapshot());
  const frontend = "shop-web/frontend[Deployment]";
  const cart = "shop-core/cartservice[Deployment]";
  const shipping = "shop-ops/shippingservice[Deployment]";
  const between = (source: string, destination: string) => (e: Snapshot["edges"][number]) =>
    e.source.kind === "workload" && e.source.id === source && e.destination.kind === "workload" && e.destination.id === destination;

  it("has unique finding ids, so they can key findings across snapshots", () => {
    expect(new Set(demo.findings.map((f) => f.id)).size).toBe(demo.findings.length);
  });

  it("compared with itself: nothing changed", () => {
    const diff = diffSnapshots(demo, demo);
    expect(diff.paths.gained.total + diff.paths.lost.total + diff.paths.changed.total).toBe(0);
    expect(diff.edges.appeared.total + diff.edges.disappeared.total + diff.edges.encryptionChanged.total).toBe(0);
    expect(diff.findings.unchanged.total).toBe(demo.findings.length);
  });

  it("with frontend -> cartservice turned plaintext and frontend -> shippingservice gone", () => {
    const edges = demo.edges.filter((e) => !between(frontend, shipping)(e)).map((e) => (between(frontend, cart)(e) ? { ...e, mtlsShare: 0 } : e));
    const modified = withFindings({ ...demo, edges });
    const diff = diffSnapshots(demo, modified);
    // Same policies, so the same allowed paths.
    expect(diff.paths.gained.total + diff.paths.lost.total + diff.paths.changed.total).toBe(0);
    expect(diff.edges.disappeared.items.map((e) => [e.source, e.destination])).toEqual([[frontend, shipping]]);
    // The demo's frontend -> cartservice is all mTLS (as the graph test says): now plaintext.
    expect(diff.edges.encryptionChanged.items).toEqual([{ source: frontend, destination: cart, before: "mtls", after: "plaintext", mtlsShareBefore: 1, mtlsShareAfter: 0 }]);
    // Plaintext to cartservice is a new finding; frontend -> shippingservice (no sidecar there:
    // plaintext in the demo) is no longer observed, so that finding is resolved.
    expect(ids(diff.findings.introduced)).toContain(`unencrypted-traffic:${frontend},${cart}`);
    expect(ids(diff.findings.resolved)).toContain(`unencrypted-traffic:${frontend},${shipping}`);
  });
});
