import { describe, expect, it } from "vitest";
import { collapsedSet, collapseGraph, COLLAPSE_THRESHOLD, opensCollapsed } from "./collapse";
import { edge, node, smallGraph } from "./testing";

describe("collapseGraph", () => {
  const graph = smallGraph(
    [
      edge("e1", "a/a1", "b/b1", { state: "mtls", requests: 10, connections: 0, mtlsShare: 1, findings: ["f1"], protocols: ["http"] }),
      edge("e2", "a/a2", "b/b1", { state: "plaintext", requests: 30, connections: 0, mtlsShare: 0, findings: ["f2"], protocols: ["tcp"] }),
      edge("e3", "a/a1", "a/a2", { state: "mixed", requests: 5, mtlsShare: 0.5 }),
      edge("e4", "a/a1", "ext", { state: "egress", mtlsShare: null, requests: 1 }),
      edge("e5", "b/b1", "a/a1", { layer: "allowed", state: "allowed-unused", requests: 0, protocols: [], mtlsShare: null }),
    ],
    [node("a/a1", { findings: ["f1", "f3"], worstSeverity: "medium" }), node("a/a2", { findings: ["f1"], worstSeverity: "high" }), node("b/b1"), node("ext")],
  );

  it("returns the same graph when nothing is collapsed", () => {
    expect(collapseGraph(graph, new Set())).toBe(graph);
    expect(collapseGraph(graph, new Set(["no-such-namespace"]))).toBe(graph);
  });

  it("puts one node at the centre of the box with the union of the findings and the worst severity", () => {
    const view = collapseGraph(graph, new Set(["a"]));
    expect(view.nodes.map((n) => n.id)).toEqual(["b/b1", "ext", "namespace:a"]);
    // Box a is at (0,0), 100 wide and 60 tall: its centre is (50, 30). Its members' findings are
    // f1, f3 (a1) and f1 (a2); high (a2) is worse than medium (a1).
    expect(view.nodes.at(-1)).toMatchObject({ kind: "namespace", label: "a", namespace: "a", x: 50, y: 30, findings: ["f1", "f3"], worstSeverity: "high", members: 2 });
    expect(view.namespaces.find((n) => n.name === "a")?.collapsed).toBe(true);
    expect(view.namespaces.find((n) => n.name === "b")?.collapsed).toBeUndefined();
  });

  it("merges edges per pair and layer: worst state, volumes summed, findings unioned", () => {
    const view = collapseGraph(graph, new Set(["a"]));
    const byId = new Map(view.edges.map((e) => [e.id, e]));
    // e1 (mTLS, 10 requests) and e2 (plaintext, 30) both go a -> b1: plaintext wins, 40 requests,
    // mTLS share weighted by requests (10*1 + 30*0) / 40 = 0.25.
    expect(byId.get("namespace:a>b/b1")).toMatchObject({ state: "plaintext", requests: 40, bytes: 200, mtlsShare: 0.25, findings: ["f1", "f2"], protocols: ["http", "tcp"], members: ["e1", "e2"] });
    // e3 stays inside a: a loop on the namespace node.
    expect(byId.get("namespace:a>namespace:a")).toMatchObject({ state: "mixed", members: ["e3"] });
    expect(byId.get("namespace:a>ext")).toMatchObject({ state: "egress", mtlsShare: null, members: ["e4"] });
    // The allowed path is merged on its own layer, under its own id.
    expect(byId.get("allowed:b/b1>namespace:a")).toMatchObject({ layer: "allowed", state: "allowed-unused", members: ["e5"] });
    expect(view.edges).toHaveLength(4);
  });

  it("collapsing both namespaces merges their edges into one", () => {
    const view = collapseGraph(graph, new Set(["a", "b"]));
    expect(view.nodes.map((n) => [n.id, n.x, n.y])).toEqual([
      ["ext", 0, 0],
      ["namespace:a", 50, 30],
      ["namespace:b", 220, 40], // box b: 200 + 40/2, 0 + 80/2
    ]);
    expect(view.edges.find((e) => e.id === "namespace:a>namespace:b")?.requests).toBe(40);
  });

  it("keeps nodes of expanded namespaces where they were", () => {
    const placed = smallGraph([edge("e1", "a/a1", "b/b1")], [node("a/a1", { x: 10, y: 20 }), node("b/b1", { x: 210, y: 30 })]);
    const view = collapseGraph(placed, new Set(["a"]));
    expect(view.nodes.find((n) => n.id === "b/b1")).toMatchObject({ x: 210, y: 30 });
  });
});

describe("which namespaces are collapsed", () => {
  const graph = smallGraph([]);
  it("is the toggled ones from an expanded base, all but them from a collapsed one", () => {
    expect([...collapsedSet(graph, "expanded", ["b"])]).toEqual(["b"]);
    expect([...collapsedSet(graph, "collapsed", ["b"])]).toEqual(["a"]);
    expect([...collapsedSet(graph, "collapsed", [])]).toEqual(["a", "b"]);
  });

  it("large snapshots open collapsed", () => {
    const many = (n: number) => smallGraph([], Array.from({ length: n }, (_, i) => node(`a/w${i}`)));
    expect(COLLAPSE_THRESHOLD).toBe(1000);
    expect(opensCollapsed(many(1000))).toBe(false); // "more than 1,000"
    expect(opensCollapsed(many(1001))).toBe(true);
  });
});
