import { describe, expect, it } from "vitest";
import { np, ns, policy, wl } from "../engine/testing/builders";
import { edge, snapshot } from "../findings/test-helpers";
import type { Finding, Severity } from "../model";
import { coverageRows, defaultDenyText, mtlsText } from "./coverage";
import { compactJson, limitEvidence } from "./evidence";
import { edgesByEncryption, findingsBySeverity, placeBars } from "./figures";
import { namespaceGraph, OUTSIDE, UNKNOWN } from "./namespace-graph";

const a1 = wl("a/a1[Deployment]", { app: "a1" }, { sidecar: true });
const a2 = wl("a/a2[Deployment]", { app: "a2" }, { sidecar: true });
const b1 = wl("b/b1[Deployment]", { app: "b1" }, { sidecar: true });
const c1 = wl("c/c1[Deployment]", { app: "c1" }, { sidecar: false });

const finding = (id: string, severity: Severity, subjects: string[]): Finding => ({
  id,
  kind: "unencrypted-traffic",
  severity,
  title: id,
  subjects,
  evidence: {},
  remediation: { summary: "fix" },
});

function fixture() {
  return {
    ...snapshot({
      namespaces: [ns("a"), ns("b"), ns("c")],
      workloads: [a1, a2, b1, c1],
      edges: [
        edge(a1, b1, { requests: 10 }), // a→b, mTLS
        edge(a2, b1, { requests: 5, mtlsShare: 0 }), // a→b, plaintext
        edge(b1, a1, { requests: 7 }), // b→a, mTLS
        edge(a1, a2, { requests: 3 }), // inside a
        edge(b1, c1, { reportedBy: "source" }), // b→c: c has no sidecar, so plaintext
        edge(a1, { external: "api.example", via: "passthrough" }), // a→outside
        edge("unknown", c1, { reportedBy: "source" }), // unknown→c
      ],
    }),
    findings: [finding("f1", "medium", [a1.id]), finding("f2", "high", [a2.id, b1.id]), finding("f3", "low", ["b"])],
  };
}

describe("namespaceGraph", () => {
  const graph = namespaceGraph(fixture(), { size: 100, maxEdges: 10 });
  const node = (id: string) => graph.nodes.find((n) => n.id === id)!;
  const pair = (s: string, t: string) => graph.edges.find((e) => e.source === s && e.target === t);

  it("aggregates workload edges per ordered namespace pair, drawn in the least safe state", () => {
    // a→b holds one mTLS and one plaintext edge: drawn plaintext, 15 requests.
    expect(pair("a", "b")).toMatchObject({ edges: 2, requests: 15, states: { mtls: 1, plaintext: 1 }, state: "plaintext" });
    expect(pair("b", "a")).toMatchObject({ edges: 1, state: "mtls" });
    expect(pair("b", "c")).toMatchObject({ edges: 1, state: "plaintext" });
    expect(pair("a", OUTSIDE)).toMatchObject({ edges: 1, state: "egress" });
    // Unknown → c was reported by the source only and c has no sidecar: plaintext.
    expect(pair(UNKNOWN, "c")).toMatchObject({ edges: 1, state: "plaintext" });
    // a1→a2 stays inside a: counted on the node, no loop.
    expect(pair("a", "a")).toBeUndefined();
    expect(node("a").internalEdges).toBe(1);
    expect(graph.edges).toHaveLength(5);
  });

  it("counts workloads and findings per namespace, with the worst severity", () => {
    // f1 (medium) and f2 (high; first subject a2) are about a; f3 (low) names namespace b.
    expect(node("a")).toMatchObject({ workloads: 2, findings: 2, worstSeverity: "high" });
    expect(node("b")).toMatchObject({ workloads: 1, findings: 1, worstSeverity: "low" });
    expect(node("c")).toMatchObject({ workloads: 1, findings: 0, worstSeverity: null });
  });

  it("places namespaces by name, then the outside world, clockwise from the top", () => {
    expect(graph.nodes.map((n) => n.id)).toEqual(["a", "b", "c", OUTSIDE, UNKNOWN]);
    // Five nodes on a circle of radius 36 around (50, 50): the first straight above the centre.
    expect(node("a")).toMatchObject({ x: 50, y: 14 });
    // The second, 72° on: x = 50 + 36·sin 72° = 84.2, y = 50 − 36·cos 72° = 38.9.
    expect(node("b")).toMatchObject({ x: 84.2, y: 38.9 });
  });

  it("keeps the heaviest edges and says how many it left out", () => {
    const two = namespaceGraph(fixture(), { size: 100, maxEdges: 2 });
    // a→b has 2 edges; the four others 1 each, tied: then by requests (b→a has 7).
    expect(two.edges.map((e) => `${e.source}>${e.target}`)).toEqual(["a>b", "b>a"]);
    expect(two.omittedEdges).toBe(3);
  });
});

describe("chart figures", () => {
  it("counts findings for every severity, in order", () => {
    expect(findingsBySeverity(fixture())).toEqual([
      { label: "critical", value: 0 },
      { label: "high", value: 1 },
      { label: "medium", value: 1 },
      { label: "low", value: 1 },
      { label: "info", value: 0 },
    ]);
  });

  it("counts observed edges by encryption", () => {
    // mTLS: a1→b1, b1→a1, a1→a2; plaintext: a2→b1, b1→c1, unknown→c1; egress: a1→outside.
    expect(edgesByEncryption(fixture())).toEqual([
      { label: "mTLS", value: 3 },
      { label: "partly mTLS", value: 0 },
      { label: "plaintext", value: 3 },
      { label: "encryption unknown", value: 0 },
      { label: "leaving the cluster", value: 1 },
    ]);
  });

  it("scales bars to the longest, keeping small values visible", () => {
    const bars = placeBars([{ label: "x", value: 200 }, { label: "y", value: 50 }, { label: "z", value: 0 }, { label: "w", value: 1 }], { width: 100, rowHeight: 20 });
    // 200 spans 100 units; 50 is a quarter; 0 has no bar; 1 would be 0.5, so it is shown as 1.
    expect(bars.map((b) => [b.y, b.width])).toEqual([[0, 100], [20, 25], [40, 0], [60, 1]]);
  });
});

describe("coverageRows", () => {
  it("counts isolation, policies and the weakest mTLS mode per namespace", () => {
    const rows = coverageRows({
      ...snapshot({
        namespaces: [ns("a"), ns("b"), ns("c")],
        workloads: [a1, a2, b1, c1],
        policies: [
          np("a", "deny-ingress", { podSelector: {} }), // isolates a1 and a2 for ingress
          np("a", "a1-egress", { podSelector: { matchLabels: { app: "a1" } }, policyTypes: ["Egress"] }), // isolates a1 for egress
          policy("PeerAuthentication", "a", "strict", { mtls: { mode: "STRICT" } }),
          policy("PeerAuthentication", "a", "a2-port", { selector: { matchLabels: { app: "a2" } }, portLevelMtls: { "8080": { mode: "PERMISSIVE" } } }),
          policy("AuthorizationPolicy", "b", "allow", { rules: [{}] }),
        ],
      }),
    });
    expect(rows).toEqual([
      // a1 STRICT; a2 STRICT but PERMISSIVE on 8080, so counted as PERMISSIVE.
      { namespace: "a", workloads: 2, sidecars: 2, isolatedIngress: 2, isolatedEgress: 1, networkPolicies: 2, authorizationPolicies: 0, peerAuthentications: 2, mtls: { STRICT: 1, PERMISSIVE: 1 }, noSidecar: 0 },
      // No PeerAuthentication anywhere for b: Istio's default, PERMISSIVE.
      { namespace: "b", workloads: 1, sidecars: 1, isolatedIngress: 0, isolatedEgress: 0, networkPolicies: 0, authorizationPolicies: 1, peerAuthentications: 0, mtls: { PERMISSIVE: 1 }, noSidecar: 0 },
      { namespace: "c", workloads: 1, sidecars: 0, isolatedIngress: 0, isolatedEgress: 0, networkPolicies: 0, authorizationPolicies: 0, peerAuthentications: 0, mtls: {}, noSidecar: 1 },
    ]);
    expect(rows.map((r) => [defaultDenyText(r.isolatedIngress, r.workloads), defaultDenyText(r.isolatedEgress, r.workloads), mtlsText(r)])).toEqual([
      ["yes", "no (1 of 2 open)", "PERMISSIVE 1, STRICT 1"],
      ["no (1 of 1 open)", "no (1 of 1 open)", "PERMISSIVE 1"],
      ["no (1 of 1 open)", "no (1 of 1 open)", "no sidecar 1"],
    ]);
    expect(defaultDenyText(0, 0)).toBe("no workloads");
  });
});

describe("limitEvidence", () => {
  it("cuts long lists at any depth and counts what it left out", () => {
    const { value, omitted } = limitEvidence({ a: [1, 2, 3, 4], b: { c: ["x", "y", "z"] }, d: "text", e: [1] }, 2);
    expect(value).toEqual({ a: [1, 2, "… 2 more"], b: { c: ["x", "y", "… 1 more"] }, d: "text", e: [1] });
    expect(omitted).toBe(3);
  });
});

describe("compactJson", () => {
  it("keeps what fits on one line, and breaks the rest with two-space indents", () => {
    const value = { source: "a/b[Deployment]", ports: [80, 443], nested: { list: ["aaaaaaaaaa", "bbbbbbbbbb", "cccccccccc"] } };
    // Whole: 104 characters, over 40. Each value gets the width less its key and quotes/colon:
    // "ports" 40 − 9 = 31 ≥ 8 + 2 (indent): one line; "nested" 30 < 49 + 2: broken; its "list"
    // 30 − 8 = 22 < 40 + 4: broken; each item 12 + 6 ≤ 22: one per line.
    expect(compactJson(value, 40)).toBe(
      ['{', '  "source": "a/b[Deployment]",', '  "ports": [80,443],', '  "nested": {', '    "list": [', '      "aaaaaaaaaa",', '      "bbbbbbbbbb",', '      "cccccccccc"', '    ]', '  }', '}'].join("\n"),
    );
    expect(compactJson(value, 200)).toBe(JSON.stringify(value));
    expect(JSON.parse(compactJson(value, 10))).toEqual(value);
  });
});
