/**
 * Algebraic facts of AuthorizationPolicy evaluation, checked on random policies over a small
 * vocabulary (seeded: the runs are reproducible).
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { Policy, Workload } from "../../model";
import type { AuthzDecision } from "./authz";
import { ap, authorizer, call, ROOT, wl, type From } from "./authz-test-helpers";

const RUNS = { seed: 20_240_611, numRuns: 150 };

const web = wl("shop", "web");
const api = wl("shop", "api", { app: "api", version: "v1" });
const ledger = wl("pay", "ledger");
const admin = wl("ops", "admin-tool", { app: "admin-tool" }, "admin");
const DESTINATIONS: Workload[] = [api, ledger];
const SOURCES: From[] = [web, ledger, admin, { ip: "203.0.113.9" }, {}, "unknown"];

/** Every (source, destination, mTLS, port, HTTP) combination of the fixture: 96 requests. */
const REQUESTS = SOURCES.flatMap((from) =>
  DESTINATIONS.flatMap((to) => [true, false].flatMap((mtls) => [8080, 5432].flatMap((port) => [true, false].map((http) => call(from, to, { mtls, port, http }))))),
);

const source = fc
  .record(
    {
      principals: fc.constantFrom(["cluster.local/ns/shop/sa/web"], ["*/sa/admin"], ["*"]),
      notPrincipals: fc.constantFrom(["*"], ["cluster.local/ns/pay/*"]),
      namespaces: fc.constantFrom(["shop"], ["pay", "ops"], ["*"]),
      notNamespaces: fc.constantFrom(["ops"], ["shop"]),
      ipBlocks: fc.constantFrom(["203.0.113.0/24"], ["10.0.0.0/8"]),
      requestPrincipals: fc.constantFrom(["*"], ["issuer/sub"]),
    },
    { requiredKeys: [] },
  )
  .map((fields) => (Object.keys(fields).length > 0 ? fields : { namespaces: ["shop"] }));

const operation = fc
  .record(
    {
      ports: fc.constantFrom(["8080"], ["5432"], ["8080", "5432"]),
      notPorts: fc.constantFrom(["5432"]),
      methods: fc.constantFrom(["GET"], ["GET", "POST"], ["*"]),
      notMethods: fc.constantFrom(["DELETE"]),
      paths: fc.constantFrom(["/api*"], ["/api/orders"], ["*/health"]),
      hosts: fc.constantFrom(["api.shop"]),
    },
    { requiredKeys: [] },
  )
  .map((fields) => (Object.keys(fields).length > 0 ? fields : { ports: ["8080"] }));

const condition = fc.constantFrom(
  { key: "destination.port", values: ["8080"] },
  { key: "source.namespace", notValues: ["ops"] },
  { key: "source.principal", values: ["*/sa/web"] },
  { key: "request.headers[x-tenant]", values: ["blue"] },
  { key: "source.ip", notValues: ["203.0.113.0/24"] },
);

const rule = fc.record(
  {
    from: fc.array(fc.record({ source }), { minLength: 1, maxLength: 2 }),
    to: fc.array(fc.record({ operation }), { minLength: 1, maxLength: 2 }),
    when: fc.array(condition, { minLength: 1, maxLength: 2 }),
  },
  { requiredKeys: [] },
);

const selector = fc.constantFrom(undefined, { matchLabels: { app: "api" } }, { matchLabels: { app: "ledger" } }, { matchLabels: { app: "api", version: "v2" } });

type Action = "ALLOW" | "DENY" | "AUDIT" | "CUSTOM";

/** A spec of the given action (CUSTOM gets a provider and at least one rule, as Istio requires). */
const spec = (action: Action) =>
  fc.record({ selector, rules: fc.array(rule, { minLength: action === "CUSTOM" ? 1 : 0, maxLength: 3 }) }).map(({ selector: s, rules }) => ({
    action,
    ...(action === "CUSTOM" ? { provider: { name: "ext-authz" } } : {}),
    ...(s ? { selector: s } : {}),
    rules,
  }));

const namespace = fc.constantFrom("shop", "pay", ROOT);
const anyAction = fc.constantFrom<Action>("ALLOW", "DENY", "AUDIT", "CUSTOM");

/** Policies p0, p1, ... (unique names) of random actions. */
const policies = fc
  .array(fc.tuple(namespace, anyAction.chain((action) => spec(action))), { maxLength: 5 })
  .map((list) => list.map(([ns, s], index) => ap(ns, `p${index}`, s)));

const newPolicy = (action: Action) => fc.tuple(namespace, spec(action)).map(([ns, s]) => ap(ns, "added", s));

const decisions = (list: Policy[]) => {
  const authorize = authorizer(list);
  return REQUESTS.map((request) => authorize.authorize(request));
};

/** deny < conditional < allow. */
const RANK: Record<AuthzDecision["effect"], number> = { deny: 0, conditional: 1, allow: 2 };

const actionOf = (policy: Policy) => (policy.object.spec as { action?: string }).action ?? "ALLOW";

/** The destinations to which an ALLOW policy of `list` applies. */
const lockedDestinations = (list: Policy[]): Set<Workload> => {
  const compiled = authorizer(list);
  const allows = new Set(list.filter((policy) => actionOf(policy) === "ALLOW").map((policy) => policy.id));
  return new Set(DESTINATIONS.filter((destination) => compiled.policiesFor(destination).some((id) => allows.has(id))));
};

describe("AuthorizationPolicy properties", () => {
  it("the order of the policies changes no decision, issue or note", () => {
    fc.assert(
      fc.property(
        policies.chain((list) => fc.tuple(fc.constant(list), fc.shuffledSubarray(list, { minLength: list.length, maxLength: list.length }))),
        ([list, shuffled]) => {
          expect(decisions(shuffled)).toEqual(decisions(list));
          const a = authorizer(list);
          const b = authorizer(shuffled);
          expect(b.issues).toEqual(a.issues);
          expect(b.notes).toEqual(a.notes);
        },
      ),
      RUNS,
    );
  });

  it("once an ALLOW policy applies, adding ALLOW rules never turns an allow into a deny (nor a conditional into a deny)", () => {
    fc.assert(
      fc.property(policies, newPolicy("ALLOW"), (list, added) => {
        const before = decisions(list);
        const after = decisions([...list, added]);
        const locked = lockedDestinations(list);
        REQUESTS.forEach((request, index) => {
          if (!locked.has(request.destination)) return;
          expect(RANK[after[index]!.effect]).toBeGreaterThanOrEqual(RANK[before[index]!.effect]);
        });
      }),
      RUNS,
    );
  });

  it("adding a rule to an existing ALLOW policy never lowers any decision", () => {
    fc.assert(
      fc.property(policies, rule, fc.nat(), (list, extra, pick) => {
        const allows = list.filter((policy) => actionOf(policy) === "ALLOW");
        fc.pre(allows.length > 0);
        const target = allows[pick % allows.length]!;
        const targetSpec = target.object.spec as { rules: unknown[] };
        const extended = list.map((policy) => (policy === target ? ap(policy.namespace, policy.name, { ...targetSpec, rules: [...targetSpec.rules, extra] }) : policy));
        const before = decisions(list);
        const after = decisions(extended);
        REQUESTS.forEach((_, index) => expect(RANK[after[index]!.effect]).toBeGreaterThanOrEqual(RANK[before[index]!.effect]));
      }),
      RUNS,
    );
  });

  it("the first ALLOW policy of a workload can deny what was allowed (so the property above needs one already)", () => {
    const [before] = decisions([]);
    const [after] = decisions([ap("shop", "only-ledger", { rules: [{ from: [{ source: { namespaces: ["pay"] } }] }] })]);
    expect(before!.effect).toBe("allow");
    expect(after!.effect).toBe("deny"); // REQUESTS[0]: shop/web -> shop/api over mTLS
  });

  it("adding a DENY policy never turns a deny (or a conditional) into something more permissive", () => {
    fc.assert(
      fc.property(policies, newPolicy("DENY"), (list, added) => {
        const before = decisions(list);
        const after = decisions([...list, added]);
        REQUESTS.forEach((_, index) => expect(RANK[after[index]!.effect]).toBeLessThanOrEqual(RANK[before[index]!.effect]));
      }),
      RUNS,
    );
  });

  it("AUDIT policies change no decision", () => {
    fc.assert(
      fc.property(policies, newPolicy("AUDIT"), (list, added) => {
        expect(decisions([...list, added])).toEqual(decisions(list));
      }),
      RUNS,
    );
  });

  it("a CUSTOM policy never decides alone: it denies nothing by itself and can only make an allow conditional", () => {
    fc.assert(
      fc.property(policies, newPolicy("CUSTOM"), (list, added) => {
        const before = decisions(list);
        const after = decisions([...list, added]);
        REQUESTS.forEach((_, index) => {
          expect(after[index]!.effect === "deny").toBe(before[index]!.effect === "deny");
          expect(RANK[after[index]!.effect]).toBeLessThanOrEqual(RANK[before[index]!.effect]);
        });
      }),
      RUNS,
    );
  });

  it("a destination without sidecar is always allowed", () => {
    const bare = wl("shop", "bare", { app: "api" }, "bare", { sidecar: false });
    fc.assert(
      fc.property(policies, (list) => {
        const authorize = authorizer(list);
        for (const from of SOURCES) expect(authorize(from, bare).effect).toBe("allow");
      }),
      RUNS,
    );
  });
});
