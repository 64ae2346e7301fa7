import { describe, expect, it } from "vitest";
import { buildGraph } from "../graph/build";
import { edge, snapshot } from "../findings/test-helpers";
import { ns, wl } from "../engine/testing/builders";
import { diffSnapshots } from "./index";
import { diffOverlay, overlayEdgeKey } from "./overlay";
import { shopSnapshot } from "./test-helpers";

describe("diffOverlay", () => {
  it("marks the workloads added and changed, and the allowed paths gained and changed (shop v1 -> v2)", () => {
    const overlay = diffOverlay(diffSnapshots(shopSnapshot(1), shopSnapshot(2)));
    // cache is new; db (ports), api (service account) and web (labels) changed.
    expect([...overlay.nodes].sort()).toEqual([
      ["data/db[Deployment]", "changed"],
      ["shop/api[Deployment]", "changed"],
      ["shop/cache[Deployment]", "added"],
      ["shop/web[Deployment]", "changed"],
    ]);
    // The paths gained (api -> db, api -> cache, db -> 10/8) and changed (web -> api).
    expect([...overlay.edges].sort()).toEqual([
      ["data/db[Deployment]>10.0.0.0-10.255.255.255[External]", "added"],
      ["shop/api[Deployment]>data/db[Deployment]", "added"],
      ["shop/api[Deployment]>shop/cache[Deployment]", "added"],
      ["shop/web[Deployment]>shop/api[Deployment]", "changed"],
    ]);
  });

  it("keys observed traffic as the head's graph does, and lets it win over an allowed path", () => {
    const web = wl("shop/web[Deployment]", { app: "web" }, { sidecar: true });
    const api = wl("shop/api[Deployment]", { app: "api" }, { sidecar: true });
    const stripe = { external: "api.stripe.example", via: "service-entry" } as const;
    const base = snapshot({ namespaces: [ns("shop")], workloads: [web], edges: [] });
    const head = snapshot({
      namespaces: [ns("shop")],
      workloads: [web, api],
      edges: [edge(web, api, { requests: 1 }), edge(web, stripe, { reportedBy: "source", requests: 1 })],
    });
    const overlay = diffOverlay(diffSnapshots(base, head));
    // No policies: web -> api is also a gained allowed path; the observed edge says "added" too.
    expect(overlay.edges.get(overlayEdgeKey(web.id, api.id))).toBe("added");
    expect(overlay.nodes.get("external:api.stripe.example")).toBe("added");
    expect(overlay.nodes.get(api.id)).toBe("added");
    // Every observed edge and every marked node is one the head's graph draws.
    const graph = buildGraph(head);
    const nodeIds = new Set(graph.nodes.map((n) => n.id));
    const edgeKeys = new Set(graph.edges.map((e) => overlayEdgeKey(e.source, e.target)));
    for (const id of overlay.nodes.keys()) expect(nodeIds).toContain(id);
    expect(edgeKeys).toContain(overlayEdgeKey(web.id, api.id));
    expect(edgeKeys).toContain(overlayEdgeKey(web.id, "external:api.stripe.example"));
    expect(overlay.edges.get(overlayEdgeKey(web.id, "external:api.stripe.example"))).toBe("added");
  });
});
