import { describe, expect, it } from "vitest";
import { filterGraph, focusGraph, NO_FILTERS, type FindingFacts } from "./filter";
import { edge, node, smallGraph } from "./testing";

const findings = new Map<string, FindingFacts>([
  ["plain", { kind: "unencrypted-traffic", severity: "high" }],
  ["perm", { kind: "mtls-not-enforced", severity: "medium" }],
]);
const graph = smallGraph(
  [
    edge("e1", "a/a1", "b/b1", { state: "plaintext", protocols: ["tcp"], findings: ["plain"] }),
    edge("e2", "a/a2", "a/a1", { state: "mtls", protocols: ["http"] }),
    edge("e3", "a/a1", "ext", { state: "egress", protocols: ["http"] }),
    edge("e4", "b/b1", "a/a2", { layer: "allowed", state: "allowed-unused", protocols: [] }),
  ],
  [node("a/a1", { findings: ["plain"] }), node("a/a2"), node("b/b1", { findings: ["plain", "perm"] }), node("ext")],
);
const ids = (g: { nodes: { id: string }[]; edges: { id: string }[]; namespaces: { name: string }[] }) => ({
  nodes: g.nodes.map((n) => n.id),
  edges: g.edges.map((e) => e.id),
  boxes: g.namespaces.map((n) => n.name),
});

describe("filterGraph", () => {
  it("returns the same graph without filters", () => {
    expect(filterGraph(graph, NO_FILTERS, findings)).toBe(graph);
  });

  it("by edge state: those edges and their ends only", () => {
    expect(ids(filterGraph(graph, { ...NO_FILTERS, states: ["plaintext"] }, findings))).toEqual({ nodes: ["a/a1", "b/b1"], edges: ["e1"], boxes: ["a", "b"] });
  });

  it("by protocol: edges that carried it (allowed paths carried nothing)", () => {
    expect(ids(filterGraph(graph, { ...NO_FILTERS, protocols: ["http"] }, findings))).toEqual({ nodes: ["a/a1", "a/a2", "ext"], edges: ["e2", "e3"], boxes: ["a"] });
  });

  it("by namespace: its nodes, and the edges touching them with their other ends", () => {
    // b holds b1; e1 (a1 -> b1) and e4 (b1 -> a2) touch it.
    expect(ids(filterGraph(graph, { ...NO_FILTERS, namespaces: ["b"] }, findings))).toEqual({ nodes: ["a/a1", "a/a2", "b/b1"], edges: ["e1", "e4"], boxes: ["a", "b"] });
  });

  it("by finding kind and severity: nodes and edges with such a finding", () => {
    // Only b1 has the mtls-not-enforced finding; no edge has one.
    expect(ids(filterGraph(graph, { ...NO_FILTERS, findingKinds: ["mtls-not-enforced"] }, findings))).toEqual({ nodes: ["b/b1"], edges: [], boxes: ["b"] });
    // "plain" is high: on a1, b1 and e1.
    expect(ids(filterGraph(graph, { ...NO_FILTERS, severities: ["high"] }, findings))).toEqual({ nodes: ["a/a1", "b/b1"], edges: ["e1"], boxes: ["a", "b"] });
    // Kind and severity must hold for the same finding: no medium unencrypted-traffic.
    expect(ids(filterGraph(graph, { ...NO_FILTERS, findingKinds: ["unencrypted-traffic"], severities: ["medium"] }, findings)).nodes).toEqual([]);
  });

  it("criteria add up", () => {
    expect(ids(filterGraph(graph, { ...NO_FILTERS, namespaces: ["a"], states: ["mtls", "egress"] }, findings)).edges).toEqual(["e2", "e3"]);
    expect(ids(filterGraph(graph, { ...NO_FILTERS, namespaces: ["b"], protocols: ["http"] }, findings)).edges).toEqual([]);
  });
});

describe("focusGraph", () => {
  it("keeps the node, its peers either way and the edges among them", () => {
    // a2's peers: a1 (e2) and b1 (e4). Among {a2, a1, b1}: e1, e2, e4; e3 goes to ext.
    expect(ids(focusGraph(graph, "a/a2"))).toEqual({ nodes: ["a/a1", "a/a2", "b/b1"], edges: ["e1", "e2", "e4"], boxes: ["a", "b"] });
    expect(ids(focusGraph(graph, "ext"))).toEqual({ nodes: ["a/a1", "ext"], edges: ["e3"], boxes: ["a"] });
  });

  it("leaves the graph alone for a node it does not have", () => {
    expect(focusGraph(graph, "nope")).toBe(graph);
  });
});
