/**
 * Algebraic facts of NetworkPolicy semantics, checked on random small clusters (fast-check,
 * fixed seed): they hold whatever the labels and rules are.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { Policy, Workload } from "../../model";
import { computeConnectivity } from "../connectivity";
import { analyzeNetworkPolicies } from "./evaluate";
import { DEFAULT_MESH, np, ns, wl } from "../testing/builders";

const NAMESPACES = [ns("ns1", { team: "x" }), ns("ns2", { team: "y" })];
const labelValue = fc.constantFrom("a", "b", "c");
const labels = fc.record({ app: labelValue, tier: labelValue }, { requiredKeys: ["app"] });

const workloadsArb = fc
  .array(fc.tuple(fc.constantFrom("ns1", "ns2"), labels), { minLength: 2, maxLength: 5 })
  .map((items) => items.map(([namespace, l], i) => wl(`${namespace}/w${i}[Deployment]`, l, { ports: [["http", 8000 + i]] })));

const selector = fc.oneof(fc.constant({}), fc.record({ matchLabels: fc.record({ app: labelValue }) }), fc.record({ matchExpressions: fc.constant([{ key: "tier", operator: "Exists" }]) }));
const peer = fc.oneof(
  fc.record({ podSelector: selector }),
  fc.record({ namespaceSelector: fc.oneof(fc.constant({}), fc.constant({ matchLabels: { team: "y" } })) }),
  fc.record({ namespaceSelector: fc.constant({ matchLabels: { team: "x" } }), podSelector: selector }),
  fc.record({ ipBlock: fc.constantFrom({ cidr: "10.0.0.0/8" }, { cidr: "0.0.0.0/0", except: ["10.0.0.0/8"] }) }),
);
const port = fc.oneof(fc.constant({ port: 80 }), fc.constant({ port: "http" }), fc.constant({ protocol: "UDP", port: 53 }), fc.constant({ port: 8000, endPort: 8002 }));
const rule = (key: "from" | "to") => fc.record({ [key]: fc.array(peer, { maxLength: 2 }), ports: fc.array(port, { maxLength: 2 }) }, { requiredKeys: [] });
const spec = fc.record({
  podSelector: selector,
  policyTypes: fc.constantFrom(["Ingress"], ["Egress"], ["Ingress", "Egress"]),
  ingress: fc.array(rule("from"), { maxLength: 2 }),
  egress: fc.array(rule("to"), { maxLength: 2 }),
});
const policiesArb = fc.array(fc.tuple(fc.constantFrom("ns1", "ns2"), spec), { maxLength: 3 }).map((items) => items.map(([namespace, s], i) => np(namespace, `p${i}`, s)));

/** One address inside each range the generated ipBlocks can cut the address space into. */
const SAMPLES = ["0.0.0.1", "10.0.0.1", "11.0.0.1", "255.255.255.254"];
const toNumber = (ip: string) => ip.split(".").reduce((n, octet) => n * 256 + Number(octet), 0);

/** What is allowed per pair; outside ranges become sample addresses, so ranges may be cut differently. */
function allowed(workloads: Workload[], policies: Policy[]): Map<string, string> {
  const report = computeConnectivity({ workloads, namespaces: NAMESPACES, policies, services: [], meshConfig: DEFAULT_MESH });
  const result = new Map<string, string>();
  const expand = (end: string) => {
    const range = /^(.+)-(.+)\[External\]$/.exec(end);
    if (!range) return [end];
    const [lo, hi] = [toNumber(range[1]!), toNumber(range[2]!)];
    return SAMPLES.filter((ip) => lo <= toNumber(ip) && toNumber(ip) <= hi).map((ip) => `ip:${ip}`);
  };
  for (const c of report.connections) {
    for (const src of expand(c.src)) for (const dst of expand(c.dst)) result.set(`${src} => ${dst}`, c.conn);
  }
  return result;
}

/** Whether connection text `small` is within `big` (both in the np-guard notation), per port sample. */
function within(small: string, big: string): boolean {
  if (big === "All Connections") return true;
  if (small === "All Connections") return false;
  const parse = (text: string) => {
    const sets: Record<string, [number, number][] | "all"> = {};
    let current = "";
    for (const part of text.split(",")) {
      const [head, rest] = part.includes(" ") ? part.split(" ") : [part, undefined];
      if (/^[A-Z]+$/.test(head!)) {
        current = head!;
        sets[current] = rest === undefined ? "all" : [];
        if (rest === undefined) continue;
      }
      const range = (rest ?? head!).split("-").map(Number);
      (sets[current] as [number, number][]).push([range[0]!, range[1] ?? range[0]!]);
    }
    return sets;
  };
  const s = parse(small);
  const b = parse(big);
  return Object.entries(s).every(([protocol, ranges]) => {
    const outer = b[protocol];
    if (!outer) return false;
    if (outer === "all") return true;
    if (ranges === "all") return false;
    return ranges.every(([lo, hi]) => outer.some(([olo, ohi]) => olo <= lo && hi <= ohi));
  });
}

const runs = { numRuns: 150, seed: 20261127 };

describe("NetworkPolicy properties", () => {
  it("adding an allow rule never removes a connection", () => {
    fc.assert(
      fc.property(workloadsArb, policiesArb, fc.nat(), rule("from"), (workloads, policies, which, extra) => {
        if (policies.length === 0) return;
        const k = which % policies.length;
        const target = policies[k]!;
        const targetSpec = target.object.spec as { ingress: unknown[] };
        const widened = np(target.namespace, target.name, { ...targetSpec, ingress: [...targetSpec.ingress, extra] });
        const before = allowed(workloads, policies);
        const after = allowed(workloads, policies.map((p, i) => (i === k ? widened : p)));
        for (const [pair, conn] of before) expect(within(conn, after.get(pair) ?? "none"), pair).toBe(true);
      }),
      runs,
    );
  });

  it("adding a default-deny policy never adds a connection", () => {
    fc.assert(
      fc.property(workloadsArb, policiesArb, fc.constantFrom("ns1", "ns2"), fc.constantFrom(["Ingress"], ["Egress"], ["Ingress", "Egress"]), (workloads, policies, namespace, types) => {
        const before = allowed(workloads, policies);
        const after = allowed(workloads, [...policies, np(namespace, "default-deny", { podSelector: {}, policyTypes: types })]);
        for (const [pair, conn] of after) expect(before.has(pair) && within(conn, before.get(pair)!), pair).toBe(true);
      }),
      runs,
    );
  });

  it("does not depend on the order of workloads or policies", () => {
    fc.assert(
      fc.property(workloadsArb, policiesArb, (workloads, policies) => {
        const forward = allowed(workloads, policies);
        const backward = allowed([...workloads].reverse(), [...policies].reverse());
        expect(new Map([...backward].sort())).toEqual(new Map([...forward].sort()));
      }),
      runs,
    );
  });
});

describe("the cheap query", () => {
  it("connectionsBetween allows exactly what between allows", () => {
    fc.assert(
      fc.property(workloadsArb, policiesArb, (workloads, policies) => {
        const analysis = analyzeNetworkPolicies({ workloads, namespaces: NAMESPACES, policies });
        for (let s = 0; s < workloads.length; s++) {
          for (let d = 0; d < workloads.length; d++) {
            expect(analysis.connectionsBetween(s, d).toString()).toBe(analysis.between(s, d).connections.toString());
          }
        }
      }),
      runs,
    );
  });
});
