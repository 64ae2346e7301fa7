import { describe, expect, it } from "vitest";
import { wl } from "../engine/testing/builders";
import type { Finding, TrafficEdge, TrafficPeer, Workload } from "../model";
import { snapshot } from "../findings/test-helpers";
import { ns } from "../engine/testing/builders";
import { buildGraph } from "./build";

const a1 = wl("a/a1[Deployment]", {}, { sidecar: true });
const a2 = wl("a/a2[Deployment]", {}, { sidecar: true });
const a3 = wl("a/a3[Deployment]", {}, { sidecar: false });
const b1 = wl("b/b1[Deployment]", {}, { sidecar: true });
const workload = (w: Workload): TrafficPeer => ({ kind: "workload", id: w.id });

function edge(source: TrafficPeer, destination: TrafficPeer, extra: Partial<TrafficEdge> = {}): TrafficEdge {
  return { source, destination, service: null, protocols: ["http"], requests: 100, requestRate: 100 / 3600, responses: { "2xx": 100 }, requestBytes: 0, responseBytes: 0, connections: 0, mtlsShare: 1, reportedBy: "destination", ...extra };
}

const overPermissive: Finding = {
  id: "over-permissive-path:b/allow[NetworkPolicy]#spec.ingress[0],b/b1[Deployment]",
  kind: "over-permissive-path",
  severity: "medium",
  title: "unused",
  subjects: [b1.id, "b/allow[NetworkPolicy]", a2.id],
  evidence: {},
  remediation: { summary: "narrow it" },
};

function graph(workloads = [a3, b1, a1, a2]) {
  return buildGraph({
    ...snapshot({
      namespaces: [ns("a"), ns("b")],
      workloads,
      edges: [
        edge(workload(a1), workload(b1)),
        edge(workload(a2), workload(a3), { mtlsShare: null, reportedBy: "source" }),
        edge(workload(a1), workload(a2), { mtlsShare: 0.5 }),
        edge(workload(a1), { kind: "external", host: "PassthroughCluster", via: "passthrough" }, { mtlsShare: null, reportedBy: "source" }),
        edge({ kind: "unknown", reason: "no metadata" }, workload(b1), { mtlsShare: 0 }),
      ],
    }),
    findings: [overPermissive],
  });
}

describe("the snapshot as a graph", () => {
  it("gives every observed edge its security state, and adds the allowed but unused paths", () => {
    expect(graph().edges.map((e) => `${e.source} -> ${e.target}: ${e.layer} ${e.state}`)).toEqual([
      "a/a1[Deployment] -> b/b1[Deployment]: observed mtls",
      // Only the source reported, and a3 has no sidecar: it went in plaintext.
      "a/a2[Deployment] -> a/a3[Deployment]: observed plaintext",
      "a/a1[Deployment] -> a/a2[Deployment]: observed mixed",
      "a/a1[Deployment] -> external:PassthroughCluster: observed egress",
      "unknown -> b/b1[Deployment]: observed plaintext",
      "a/a2[Deployment] -> b/b1[Deployment]: allowed allowed-unused",
    ]);
    const b = graph().nodes.find((n) => n.id === b1.id)!;
    expect(b).toMatchObject({ findings: [overPermissive.id], worstSeverity: "medium", sidecar: true });
  });

  it("lays namespaces out as boxes in name order, workloads on a grid, the outside world to the right", () => {
    const g = graph();
    // a: 3 workloads on 2 columns and 2 rows: 2*48 + 2*24 = 144 wide, 2*48 + 48 + 28 = 172 high.
    // b: 1 workload: 96 wide, 124 high. Rows are sqrt((144+64)*(172+64) + (96+64)*(124+64)) = 281
    // wide, so b goes below a, after a 64 gap.
    expect(g.namespaces).toEqual([
      { name: "a", x: 0, y: 0, width: 144, height: 172, workloads: 3 },
      { name: "b", x: 0, y: 236, width: 96, height: 124, workloads: 1 },
    ]);
    const at = (id: string) => {
      const n = g.nodes.find((node) => node.id === id)!;
      return [n.x, n.y];
    };
    expect(at(a1.id)).toEqual([48, 76]);
    expect(at(a2.id)).toEqual([96, 76]);
    expect(at(a3.id)).toEqual([48, 124]);
    expect(at(b1.id)).toEqual([48, 312]);
    // The outside world: unknown first, then external hosts, right of the widest box (144 + 128).
    expect(at("unknown")).toEqual([272, 24]);
    expect(at("external:PassthroughCluster")).toEqual([272, 96]);
  });

  it("looks the same whatever the input order", () => {
    expect(graph([a1, a2, a3, b1])).toEqual(graph([b1, a3, a2, a1]));
  });
});
