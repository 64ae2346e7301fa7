/** ServiceEntry and Sidecar host names, and how a Sidecar import covers a ServiceEntry host. */
import { describe, expect, it } from "vitest";
import { hostSubsetOf, importCovers, readEgressImport, wildcardDomainProblem } from "./egress-hosts";
import { Invalid } from "./mtls-verbatim";

function invalidField(read: () => unknown): string {
  try {
    read();
  } catch (error) {
    if (error instanceof Invalid) return error.field;
    throw error;
  }
  throw new Error("expected Invalid");
}

describe("hostSubsetOf (Istio's host.Name.SubsetOf)", () => {
  it.each([
    ["api.stripe.example", "api.stripe.example", true],
    ["api.stripe.example", "api.stripe.other", false],
    ["api.stripe.example", "*", true],
    ["api.stripe.example", "*.stripe.example", true],
    ["a.b.stripe.example", "*.stripe.example", true],
    // The wildcard needs at least one label in front of the suffix.
    ["stripe.example", "*.stripe.example", false],
    ["*.googleapis.com", "*", true],
    ["*.googleapis.com", "*.com", true],
    ["*.googleapis.com", "*.googleapis.com", true],
    ["*.storage.googleapis.com", "*.googleapis.com", true],
    // A wildcard host is never covered by one name inside it, nor by a narrower wildcard.
    ["*.googleapis.com", "storage.googleapis.com", false],
    ["*.googleapis.com", "*.storage.googleapis.com", false],
  ])("%s within %s: %s", (host, pattern, expected) => {
    expect(hostSubsetOf(host, pattern)).toBe(expected);
  });
});

describe("wildcardDomainProblem", () => {
  it("accepts DNS names with an optional wildcard in the left-most label", () => {
    for (const host of ["api.stripe.example", "*.googleapis.com", "*-api.example.com", "localhost", "API.Example.com"]) {
      expect(wildcardDomainProblem(host)).toBeNull();
    }
  });

  it("refuses empty labels, trailing dots, inner wildcards and bad characters", () => {
    for (const host of ["", "a..b", "api.example.com.", "api.*.com", "api*.example.com", "-api.example.com", "api_1.example.com", `${"a".repeat(64)}.com`]) {
      expect(wildcardDomainProblem(host)).not.toBeNull();
    }
  });
});

describe("readEgressImport", () => {
  it("splits namespace/dnsName at the first slash", () => {
    expect(readEgressImport("./*", "h")).toEqual({ namespace: ".", dnsName: "*" });
    expect(readEgressImport("*/api.stripe.example", "h")).toEqual({ namespace: "*", dnsName: "api.stripe.example" });
    expect(readEgressImport("~/*", "h")).toEqual({ namespace: "~", dnsName: "*" });
    expect(readEgressImport("shop/*.googleapis.com", "h")).toEqual({ namespace: "shop", dnsName: "*.googleapis.com" });
  });

  it.each([
    ["api.stripe.example", "no namespace"],
    ["/api.stripe.example", "empty namespace"],
    ["shop/", "empty dnsName"],
    ["Shop_1/api.stripe.example", "not a namespace name"],
    ["shop/stripe", "short name"],
    ["shop/api.*.example", "inner wildcard"],
  ])("refuses %s (%s), naming the field", (raw) => {
    expect(invalidField(() => readEgressImport(raw, "spec.egress[0].hosts[1]"))).toBe("spec.egress[0].hosts[1]");
  });

  it("refuses a non-string", () => {
    expect(invalidField(() => readEgressImport(3, "spec.egress[0].hosts[0]"))).toBe("spec.egress[0].hosts[0]");
  });
});

describe("importCovers", () => {
  const shopAll = { namespace: ".", dnsName: "*" };
  it("`.` is the workload's namespace", () => {
    expect(importCovers(shopAll, { host: "api.stripe.example", entryNamespace: "shop", workloadNamespace: "shop" })).toBe(true);
    expect(importCovers(shopAll, { host: "api.stripe.example", entryNamespace: "blog", workloadNamespace: "shop" })).toBe(false);
  });

  it("`*` is any namespace, `~` none, a name only that one", () => {
    expect(importCovers({ namespace: "*", dnsName: "api.stripe.example" }, { host: "api.stripe.example", entryNamespace: "blog", workloadNamespace: "shop" })).toBe(true);
    expect(importCovers({ namespace: "~", dnsName: "*" }, { host: "api.stripe.example", entryNamespace: "shop", workloadNamespace: "shop" })).toBe(false);
    expect(importCovers({ namespace: "egress", dnsName: "*" }, { host: "api.stripe.example", entryNamespace: "egress", workloadNamespace: "shop" })).toBe(true);
    expect(importCovers({ namespace: "egress", dnsName: "*" }, { host: "api.stripe.example", entryNamespace: "shop", workloadNamespace: "shop" })).toBe(false);
  });

  it("needs the host too", () => {
    expect(importCovers({ namespace: "*", dnsName: "*.stripe.example" }, { host: "api.github.example", entryNamespace: "shop", workloadNamespace: "shop" })).toBe(false);
  });
});
