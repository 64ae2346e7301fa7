// The diff endpoint against a real PostgreSQL: two versions of the small cluster of
// lib/domain/diff/testdata.ts stored as uploads, then compared through the route handler.
import { afterAll, beforeEach, describe, expect, it } from "vitest";
import type { SnapshotDiff } from "@/lib/domain/diff";
import { SHOP_V1, SHOP_V2 } from "@/lib/domain/diff/testdata";
import { disconnectDb } from "@/lib/server/db/client";
import { importManifests } from "@/lib/server/snapshots/import";
import { deleteSnapshot } from "@/lib/server/snapshots/store";
import { connectTestDatabase, emptyDatabase } from "@/lib/server/testing/database";
import { GET } from "./route";

connectTestDatabase();
beforeEach(emptyDatabase);
afterAll(disconnectDb);

const call = (query: string) => GET(new Request(`http://127.0.0.1/api/diff${query}`), {} as never);
const store = async (content: string, cluster: string) =>
  (await importManifests([{ path: "shop.yaml", content }], { name: `shop ${cluster}`, cluster })).snapshot.id;

describe("GET /api/diff", () => {
  it("compares two stored snapshots of one cluster", async () => {
    const [v1, v2] = [await store(SHOP_V1, "prod"), await store(SHOP_V2, "prod")];
    const response = await call(`?from=${v1}&to=${v2}`);
    expect(response.status).toBe(200);
    const body = (await response.json()) as { from: { id: string }; to: { id: string }; diff: SnapshotDiff };
    expect([body.from.id, body.to.id]).toEqual([v1, v2]);
    // The items the unit test (lib/domain/diff/diff.test.ts) checks by hand, after a round trip
    // through PostgreSQL (jsonb reorders object keys: policy diffs must not notice).
    expect(body.diff.workloads.added.items.map((w) => w.id)).toEqual(["shop/cache[Deployment]"]);
    expect(body.diff.workloads.removed.items.map((w) => w.id)).toEqual(["shop/legacy[Deployment]"]);
    expect(body.diff.policies.changed.items.map((p) => [p.id, p.added, p.removed])).toEqual([
      ["shop/api-ingress[NetworkPolicy]", 1, 0],
      ["shop/web-egress[NetworkPolicy]", 1, 0],
    ]);
    expect(body.diff.paths.changed.items).toEqual([{ source: "shop/web[Deployment]", destination: "shop/api[Deployment]", connections: "TCP 9090-9091", before: "TCP 9090" }]);
    expect(body.diff.paths.gained.total).toBe(3);
    expect(body.diff.findings.introduced.total).toBe(4);
    expect(body.diff.findings.resolved.total).toBe(3);
    expect(body.diff.limit).toBe(1000);

    // With a limit: totals stay, items are cut.
    const small = (await (await call(`?from=${v1}&to=${v2}&limit=1`)).json()) as { diff: SnapshotDiff };
    expect(small.diff.paths.gained).toMatchObject({ total: 3, items: [{ source: "data/db[Deployment]" }] });

    // A snapshot against itself: nothing changed.
    const same = (await (await call(`?from=${v2}&to=${v2}`)).json()) as { diff: SnapshotDiff };
    expect(same.diff.policies.changed.total + same.diff.paths.gained.total + same.diff.findings.introduced.total).toBe(0);
  });

  it("answers 400 without both ids, 404 for an unknown or deleted snapshot, 422 across clusters", async () => {
    const v1 = await store(SHOP_V1, "prod");
    const staging = await store(SHOP_V2, "staging");

    const missing = await call(`?from=${v1}`);
    expect(missing.status).toBe(400);
    expect((await missing.json()).error).toMatchObject({ code: "bad_request", message: "Invalid request: to: give the other snapshot's id as to=" });

    const unknown = await call(`?from=${v1}&to=AAAAAAAAAAAAAAAAAAAAAA`);
    expect(unknown.status).toBe(404);
    expect((await unknown.json()).error.message).toBe('No snapshot with id "AAAAAAAAAAAAAAAAAAAAAA".');

    const clusters = await call(`?from=${v1}&to=${staging}`);
    expect(clusters.status).toBe(422);
    expect((await clusters.json()).error).toMatchObject({ code: "unprocessable", details: { baseCluster: "prod", headCluster: "staging" } });

    // Served once (and cached), then deleted: 404, not the cached diff.
    const v1b = await store(SHOP_V1, "prod");
    expect((await call(`?from=${v1}&to=${v1b}`)).status).toBe(200);
    await deleteSnapshot(v1b);
    expect((await call(`?from=${v1}&to=${v1b}`)).status).toBe(404);
  });
});
