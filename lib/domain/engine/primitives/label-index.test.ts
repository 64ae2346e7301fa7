import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { Labels } from "../../model";
import { compileSelector, LabelIndex, type CompiledSelector } from "./selectors";
import { labelSet, rawSelector } from "./test-helpers";

const RUNS = { seed: 20261127, numRuns: 300 };

function compiled(raw: unknown): CompiledSelector {
  const result = compileSelector(raw, "spec.podSelector");
  if (!result.ok) throw new Error(`${result.field}: ${result.error}`);
  return result.selector;
}

const PODS: { name: string; labels: Labels }[] = [
  { name: "web-1", labels: { app: "web", tier: "frontend", env: "prod" } },
  { name: "web-2", labels: { app: "web", tier: "frontend", env: "dev" } },
  { name: "api", labels: { app: "api", tier: "backend", env: "prod" } },
  { name: "db", labels: { app: "db", tier: "backend" } },
  { name: "debug", labels: {} },
];
const index = new LabelIndex(PODS, (p) => p.labels);
const names = (selector: unknown) => Array.from(index.select(compiled(selector)), (i) => PODS[i]!.name);

describe("LabelIndex", () => {
  it("selects by matchLabels, In and Exists from posting lists", () => {
    expect(names({ matchLabels: { app: "web" } })).toEqual(["web-1", "web-2"]);
    expect(names({ matchLabels: { tier: "backend", env: "prod" } })).toEqual(["api"]);
    expect(names({ matchExpressions: [{ key: "app", operator: "In", values: ["db", "web"] }] })).toEqual(["web-1", "web-2", "db"]);
    expect(names({ matchExpressions: [{ key: "env", operator: "Exists" }] })).toEqual(["web-1", "web-2", "api"]);
    expect(names({ matchLabels: { app: "nope" } })).toEqual([]);
    expect(names({ matchLabels: { owner: "x" } })).toEqual([]);
  });

  it("checks NotIn and DoesNotExist on the candidates, or on every item when nothing else narrows", () => {
    expect(names({ matchLabels: { tier: "backend" }, matchExpressions: [{ key: "env", operator: "DoesNotExist" }] })).toEqual(["db"]);
    // NotIn matches items without the key: db and debug have no env label.
    expect(names({ matchExpressions: [{ key: "env", operator: "NotIn", values: ["prod"] }] })).toEqual(["web-2", "db", "debug"]);
    expect(names({ matchExpressions: [{ key: "app", operator: "DoesNotExist" }] })).toEqual(["debug"]);
  });

  it("`{}` selects every item", () => {
    expect(names({})).toEqual(["web-1", "web-2", "api", "db", "debug"]);
    expect(new LabelIndex([], (x: Labels) => x).select(compiled({}))).toEqual(new Uint32Array(0));
  });

  it("hands out fresh arrays, never its own posting lists", () => {
    const selector = compiled({ matchLabels: { app: "web" } });
    const first = index.select(selector);
    first.fill(99);
    expect(Array.from(index.select(selector))).toEqual([0, 1]);
  });

  it("accepts selectors built elsewhere, duplicate values included", () => {
    const handMade: CompiledSelector = {
      matchesEverything: false,
      requirements: [{ key: "app", operator: "In", values: ["web", "web", "api"] }],
      matches: (labels) => labels.app === "web" || labels.app === "api",
      text: "app in (api,web)",
    };
    expect(Array.from(index.select(handMade))).toEqual([0, 1, 2]);
  });

  it("never finds keys on Object.prototype", () => {
    expect(names({ matchExpressions: [{ key: "constructor", operator: "Exists" }] })).toEqual([]);
    expect(names({ matchLabels: { toString: "x" } })).toEqual([]);
  });

  it("gives exactly what filtering with matches() gives", () => {
    fc.assert(
      fc.property(fc.array(labelSet, { maxLength: 40 }), fc.array(rawSelector, { minLength: 1, maxLength: 5 }), (sets, raws) => {
        const idx = new LabelIndex(sets, (l) => l);
        for (const selector of raws.map(compiled)) {
          const expected = sets.flatMap((labels, i) => (selector.matches(labels) ? [i] : []));
          expect(Array.from(idx.select(selector))).toEqual(expected);
        }
      }),
      RUNS,
    );
  });

  it("agrees with filtering on a large index, where lists are intersected and subtracted by binary search", () => {
    // Deterministic: item i has app=a<i%50>, every item has tier, and 1 in 7 has canary.
    const items: Labels[] = Array.from({ length: 5000 }, (_, i) => ({
      app: `a${i % 50}`,
      tier: i % 2 === 0 ? "web" : "db",
      ...(i % 7 === 0 ? { canary: "true" } : {}),
    }));
    const big = new LabelIndex(items, (l) => l);
    const selectors = [
      { matchLabels: { app: "a3" }, matchExpressions: [{ key: "tier", operator: "Exists" }] },
      { matchLabels: { app: "a4", tier: "web" }, matchExpressions: [{ key: "canary", operator: "DoesNotExist" }] },
      { matchExpressions: [{ key: "app", operator: "In", values: ["a1", "a2", "a3"] }, { key: "canary", operator: "Exists" }] },
      { matchExpressions: [{ key: "app", operator: "NotIn", values: ["a1"] }, { key: "tier", operator: "NotIn", values: ["db"] }] },
      { matchLabels: { app: "a4" }, matchExpressions: [{ key: "tier", operator: "NotIn", values: ["db"] }] },
    ].map(compiled);
    for (const selector of selectors) {
      const expected = items.flatMap((labels, i) => (selector.matches(labels) ? [i] : []));
      expect(expected.length).toBeGreaterThan(0);
      expect(Array.from(big.select(selector))).toEqual(expected);
    }
  });
});
