import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { Labels } from "../../model";
import { compileSelector, labelKeyProblem, labelValueProblem, type CompiledSelector } from "./selectors";
import { key, labelSet, modelMatches, rawSelector, values } from "./test-helpers";

const RUNS = { seed: 20261127, numRuns: 300 };
const FIELD = "spec.podSelector";

function compiled(raw: unknown): CompiledSelector {
  const result = compileSelector(raw, FIELD);
  if (!result.ok) throw new Error(`${result.field}: ${result.error}`);
  return result.selector;
}

/** The single error for `raw`, as { field, error }. */
function problem(raw: unknown) {
  const result = compileSelector(raw, FIELD);
  if (result.ok) throw new Error(`expected an error, compiled to "${result.selector.text}"`);
  return { field: result.field, error: result.error };
}

const expr = (key: string, operator: string, values?: unknown) => ({ key, operator, ...(values === undefined ? {} : { values }) });

describe("examples from the Kubernetes docs", () => {
  // https://kubernetes.io/docs/concepts/overview/working-with-objects/labels/#set-based-requirement
  // "environment in (production, qa)", "tier notin (frontend, backend)", "partition", "!partition"
  it("set-based requirements", () => {
    const environment = compiled({ matchExpressions: [expr("environment", "In", ["production", "qa"])] });
    expect(environment.matches({ environment: "qa" })).toBe(true);
    expect(environment.matches({ environment: "dev" })).toBe(false);
    expect(environment.matches({})).toBe(false);

    // "...all resources with key equal to tier and values other than frontend and backend, and
    // all resources with no labels with the tier key."
    const tier = compiled({ matchExpressions: [expr("tier", "NotIn", ["frontend", "backend"])] });
    expect(tier.matches({ tier: "cache" })).toBe(true);
    expect(tier.matches({ tier: "frontend" })).toBe(false);
    expect(tier.matches({ app: "web" })).toBe(true);
    expect(tier.text).toBe("tier notin (backend,frontend)");

    const partition = compiled({ matchExpressions: [expr("partition", "Exists")] });
    expect(partition.matches({ partition: "" })).toBe(true);
    expect(partition.matches({ app: "x" })).toBe(false);
    expect(partition.text).toBe("partition");

    const noPartition = compiled({ matchExpressions: [expr("partition", "DoesNotExist")] });
    expect(noPartition.matches({ app: "x" })).toBe(true);
    expect(noPartition.matches({ partition: "a" })).toBe(false);
    expect(noPartition.text).toBe("!partition");
  });

  // https://kubernetes.io/docs/concepts/overview/working-with-objects/labels/#resources-that-support-set-based-requirements
  // "All of the requirements, from both matchLabels and matchExpressions are ANDed together."
  it("matchLabels and matchExpressions together", () => {
    const selector = compiled({
      matchLabels: { component: "redis" },
      matchExpressions: [expr("tier", "In", ["cache"]), expr("environment", "NotIn", ["dev"])],
    });
    expect(selector.text).toBe("component=redis, environment notin (dev), tier in (cache)");
    expect(selector.matches({ component: "redis", tier: "cache" })).toBe(true);
    expect(selector.matches({ component: "redis", tier: "cache", environment: "prod" })).toBe(true);
    expect(selector.matches({ component: "redis", tier: "cache", environment: "dev" })).toBe(false);
    expect(selector.matches({ component: "redis" })).toBe(false);
    expect(selector.matches({ tier: "cache" })).toBe(false);
  });

  // https://kubernetes.io/docs/concepts/services-networking/network-policies/#networkpolicy-resource
  // podSelector: { matchLabels: { role: db } }; namespaceSelector: { matchLabels: { project: myproject } }
  it("the NetworkPolicy example's selectors", () => {
    const db = compiled({ matchLabels: { role: "db" } });
    expect(db.matches({ role: "db", app: "postgres" })).toBe(true);
    expect(db.matches({ role: "frontend" })).toBe(false);
    expect(db.text).toBe("role=db");
    const project = compiled({ matchLabels: { project: "myproject" } });
    expect(project.matches({ project: "myproject", "kubernetes.io/metadata.name": "shop" })).toBe(true);
  });

  // https://kubernetes.io/docs/concepts/services-networking/network-policies/#default-deny-all-ingress-traffic
  // "podSelector: {}" selects all pods.
  it("an empty selector matches everything", () => {
    for (const raw of [{}, { matchLabels: null, matchExpressions: null }, { matchLabels: {}, matchExpressions: [] }]) {
      const all = compiled(raw);
      expect(all.matchesEverything).toBe(true);
      expect(all.requirements).toEqual([]);
      expect(all.text).toBe("");
      expect(all.matches({})).toBe(true);
      expect(all.matches({ app: "x" })).toBe(true);
    }
    expect(compiled({ matchExpressions: [expr("a", "NotIn", ["x"])] }).matchesEverything).toBe(false);
  });
});

describe("matching", () => {
  it("In needs the key with a listed value", () => {
    const s = compiled({ matchExpressions: [expr("env", "In", ["prod", ""])] });
    expect(s.matches({ env: "prod" })).toBe(true);
    expect(s.matches({ env: "" })).toBe(true);
    expect(s.matches({ env: "dev" })).toBe(false);
    expect(s.matches({})).toBe(false);
  });

  it("a matchLabels entry needs exactly that value", () => {
    const s = compiled({ matchLabels: { app: "web", tier: "" } });
    expect(s.matches({ app: "web", tier: "" })).toBe(true);
    expect(s.matches({ app: "web" })).toBe(false);
    expect(s.matches({ app: "web", tier: "x" })).toBe(false);
    expect(s.matches({ app: "Web", tier: "" })).toBe(false); // values are case-sensitive
    expect(s.requirements).toEqual([
      { key: "app", operator: "In", values: ["web"] },
      { key: "tier", operator: "In", values: [""] },
    ]);
  });

  it("`key:` with nothing after it is null, which the API server stores as the empty value", () => {
    const s = compiled({ matchLabels: { tier: null }, matchExpressions: [expr("env", "In", [null, "prod"])] });
    expect(s.text).toBe("env in (,prod), tier=");
    expect(s.matches({ tier: "", env: "" })).toBe(true);
  });

  it("never finds keys on Object.prototype", () => {
    expect(compiled({ matchExpressions: [expr("constructor", "Exists")] }).matches({})).toBe(false);
    expect(compiled({ matchExpressions: [expr("constructor", "DoesNotExist")] }).matches({})).toBe(true);
    expect(compiled({ matchExpressions: [expr("toString", "NotIn", ["x"])] }).matches({})).toBe(true);
    expect(compiled({ matchLabels: { constructor: "x" } }).matches({ constructor: "x" })).toBe(true);
    const bare: Labels = Object.assign(Object.create(null) as Labels, { app: "web" });
    expect(compiled({ matchLabels: { app: "web" } }).matches(bare)).toBe(true);
  });

  it("text sorts requirements by key and values, without duplicates", () => {
    const s = compiled({
      matchExpressions: [expr("zone", "NotIn", ["b", "a", "b"]), expr("app", "Exists"), expr("canary", "DoesNotExist")],
      matchLabels: { tier: "web" },
    });
    expect(s.text).toBe("app, !canary, tier=web, zone notin (a,b)");
    expect(s.requirements.map((r) => r.key)).toEqual(["tier", "zone", "app", "canary"]);
    expect(s.requirements[1]!.values).toEqual(["a", "b"]);
  });

  it("text orders requirements on one key by their text and writes repeats once", () => {
    const s = compiled({ matchLabels: { app: "web" }, matchExpressions: [expr("app", "NotIn", ["db"]), expr("app", "Exists"), expr("app", "Exists")] });
    expect(s.text).toBe("app, app notin (db), app=web");
    expect(s.requirements).toHaveLength(4);
  });
});

describe("validation, as ValidateLabelSelector", () => {
  it("the selector must be a mapping with only matchLabels and matchExpressions", () => {
    expect(problem([])).toEqual({ field: FIELD, error: "expected a mapping (a label selector with matchLabels and/or matchExpressions), found a list" });
    expect(problem("app=web").error).toBe("expected a mapping (a label selector with matchLabels and/or matchExpressions), found a string");
    expect(problem(null).error).toBe("expected a mapping (a label selector with matchLabels and/or matchExpressions), found null");
    // A typo must not silently become `{}`, which selects everything.
    expect(problem({ matchLabel: { app: "web" } })).toEqual({
      field: "spec.podSelector.matchLabel",
      error: 'unknown field "matchLabel" (a label selector has only matchLabels and matchExpressions)',
    });
  });

  it("operators are case-sensitive; the error names the exact expression", () => {
    expect(problem({ matchExpressions: [expr("app", "Exists"), expr("tier", "in", ["a"])] })).toEqual({
      field: "spec.podSelector.matchExpressions[1].operator",
      error: 'unknown operator "in" (must be In, NotIn, Exists or DoesNotExist)',
    });
    expect(problem({ matchExpressions: [expr("app", "exists")] }).error).toBe('unknown operator "exists" (must be In, NotIn, Exists or DoesNotExist)');
    expect(problem({ matchExpressions: [expr("app", "Equals", ["a"])] }).error).toBe('unknown operator "Equals" (must be In, NotIn, Exists or DoesNotExist)');
    expect(problem({ matchExpressions: [{ key: "app", operator: 1 }] }).error).toBe("unknown operator number 1 (must be In, NotIn, Exists or DoesNotExist)");
    expect(problem({ matchExpressions: [{ key: "app" }] })).toEqual({
      field: "spec.podSelector.matchExpressions[0].operator",
      error: "missing (must be In, NotIn, Exists or DoesNotExist)",
    });
  });

  it("In and NotIn need values; Exists and DoesNotExist must not have any", () => {
    expect(problem({ matchExpressions: [expr("app", "In")] })).toEqual({
      field: "spec.podSelector.matchExpressions[0].values",
      error: "must list at least one value when operator is In",
    });
    expect(problem({ matchExpressions: [expr("app", "NotIn", [])] }).error).toBe("must list at least one value when operator is NotIn");
    expect(problem({ matchExpressions: [expr("app", "Exists", ["x"])] })).toEqual({
      field: "spec.podSelector.matchExpressions[0].values",
      error: "must not be set when operator is Exists",
    });
    expect(problem({ matchExpressions: [expr("app", "DoesNotExist", ["x"])] }).error).toBe("must not be set when operator is DoesNotExist");
    // An empty or null list is no values at all (len(values) == 0 in the API server).
    expect(compiled({ matchExpressions: [expr("app", "Exists", [])] }).text).toBe("app");
    expect(compiled({ matchExpressions: [expr("app", "DoesNotExist", null)] }).text).toBe("!app");
  });

  it("values must be a list of valid label values", () => {
    expect(problem({ matchExpressions: [expr("app", "In", "web")] })).toEqual({
      field: "spec.podSelector.matchExpressions[0].values",
      error: "expected a list of strings, found a string",
    });
    expect(problem({ matchExpressions: [expr("app", "In", ["web", "-bad"])] })).toEqual({
      field: "spec.podSelector.matchExpressions[0].values[1]",
      error: `invalid label value "-bad": must be empty or consist of alphanumeric characters, '-', '_' or '.', and start and end with an alphanumeric character`,
    });
    expect(problem({ matchExpressions: [expr("port", "In", [8080])] })).toEqual({
      field: "spec.podSelector.matchExpressions[0].values[0]",
      error: 'expected a string, found number 8080 (quote values such as "true" or "8080")',
    });
  });

  it("expressions must be mappings with a valid key and no unknown fields", () => {
    expect(problem({ matchExpressions: { key: "app" } })).toEqual({ field: "spec.podSelector.matchExpressions", error: "expected a list, found a mapping" });
    expect(problem({ matchExpressions: ["app"] })).toEqual({
      field: "spec.podSelector.matchExpressions[0]",
      error: "expected a mapping with key, operator and values, found a string",
    });
    expect(problem({ matchExpressions: [{ operator: "Exists" }] })).toEqual({
      field: "spec.podSelector.matchExpressions[0].key",
      error: 'missing (expected a label key such as "app")',
    });
    expect(problem({ matchExpressions: [{ key: true, operator: "Exists" }] }).error).toBe("expected a string, found boolean true");
    expect(problem({ matchExpressions: [expr("app name", "Exists")] })).toEqual({
      field: "spec.podSelector.matchExpressions[0].key",
      error: `invalid label key "app name": the name must consist of alphanumeric characters, '-', '_' or '.', and start and end with an alphanumeric character`,
    });
    // `value:` for `values:` would otherwise pass unnoticed with Exists.
    expect(problem({ matchExpressions: [{ key: "app", operator: "Exists", value: ["x"] }] })).toEqual({
      field: "spec.podSelector.matchExpressions[0].value",
      error: 'unknown field "value" (a match expression has only key, operator and values)',
    });
  });

  it("matchLabels must map valid keys to valid string values", () => {
    expect(problem({ matchLabels: ["app=web"] })).toEqual({ field: "spec.podSelector.matchLabels", error: "expected a mapping of label keys to values, found a list" });
    expect(problem({ matchLabels: { port: 8080 } })).toEqual({
      field: "spec.podSelector.matchLabels.port",
      error: 'expected a string, found number 8080 (quote values such as "true" or "8080")',
    });
    expect(problem({ matchLabels: { enabled: true } }).error).toBe('expected a string, found boolean true (quote values such as "true" or "8080")');
    expect(problem({ matchLabels: { "app.kubernetes.io/name": "web", "Example.com/app": "x" } })).toEqual({
      field: 'spec.podSelector.matchLabels["Example.com/app"]',
      error: 'invalid label key "Example.com/app": the prefix must be a lowercase DNS subdomain of at most 253 characters, e.g. example.com',
    });
    expect(problem({ matchLabels: { app: "a".repeat(64) } })).toEqual({
      field: "spec.podSelector.matchLabels.app",
      error: `invalid label value "${"a".repeat(64)}": must be at most 63 characters`,
    });
  });

  it("paths follow the caller's field", () => {
    const result = compileSelector({ matchExpressions: [expr("a", "In")] }, "spec.ingress[0].from[1].namespaceSelector");
    expect(result).toEqual({ ok: false, field: "spec.ingress[0].from[1].namespaceSelector.matchExpressions[0].values", error: "must list at least one value when operator is In" });
  });
});

describe("label keys and values (IsQualifiedName, IsValidLabelValue)", () => {
  it.each(["app", "app.kubernetes.io/name", "kubernetes.io/metadata.name", "A_b-c.d", "a", "9", "x".repeat(63), `${"a".repeat(253)}/x`, "a-b.c/d"])(
    "key %s is valid",
    (key) => expect(labelKeyProblem(key)).toBeUndefined(),
  );

  it.each([
    ["", "must not be empty"],
    ["a/b/c", 'must have at most one "/" (an optional DNS subdomain prefix, then a name)'],
    ["/app", 'the prefix before "/" must not be empty'],
    ["example.com/", 'the name after "/" must not be empty'],
    ["Example.com/app", "the prefix must be a lowercase DNS subdomain of at most 253 characters, e.g. example.com"],
    ["-example.com/app", "the prefix must be a lowercase DNS subdomain of at most 253 characters, e.g. example.com"],
    ["under_score.com/app", "the prefix must be a lowercase DNS subdomain of at most 253 characters, e.g. example.com"],
    [`${"a".repeat(254)}/x`, "the prefix must be a lowercase DNS subdomain of at most 253 characters, e.g. example.com"],
    ["x".repeat(64), "the name must be at most 63 characters"],
    ["-app", "the name must consist of alphanumeric characters, '-', '_' or '.', and start and end with an alphanumeric character"],
    ["app.", "the name must consist of alphanumeric characters, '-', '_' or '.', and start and end with an alphanumeric character"],
    ["app name", "the name must consist of alphanumeric characters, '-', '_' or '.', and start and end with an alphanumeric character"],
    ["__proto__", "the name must consist of alphanumeric characters, '-', '_' or '.', and start and end with an alphanumeric character"],
  ])("key %j: %s", (key, message) => expect(labelKeyProblem(key)).toBe(message));

  it("values may be empty, else 1-63 characters of the name alphabet", () => {
    for (const value of ["", "web", "v1.2.3", "A_b-c", "x".repeat(63)]) expect(labelValueProblem(value)).toBeUndefined();
    expect(labelValueProblem("x".repeat(64))).toBe("must be at most 63 characters");
    for (const value of ["-web", "web-", "a/b", "a b", "é"]) {
      expect(labelValueProblem(value)).toBe("must be empty or consist of alphanumeric characters, '-', '_' or '.', and start and end with an alphanumeric character");
    }
  });
});

describe("selector properties", () => {
  it("matches() agrees with the definition", () => {
    fc.assert(
      fc.property(rawSelector, fc.array(labelSet, { maxLength: 8 }), (raw, sets) => {
        const selector = compiled(raw);
        expect(sets.map((l) => selector.matches(l))).toEqual(sets.map((l) => modelMatches(raw, l)));
      }),
      RUNS,
    );
  });

  it("the text does not depend on the order expressions and values are written in", () => {
    fc.assert(
      fc.property(rawSelector, (raw) => {
        const reversed = {
          matchLabels: raw.matchLabels,
          matchExpressions: [...(raw.matchExpressions ?? [])].reverse().map((e) => ("values" in e ? { ...e, values: [...e.values].reverse() } : e)),
        };
        expect(compiled(reversed).text).toBe(compiled(raw).text);
      }),
      RUNS,
    );
  });

  it("NotIn is the negation of In, and DoesNotExist of Exists", () => {
    fc.assert(
      fc.property(key, values, labelSet, (k, vs, labels) => {
        const inside = compiled({ matchExpressions: [expr(k, "In", vs)] });
        const outside = compiled({ matchExpressions: [expr(k, "NotIn", vs)] });
        expect(outside.matches(labels)).toBe(!inside.matches(labels));
        const exists = compiled({ matchExpressions: [expr(k, "Exists")] });
        const absent = compiled({ matchExpressions: [expr(k, "DoesNotExist")] });
        expect(absent.matches(labels)).toBe(!exists.matches(labels));
      }),
      RUNS,
    );
  });
});
