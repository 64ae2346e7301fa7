import { describe, expect, it } from "vitest";
import { namespaceMatcher, patternSubsumes, stringMatcher } from "./authz-strings";

describe("stringMatcher: Exact, Prefix, Suffix and Presence (AuthorizationPolicy Rule)", () => {
  it.each([
    ["abc", "abc", true],
    ["abc", "abcd", false],
    ["abc*", "abc", true],
    ["abc*", "abcd", true],
    ["abc*", "xabc", false],
    ["*abc", "abc", true],
    ["*abc", "xabc", true],
    ["*abc", "abcx", false],
    ["*", "x", true],
    ["*", "", false],
    // A leading * wins: `*abc*` is the suffix "abc*", and a * in the middle is literal.
    ["*abc*", "xabc*", true],
    ["*abc*", "xabcd", false],
    ["a*c", "abc", false],
    ["a*c", "a*c", true],
  ])("%s on %j: %s", (pattern, value, expected) => {
    expect(stringMatcher(pattern)(value)).toBe(expected);
  });

  it("folds case when asked (hosts)", () => {
    expect(stringMatcher("*.Example.com", { ignoreCase: true })("API.example.COM")).toBe(true);
    expect(stringMatcher("*.Example.com")("api.example.com")).toBe(false);
  });
});

describe("namespaceMatcher: * anywhere stands for any characters", () => {
  it.each([
    ["shop", "shop", true],
    ["shop", "shopping", false],
    ["shop*", "shopping", true],
    ["*-prod", "pay-prod", true],
    ["s*p", "shop", true],
    ["*", "any", true],
    ["a.b", "axb", false],
  ])("%s on %s: %s", (pattern, value, expected) => {
    expect(namespaceMatcher(pattern)(value)).toBe(expected);
  });
});

describe("patternSubsumes: every value the inner pattern matches, the outer matches too", () => {
  it.each([
    ["*", "/anything*", true],
    ["/api*", "/api/v1", true],
    ["/api*", "/api/v1/*", true],
    ["/api/v1/*", "/api*", false],
    ["*.com", "*.example.com", true],
    ["*.com", "example.org", false],
    ["GET", "GET", true],
    ["GET", "POST", false],
    ["/a*", "*", false],
    ["/a/{*}", "/a/{*}", true],
    ["/a*", "/a/{*}", false],
  ])("%s covers %s: %s", (outer, inner, expected) => {
    expect(patternSubsumes(outer, inner)).toBe(expected);
  });

  it("folds case when asked", () => {
    expect(patternSubsumes("*.EXAMPLE.com", "api.example.com", { ignoreCase: true })).toBe(true);
  });
});
