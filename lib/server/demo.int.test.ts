import { afterAll, beforeEach, describe, expect, it } from "vitest";
import { disconnectDb } from "@/lib/server/db/client";
import { DEMO_CLUSTER, DEMO_NAME, seedDemo } from "@/lib/server/demo";
import { getSnapshot } from "@/lib/server/snapshots/store";
import { connectTestDatabase, emptyDatabase } from "@/lib/server/testing/database";

const prisma = connectTestDatabase();
beforeEach(emptyDatabase);
afterAll(disconnectDb);

describe("the demo snapshot", () => {
  it("is stored once, with the same contents every time", async () => {
    const first = await seedDemo();
    expect(first.created).toBe(true);
    const again = await seedDemo();
    expect(again).toEqual({ id: first.id, created: false });
    expect(await prisma.snapshot.count()).toBe(1);

    const { summary, snapshot } = await getSnapshot(first.id);
    expect(summary).toMatchObject({ name: DEMO_NAME, cluster: DEMO_CLUSTER, capturedAt: "2026-11-20T09:00:00.000Z" });
    // Relative names only: where the project is checked out is nobody's business.
    expect(snapshot.source).toMatchObject({ kind: "upload" });
    expect(snapshot.source.kind === "upload" && snapshot.source.files.every((f) => f.startsWith("lib/demo/manifests/"))).toBe(true);

    await emptyDatabase();
    const rebuilt = await getSnapshot((await seedDemo()).id);
    expect(rebuilt.summary.contentHash).toBe(summary.contentHash);
  });

  it("holds the online shop and the blog, with the planted problems visible in the model", async () => {
    const { snapshot } = await getSnapshot((await seedDemo()).id);
    expect(snapshot.namespaces.map((n) => n.name)).toEqual(["blog", "istio-system", "shop-core", "shop-ops", "shop-payments", "shop-web"]);
    expect(snapshot.workloads).toHaveLength(17);
    const byId = new Map(snapshot.workloads.map((w) => [w.id, w]));
    // shop-ops has no istio-injection label: its workloads run without a sidecar (plaintext).
    expect(byId.get("shop-ops/shippingservice[Deployment]")?.sidecar.injected).toBe(false);
    expect(byId.get("shop-ops/emailservice[Deployment]")?.sidecar.injected).toBe(false);
    // The backup CronJob opts out with sidecar.istio.io/inject: "false".
    expect(byId.get("blog/blog-postgres-backup[CronJob]")?.sidecar.injected).toBe(false);
    expect(byId.get("shop-web/frontend[Deployment]")?.sidecar.injected).toBe(true);
    const policies = new Set(snapshot.policies.map((p) => p.id));
    for (const id of [
      "blog/default[PeerAuthentication]",
      "shop-core/redis-cart[DestinationRule]",
      "shop-core/checkoutservice[AuthorizationPolicy]",
      "shop-core/currencyservice-egress-external[NetworkPolicy]",
    ]) {
      expect(policies, id).toContain(id);
    }
    // blog has no NetworkPolicy at all: no default deny.
    expect(snapshot.policies.filter((p) => p.namespace === "blog" && p.kind === "NetworkPolicy")).toEqual([]);
    expect(snapshot.meshConfig).toEqual({ source: "istio-system/istio[ConfigMap]", rootNamespace: "istio-system", outboundTrafficPolicy: "ALLOW_ANY" });
  });
});
