/** Istio's WorkloadSelector: matchLabels only, a plain subset match. */
import { describe, expect, it } from "vitest";
import { readWorkloadSelector, sameSelector, selectorMatches } from "./istio-selectors";
import { Invalid } from "./mtls-verbatim";

describe("selectorMatches", () => {
  it("needs every key=value on the pod; extra pod labels do not matter", () => {
    expect(selectorMatches({ app: "cart" }, { app: "cart", version: "v1" })).toBe(true);
    expect(selectorMatches({ app: "cart", version: "v2" }, { app: "cart", version: "v1" })).toBe(false);
    expect(selectorMatches({ app: "cart" }, { version: "v1" })).toBe(false);
  });

  it("an empty selector matches every pod", () => {
    expect(selectorMatches({}, {})).toBe(true);
    expect(selectorMatches({}, { app: "cart" })).toBe(true);
  });

  it("does not see inherited object properties as labels", () => {
    expect(selectorMatches({ toString: "x" }, {})).toBe(false);
  });
});

describe("readWorkloadSelector", () => {
  it("is null when absent, {} without matchLabels, the labels otherwise", () => {
    expect(readWorkloadSelector(undefined, "spec.selector")).toBeNull();
    expect(readWorkloadSelector(null, "spec.selector")).toBeNull();
    expect(readWorkloadSelector({}, "spec.selector")).toEqual({});
    expect(readWorkloadSelector({ matchLabels: { "app.kubernetes.io/name": "cart" } }, "spec.selector")).toEqual({ "app.kubernetes.io/name": "cart" });
  });

  it("names the offending label in the field path", () => {
    let error: unknown;
    try {
      readWorkloadSelector({ matchLabels: { "app.kubernetes.io/name": 3 } }, "spec.workloadSelector");
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(Invalid);
    expect((error as Invalid).field).toBe('spec.workloadSelector.matchLabels["app.kubernetes.io/name"]');
  });
});

describe("sameSelector", () => {
  it("compares label sets, not key order", () => {
    expect(sameSelector({ a: "1", b: "2" }, { b: "2", a: "1" })).toBe(true);
    expect(sameSelector({ a: "1" }, { a: "1", b: "2" })).toBe(false);
    expect(sameSelector({ a: "1" }, { a: "2" })).toBe(false);
  });
});
