// The graph endpoint against a real PostgreSQL: the demo snapshot as a graph, and a miss.
import { gunzipSync } from "node:zlib";
import { afterAll, beforeEach, describe, expect, it } from "vitest";
import type { SnapshotGraph } from "@/lib/domain/graph/model";
import { disconnectDb } from "@/lib/server/db/client";
import { seedDemo } from "@/lib/server/demo";
import { deleteSnapshot } from "@/lib/server/snapshots/store";
import { connectTestDatabase, emptyDatabase } from "@/lib/server/testing/database";
import { GET } from "./route";

connectTestDatabase();
beforeEach(emptyDatabase);
afterAll(disconnectDb);

const call = (id: string) => GET(new Request(`http://127.0.0.1/api/snapshots/${id}/graph`), { params: Promise.resolve({ id }) });

describe("GET /api/snapshots/{id}/graph", () => {
  it("serves the demo as a graph: its workloads in namespace boxes, the outside world, and edge states", async () => {
    const { id } = await seedDemo();
    const response = await call(id);
    expect(response.status).toBe(200);
    const graph = (await response.json()) as SnapshotGraph;
    // Boxes for the namespaces with workloads (istio-system has none in the manifests).
    expect(graph.namespaces.map((n) => n.name)).toEqual(["blog", "shop-core", "shop-ops", "shop-payments", "shop-web"]);
    expect(graph.nodes.filter((n) => n.kind === "workload")).toHaveLength(17);
    // The ingress gateway is in the telemetry, not in the manifests; the backup job's and
    // redis-cart's plaintext clients are unknown; three external nodes.
    expect(graph.nodes.filter((n) => n.namespace === null).map((n) => n.id).sort()).toEqual(
      ["external:BlackHoleCluster", "external:PassthroughCluster", "external:api.stripe.example", "unknown", "unmatched:istio-system/istio-ingressgateway"].sort(),
    );
    const state = (source: string, target: string) => graph.edges.find((e) => e.source === source && e.target === target)?.state;
    expect(state("shop-web/frontend[Deployment]", "shop-ops/shippingservice[Deployment]")).toBe("plaintext");
    expect(state("shop-web/frontend[Deployment]", "shop-core/cartservice[Deployment]")).toBe("mtls");
    expect(state("shop-core/currencyservice[Deployment]", "external:PassthroughCluster")).toBe("egress");
    expect(graph.edges.some((e) => e.state === "allowed-unused")).toBe(true);
    // Served again from the cache, the same bytes.
    expect(await (await call(id)).text()).toBe(JSON.stringify(graph));
    // Gzipped once for clients that accept it: the same JSON once inflated.
    const zipped = await GET(new Request(`http://127.0.0.1/api/snapshots/${id}/graph`, { headers: { accept: "application/gzip, application/json;q=0.9" } }), { params: Promise.resolve({ id }) });
    expect(zipped.headers.get("content-type")).toBe("application/gzip");
    expect(gunzipSync(Buffer.from(await zipped.arrayBuffer())).toString("utf8")).toBe(JSON.stringify(graph));
    // Deleted by another server process (this one's cache still holds the graph): gone here too.
    await deleteSnapshot(id);
    expect((await call(id)).status).toBe(404);
  });

  it("answers 404 for a snapshot that does not exist", async () => {
    expect((await call("AAAAAAAAAAAAAAAAAAAAAA")).status).toBe(404);
  });
});
