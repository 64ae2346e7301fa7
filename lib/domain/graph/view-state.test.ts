import { describe, expect, it } from "vitest";
import { collapseGraph } from "./collapse";
import { resolveOverlay } from "./overlay";
import { edge, node, smallGraph } from "./testing";
import { DEFAULT_VIEW_STATE, historyMode, readViewState, writeViewState, type GraphViewState } from "./view-state";

describe("graph view state in the URL", () => {
  const state: GraphViewState = {
    layer: "findings",
    selected: "a/a1[Deployment]",
    query: "tier=db",
    filters: { namespaces: ["a", "b"], findingKinds: ["unencrypted-traffic"], severities: ["high"], protocols: ["tcp"], states: ["plaintext"] },
    focus: "a/a2[Deployment]",
    collapseBase: "collapsed",
    toggled: ["b"],
    viewport: { x: 12.4, y: -3.6, k: 0.123456 },
  };

  it("round-trips, keeping the page's other parameters", () => {
    const params = writeViewState(new URLSearchParams("tab=x&g_sel=old"), state);
    expect(params.get("tab")).toBe("x");
    // The viewport is rounded to whole pixels and 3 significant digits of zoom.
    expect(readViewState(params)).toEqual({ ...state, viewport: { x: 12, y: -4, k: 0.123 } });
  });

  it("writes nothing for the defaults", () => {
    expect(writeViewState(new URLSearchParams(), DEFAULT_VIEW_STATE).toString()).toBe("");
    expect(readViewState(new URLSearchParams())).toEqual(DEFAULT_VIEW_STATE);
  });

  it("ignores what it does not know", () => {
    const read = readViewState(new URLSearchParams("g_layer=bogus&g_sev=urgent&g_sev=low&g_state=purple&g_k=0&g_x=1&g_y=1&g_collapse=maybe"));
    expect(read.layer).toBe("observed");
    expect(read.filters.severities).toEqual(["low"]);
    expect(read.filters.states).toEqual([]);
    expect(read.viewport).toBeNull(); // zoom 0 is no viewport
    expect(read.collapseBase).toBeNull();
  });

  it("steps the history for discrete choices, replaces for typing and panning", () => {
    const p = (s: string) => new URLSearchParams(s);
    expect(historyMode(p("g_sel=a"), p("g_sel=b"))).toBe("push");
    expect(historyMode(p("g_x=1&g_y=1&g_k=1"), p("g_x=2&g_y=1&g_k=1"))).toBe("replace");
    expect(historyMode(p("g_q=a"), p("g_q=ab"))).toBe("replace");
    expect(historyMode(p("g_q=a&g_x=1"), p("g_q=a&g_x=1&g_toggle=shop"))).toBe("push");
    expect(historyMode(p("g_ns=a&g_ns=b"), p("g_ns=a&g_ns=b&other=1"))).toBeNull();
  });
});

describe("resolveOverlay", () => {
  const full = smallGraph([edge("e1", "a/a1", "b/b1"), edge("e2", "a/a2", "b/b1"), edge("e3", "b/b1", "ext")], [node("a/a1"), node("a/a2"), node("b/b1"), node("ext")]);
  const overlay = {
    nodes: new Map([
      ["a/a1", "added" as const],
      ["b/b1", "changed" as const],
    ]),
    edges: new Map([
      ["a/a1>b/b1", "added" as const],
      ["b/b1>ext", "changed" as const],
    ]),
  };

  it("marks what the view draws by its ids", () => {
    const resolved = resolveOverlay(full, full, overlay);
    expect([...resolved.nodes]).toEqual([
      ["a/a1", "added"],
      ["b/b1", "changed"],
    ]);
    expect([...resolved.edges]).toEqual([
      ["e1", "added"],
      ["e3", "changed"],
    ]);
  });

  it("marks a collapsed namespace changed when some member is marked, and merged edges likewise", () => {
    const view = collapseGraph(full, new Set(["a"]));
    const resolved = resolveOverlay(full, view, overlay);
    // a1 is added but a2 is not marked: namespace a changed. e1 added and e2 unmarked merge into one changed edge.
    expect(resolved.nodes.get("namespace:a")).toBe("changed");
    expect(resolved.edges.get("namespace:a>b/b1")).toBe("changed");
    const allAdded = resolveOverlay(full, view, { nodes: new Map([["a/a1", "added"], ["a/a2", "added"]]), edges: new Map([["a/a1>b/b1", "added"], ["a/a2>b/b1", "added"]]) });
    expect(allAdded.nodes.get("namespace:a")).toBe("added");
    expect(allAdded.edges.get("namespace:a>b/b1")).toBe("added");
  });
});
