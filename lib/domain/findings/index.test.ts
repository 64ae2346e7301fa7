import { describe, expect, it } from "vitest";
import { FINDING_KINDS } from "../model";
import { analyzeSnapshot, atLeast, toSarif } from "./index";
import { cleanContext, demoSnapshot } from "./test-helpers";

describe("all detectors together", () => {
  const demo = analyzeSnapshot(demoSnapshot());

  it("find every kind of problem in the demo cluster, worst first", () => {
    expect(new Set(demo.findings.map((f) => f.kind))).toEqual(new Set(FINDING_KINDS));
    // Problem 14 (traffic the policies deny) is the one critical finding.
    expect(demo.findings[0]).toMatchObject({ kind: "traffic-contradicts-policy", severity: "critical" });
    expect(demo.findings.filter((f) => f.severity === "critical")).toHaveLength(1);
    const ids = demo.findings.map((f) => f.id);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it("report nothing above info on a clean cluster", () => {
    const clean = analyzeSnapshot(cleanContext().snapshot);
    expect(clean.findings.filter((f) => atLeast(f, "low")).map((f) => f.id)).toEqual([]);
  });

  it("sum up the demo: encryption and isolation shares, allowed versus observed paths", () => {
    const s = demo.summary;
    expect(s.findings.critical).toBe(1);
    // Some observed requests are plaintext (into shop-ops, which has no sidecars), most are mTLS.
    expect(s.mtlsRequestShare).toBeGreaterThan(0.5);
    expect(s.mtlsRequestShare).toBeLessThan(1);
    // blog has no NetworkPolicy: its 4 workloads are not isolated; the 13 others are.
    expect(s.isolatedForIngress).toBeCloseTo(13 / 17, 10);
    expect(s.observedPaths).toBeGreaterThan(0);
    expect(s.allowedPaths).toBeGreaterThan(s.observedPaths!);
  });

  it("write SARIF 2.1.0: one rule per kind, one result per finding, stable fingerprints", () => {
    const sarif = toSarif(demo.findings, { version: "0.1.0", artifact: "lib/demo/manifests" }) as {
      version: string;
      runs: { tool: { driver: { rules: { id: string; properties: Record<string, string> }[] } }; results: { ruleId: string; level: string; partialFingerprints: Record<string, string> }[] }[];
    };
    expect(sarif.version).toBe("2.1.0");
    const [run] = sarif.runs;
    expect(run!.tool.driver.rules.map((r) => r.id)).toEqual([...FINDING_KINDS]);
    expect(run!.results).toHaveLength(demo.findings.length);
    expect(run!.results[0]).toMatchObject({ ruleId: "traffic-contradicts-policy", level: "error", partialFingerprints: { meshlensFindingId: demo.findings[0]!.id } });
    expect(run!.tool.driver.rules.find((r) => r.id === "traffic-contradicts-policy")!.properties["security-severity"]).toBe("9.5");
  });
});
