import { describe, expect, it } from "vitest";
import { NO_ALLOW_POLICY, NO_SIDECAR, NONE_MATCHES, TARGET_REF_NOTE } from "./authz";
import { ap, authorizer, ROOT, wl } from "./authz-test-helpers";

// shop/web runs as cluster.local/ns/shop/sa/web, shop/api as .../shop/sa/api, pay/ledger as
// .../pay/sa/ledger, ops/admin-tool as .../ops/sa/admin.
const web = wl("shop", "web");
const api = wl("shop", "api", { app: "api", version: "v1" });
const ledger = wl("pay", "ledger");
const admin = wl("ops", "admin-tool", { app: "admin-tool" }, "admin");

const rule0 = (ns: string, name: string, index = 0) => `${ns}/${name}[AuthorizationPolicy] rule ${index}`;

describe("which policies apply to a workload", () => {
  it("a selector applies when its matchLabels are a subset of the pod labels", () => {
    const authz = authorizer([
      ap("shop", "api-only", { selector: { matchLabels: { app: "api" } } }),
      ap("shop", "api-v2", { selector: { matchLabels: { app: "api", version: "v2" } } }),
    ]);
    expect(authz.policiesFor(api)).toEqual(["shop/api-only[AuthorizationPolicy]"]);
    expect(authz.policiesFor(web)).toEqual([]);
    // `spec.selector` with an allow-nothing ALLOW policy: only api is locked.
    expect(authz(web, api)).toEqual({ effect: "deny", deniedBy: [NONE_MATCHES] });
    expect(authz(api, web)).toEqual({ effect: "allow", allowedBy: [NO_ALLOW_POLICY] });
  });

  it("no selector, or an empty one, selects every workload of its namespace only", () => {
    const authz = authorizer([ap("shop", "all", {}), ap("shop", "empty", { selector: {} }), ap("shop", "empty-labels", { selector: { matchLabels: {} } })]);
    expect(authz.policiesFor(web)).toHaveLength(3);
    expect(authz.policiesFor(ledger)).toEqual([]);
  });

  it("policies in the root namespace apply mesh-wide, their selector still applies", () => {
    const authz = authorizer([
      ap(ROOT, "mesh-wide", { action: "DENY", rules: [{ from: [{ source: { namespaces: ["ops"] } }] }] }),
      ap(ROOT, "ledgers", { selector: { matchLabels: { app: "ledger" } }, action: "AUDIT", rules: [{}] }),
    ]);
    expect(authz.policiesFor(web)).toEqual([`${ROOT}/mesh-wide[AuthorizationPolicy]`]);
    expect(authz.policiesFor(ledger)).toEqual([`${ROOT}/ledgers[AuthorizationPolicy]`, `${ROOT}/mesh-wide[AuthorizationPolicy]`]);
    expect(authz(admin, ledger)).toEqual({ effect: "deny", deniedBy: [rule0(ROOT, "mesh-wide")] });
    expect(authz(web, ledger)).toEqual({ effect: "allow", allowedBy: [NO_ALLOW_POLICY] });
  });

  it("a policy with targetRef(s) binds to waypoints or gateways: sidecars ignore it, and a note says so", () => {
    const authz = authorizer([
      ap("shop", "waypoint", { targetRefs: [{ kind: "Service", group: "", name: "api" }], rules: [{}], action: "DENY" }),
    ]);
    expect(authz.policiesFor(api)).toEqual([]);
    expect(authz(web, api).effect).toBe("allow");
    expect(authz.notes).toEqual([{ policy: "shop/waypoint[AuthorizationPolicy]", field: "spec.targetRefs", message: TARGET_REF_NOTE }]);
    expect(authz.issues).toEqual([]);
  });
});

describe("compiled once, asked many times", () => {
  it("workloads under the same policies share remembered decisions, which are frozen", () => {
    const cart = wl("shop", "cart");
    const policy = ap("shop", "reads", { rules: [{ from: [{ source: { namespaces: ["shop"] } }], to: [{ operation: { methods: ["GET"] } }] }] });
    const authz = authorizer([policy], { workloads: [web, api, cart] });
    const first = authz(web, api, { http: true });
    expect(first.effect).toBe("allow");
    expect(authz(web, api, { http: true })).toBe(first);
    expect(authz(web, cart, { http: true })).toBe(first); // same policy set, same facts
    expect(authz(ledger, cart, { http: true }).effect).toBe("deny"); // other facts, other decision
    expect(Object.isFrozen(first)).toBe(true);
    expect(first.effect === "allow" && Object.isFrozen(first.http?.alternatives[0]?.methods)).toBe(true);
    // ...but the policy as read stays the caller's.
    const spec = policy.object.spec as { rules: { to: { operation: { methods: string[] } }[] }[] };
    expect(Object.isFrozen(spec.rules[0]!.to[0]!.operation.methods)).toBe(false);
  });
});

describe("allow-nothing, deny-all, allow-all (concepts: 'Allow-nothing, deny-all and allow-all policy')", () => {
  it("with no policy at all, everything is allowed", () => {
    expect(authorizer([])(web, api)).toEqual({ effect: "allow", allowedBy: [NO_ALLOW_POLICY] });
  });

  it("`spec: {}` is an ALLOW policy with no rules: it allows nothing", () => {
    const authz = authorizer([ap("shop", "allow-nothing", {})]);
    expect(authz(web, api)).toEqual({ effect: "deny", deniedBy: [NONE_MATCHES] });
    expect(authz(web, api, { http: true })).toEqual({ effect: "deny", deniedBy: [NONE_MATCHES] });
    expect(authz({ ip: "203.0.113.9" }, api)).toEqual({ effect: "deny", deniedBy: [NONE_MATCHES] });
  });

  it("an ALLOW rule `{}` matches every request: allow-all", () => {
    const authz = authorizer([ap("shop", "allow-nothing", {}), ap("shop", "allow-all", { rules: [{}] })]);
    expect(authz("unknown", api)).toEqual({ effect: "allow", allowedBy: [rule0("shop", "allow-all")] });
  });

  it("a DENY rule `{}` denies everything, even with an allow-all beside it", () => {
    const authz = authorizer([ap("shop", "deny-all", { action: "DENY", rules: [{}] }), ap("shop", "allow-all", { rules: [{}] })]);
    expect(authz(web, api)).toEqual({ effect: "deny", deniedBy: [rule0("shop", "deny-all")] });
  });

  it("a DENY policy without rules matches nothing", () => {
    expect(authorizer([ap("shop", "deny-none", { action: "DENY" })])(web, api)).toEqual({ effect: "allow", allowedBy: [NO_ALLOW_POLICY] });
  });

  it("AUDIT policies never change a decision", () => {
    const authz = authorizer([ap("shop", "audit", { action: "AUDIT", rules: [{}] })]);
    expect(authz.policiesFor(api)).toEqual(["shop/audit[AuthorizationPolicy]"]);
    expect(authz(web, api)).toEqual({ effect: "allow", allowedBy: [NO_ALLOW_POLICY] });
  });
});

describe("only sidecars enforce, and only what they intercept", () => {
  const denyAll = [ap("shop", "deny-all", { action: "DENY", rules: [{}] })];

  it("a destination without sidecar enforces nothing", () => {
    const bare = wl("shop", "legacy", { app: "legacy" }, "legacy", { sidecar: false });
    expect(authorizer(denyAll)(web, bare)).toEqual({ effect: "allow", allowedBy: [NO_SIDECAR] });
  });

  it("UDP and SCTP are not redirected to Envoy", () => {
    expect(authorizer(denyAll)(web, api, { protocol: "UDP" })).toEqual({
      effect: "allow",
      allowedBy: ["UDP is not intercepted by the sidecar: AuthorizationPolicy not enforced"],
    });
    expect(authorizer(denyAll)(web, api, { protocol: "SCTP" }).effect).toBe("allow");
  });

  it("the sidecar's own ports 15020, 15021, 15090 are not captured", () => {
    expect(authorizer(denyAll)(web, api, { port: 15021 })).toEqual({
      effect: "allow",
      allowedBy: ["port 15021 is not captured by the sidecar: AuthorizationPolicy not enforced"],
    });
    expect(authorizer(denyAll)(web, api, { port: 15008 }).effect).toBe("deny");
  });
});

describe("sources", () => {
  it("ALLOW from one namespace admits its workloads only", () => {
    const authz = authorizer([ap("shop", "from-shop", { rules: [{ from: [{ source: { namespaces: ["shop"] } }] }] })]);
    expect(authz(web, api)).toEqual({ effect: "allow", allowedBy: [rule0("shop", "from-shop")] });
    expect(authz(ledger, api)).toEqual({ effect: "deny", deniedBy: [NONE_MATCHES] });
  });

  it.each([
    ["exact", "cluster.local/ns/shop/sa/web", true, false],
    ["prefix", "cluster.local/ns/shop/*", true, false],
    ["suffix", "*/sa/web", true, false],
    ["suffix not matching", "*/sa/webb", false, false],
    ["presence: any authenticated peer", "*", true, true],
    ["`*` in the middle is literal", "cluster.local/ns/*/sa/web", false, false],
  ])("principals %s (%s)", (_, principal, webAllowed, ledgerAllowed) => {
    const authz = authorizer([ap("shop", "p", { selector: { matchLabels: { app: "api" } }, rules: [{ from: [{ source: { principals: [principal] } }] }] })]);
    expect(authz(web, api).effect).toBe(webAllowed ? "allow" : "deny");
    expect(authz(ledger, api).effect).toBe(ledgerAllowed ? "allow" : "deny");
  });

  it("namespaces take * anywhere (Istio builds the regex .*/ns/<value>/.* with * as .*)", () => {
    const authz = authorizer([ap("shop", "p", { rules: [{ from: [{ source: { namespaces: ["s*p"] } }] }] })]);
    expect(authz(web, api).effect).toBe("allow");
    expect(authz(ledger, api).effect).toBe("deny");
  });

  it("notNamespaces admits every other namespace", () => {
    const authz = authorizer([ap("shop", "not-pay", { rules: [{ from: [{ source: { notNamespaces: ["pay"] } }] }] })]);
    expect(authz(web, api).effect).toBe("allow");
    expect(authz(admin, api).effect).toBe("allow");
    expect(authz(ledger, api).effect).toBe("deny");
  });

  it("fields within a source are ANDed, sources are ORed", () => {
    const authz = authorizer([
      ap("shop", "p", {
        rules: [{ from: [{ source: { namespaces: ["shop"], notPrincipals: ["cluster.local/ns/shop/sa/web"] } }, { source: { principals: ["*/sa/admin"] } }] }],
      }),
    ]);
    expect(authz(web, api).effect).toBe("deny"); // shop, but excluded by notPrincipals
    expect(authz(wl("shop", "cart"), api).effect).toBe("allow"); // shop, another SA
    expect(authz(admin, api).effect).toBe("allow"); // second source
    expect(authz(ledger, api).effect).toBe("deny");
  });

  it("serviceAccounts name <namespace>/<service account>", () => {
    const authz = authorizer([ap("shop", "sa", { rules: [{ from: [{ source: { serviceAccounts: ["ops/admin"] } }] }] })]);
    expect(authz(admin, api).effect).toBe("allow");
    expect(authz(web, api).effect).toBe("deny");
  });

  describe("peer identity needs mTLS (concepts: 'Dependency on mutual TLS')", () => {
    it("without mTLS, principals and namespaces never match: an ALLOW on them denies plaintext", () => {
      const authz = authorizer([ap("shop", "from-shop", { rules: [{ from: [{ source: { namespaces: ["shop"] } }] }] })]);
      expect(authz(web, api, { mtls: false })).toEqual({ effect: "deny", deniedBy: [NONE_MATCHES] });
    });

    it("...and a DENY on them does not catch plaintext", () => {
      const authz = authorizer([ap("shop", "no-pay", { action: "DENY", rules: [{ from: [{ source: { principals: ["cluster.local/ns/pay/sa/ledger"] } }] }] })]);
      expect(authz(ledger, api).effect).toBe("deny");
      expect(authz(ledger, api, { mtls: false }).effect).toBe("allow");
    });

    it("without mTLS, notPrincipals and notNamespaces always match (Envoy's not_id of an absent identity)", () => {
      const allow = authorizer([ap("shop", "not-pay", { rules: [{ from: [{ source: { notNamespaces: ["pay"] } }] }] })]);
      expect(allow(ledger, api, { mtls: false })).toEqual({ effect: "allow", allowedBy: [rule0("shop", "not-pay")] });
      // The documented way to require mTLS: DENY requests without a principal.
      const requireMtls = authorizer([ap("shop", "require-mtls", { action: "DENY", rules: [{ from: [{ source: { notPrincipals: ["*"] } }] }] })]);
      expect(requireMtls(web, api, { mtls: false })).toEqual({ effect: "deny", deniedBy: [rule0("shop", "require-mtls")] });
      expect(requireMtls(web, api).effect).toBe("allow");
      expect(requireMtls({ ip: "203.0.113.9" }, api).effect).toBe("deny");
    });

    it("an mTLS peer outside the snapshot has an unknown identity: conditional", () => {
      const authz = authorizer([ap("shop", "from-shop", { rules: [{ from: [{ source: { namespaces: ["shop"] } }] }] })]);
      expect(authz("unknown", api, { mtls: true })).toEqual({
        effect: "conditional",
        reason: `${rule0("shop", "from-shop")} (ALLOW) admits requests only when namespaces ["shop"] (the source, so its mTLS identity, is unknown)`,
        allowedBy: [rule0("shop", "from-shop")],
      });
    });
  });

  it("principals with trust domain cluster.local stand for the local trust domain", () => {
    const policies = [
      ap("shop", "p", {
        rules: [{ from: [{ source: { principals: ["cluster.local/ns/shop/sa/web", "other.org/ns/pay/sa/ledger"] } }] }],
      }),
    ];
    const authz = authorizer(policies, { trustDomain: "example.com" });
    expect(authz(web, api).effect).toBe("allow"); // example.com/ns/shop/sa/web
    expect(authz(ledger, api).effect).toBe("deny"); // example.com/... is not other.org/...
    const exact = authorizer([ap("shop", "p", { rules: [{ from: [{ source: { principals: ["example.com/ns/shop/sa/web"] } }] }] })], { trustDomain: "example.com" });
    expect(exact(web, api).effect).toBe("allow");
  });

  describe("ipBlocks", () => {
    const fromCidr = [ap("shop", "office", { rules: [{ from: [{ source: { ipBlocks: ["203.0.113.0/24", "2001:db8::/32"], notIpBlocks: ["203.0.113.7"] } }] }] })];

    it("an external client with a known IP is matched against the CIDRs", () => {
      const authz = authorizer(fromCidr);
      expect(authz({ ip: "203.0.113.9" }, api).effect).toBe("allow");
      expect(authz({ ip: "203.0.113.7" }, api).effect).toBe("deny");
      expect(authz({ ip: "198.51.100.1" }, api).effect).toBe("deny");
      expect(authz({ ip: "2001:db8::1" }, api).effect).toBe("allow");
    });

    it("pod IPs are not in the snapshot: a workload source is conditional, never guessed", () => {
      expect(authorizer(fromCidr)(web, api)).toEqual({
        effect: "conditional",
        reason: `${rule0("shop", "office")} (ALLOW) admits requests only when ipBlocks ["203.0.113.0/24","2001:db8::/32"] and notIpBlocks ["203.0.113.7"] (source pod IPs are not in the snapshot)`,
        allowedBy: [rule0("shop", "office")],
      });
      expect(authorizer(fromCidr)({}, api).effect).toBe("conditional");
    });

    it("a DENY on ipBlocks is a conditional deny for pod sources, a certain one for a known IP", () => {
      const authz = authorizer([ap("shop", "block", { action: "DENY", rules: [{ from: [{ source: { remoteIpBlocks: ["10.0.0.0/8"] } }] }] })]);
      expect(authz(web, api)).toEqual({
        effect: "conditional",
        reason: `${rule0("shop", "block")} (DENY) denies requests when remoteIpBlocks ["10.0.0.0/8"] (source pod IPs are not in the snapshot)`,
        allowedBy: [NO_ALLOW_POLICY],
      });
      expect(authz({ ip: "10.1.2.3" }, api)).toEqual({ effect: "deny", deniedBy: [rule0("shop", "block")] });
      expect(authz({ ip: "192.168.0.1" }, api).effect).toBe("allow");
    });

    it("a certain match of another source makes the unknown one irrelevant", () => {
      const authz = authorizer([ap("shop", "p", { rules: [{ from: [{ source: { ipBlocks: ["10.0.0.0/8"] } }, { source: { namespaces: ["shop"] } }] }] })]);
      expect(authz(web, api)).toEqual({ effect: "allow", allowedBy: [rule0("shop", "p")] });
      expect(authz(ledger, api).effect).toBe("conditional");
    });
  });
});

describe("evaluation order: CUSTOM, then DENY, then ALLOW", () => {
  it("DENY beats ALLOW", () => {
    const authz = authorizer([
      ap("shop", "allow-shop", { rules: [{ from: [{ source: { namespaces: ["shop"] } }] }] }),
      ap("shop", "deny-web", { action: "DENY", rules: [{ from: [{ source: { principals: ["cluster.local/ns/shop/sa/web"] } }] }] }),
    ]);
    expect(authz(web, api)).toEqual({ effect: "deny", deniedBy: [rule0("shop", "deny-web")] });
    expect(authz(wl("shop", "cart"), api)).toEqual({ effect: "allow", allowedBy: [rule0("shop", "allow-shop")] });
  });

  it("a root-namespace DENY beats a namespace's allow-all", () => {
    const authz = authorizer([ap(ROOT, "deny-ops", { action: "DENY", rules: [{ from: [{ source: { namespaces: ["ops"] } }] }] }), ap("shop", "allow-all", { rules: [{}] })]);
    expect(authz(admin, api)).toEqual({ effect: "deny", deniedBy: [rule0(ROOT, "deny-ops")] });
    expect(authz(web, api)).toEqual({ effect: "allow", allowedBy: [rule0("shop", "allow-all")] });
  });

  it("a matching CUSTOM rule hands the decision to its provider", () => {
    const authz = authorizer([
      ap("shop", "ext", { action: "CUSTOM", provider: { name: "ext-authz" }, rules: [{ to: [{ operation: { ports: ["8080"] } }] }] }),
      ap("shop", "allow-shop", { rules: [{ from: [{ source: { namespaces: ["shop"] } }] }] }),
    ]);
    expect(authz(web, api)).toEqual({
      effect: "conditional",
      reason: `CUSTOM provider ext-authz decides (${rule0("shop", "ext")})`,
      allowedBy: [rule0("shop", "allow-shop")],
    });
    // The provider may only deny: what DENY or ALLOW refuse stays refused.
    expect(authz(ledger, api)).toEqual({ effect: "deny", deniedBy: [NONE_MATCHES] });
    // A CUSTOM rule that does not match does not take part.
    expect(authz(web, api, { port: 9090 })).toEqual({ effect: "allow", allowedBy: [rule0("shop", "allow-shop")] });
  });
});

describe("partial matches, weighed", () => {
  it("a request that certainly passes makes the connection allowed; the conditional alternatives are listed", () => {
    const authz = authorizer([
      ap("shop", "reads", { rules: [{ to: [{ operation: { methods: ["GET"] } }] }] }),
      ap("shop", "jwt-writes", { rules: [{ from: [{ source: { requestPrincipals: ["*"] } }], to: [{ operation: { methods: ["POST"] } }] }] }),
    ]);
    expect(authz(web, api, { http: true })).toEqual({
      effect: "allow",
      allowedBy: [rule0("shop", "jwt-writes"), rule0("shop", "reads")],
      http: {
        methods: ["GET", "POST"],
        paths: "*",
        alternatives: [
          { rule: rule0("shop", "jwt-writes"), methods: ["POST"], conditions: ['requestPrincipals ["*"] (depends on the request\'s JWT)'] },
          { rule: rule0("shop", "reads"), methods: ["GET"] },
        ],
      },
    });
  });

  it("a CUSTOM rule on some paths hands those requests to its provider", () => {
    const authz = authorizer([ap("shop", "ext", { action: "CUSTOM", provider: { name: "opa" }, rules: [{ to: [{ operation: { paths: ["/admin*"] } }] }] })]);
    expect(authz(web, api, { http: true })).toEqual({
      effect: "conditional",
      reason: `CUSTOM provider opa decides requests when paths ["/admin*"] (${rule0("shop", "ext")})`,
      allowedBy: [NO_ALLOW_POLICY],
    });
    // Off HTTP the path is dropped (CUSTOM rules are built like DENY rules): every connection.
    expect(authz(web, api)).toEqual({ effect: "conditional", reason: `CUSTOM provider opa decides (${rule0("shop", "ext")})`, allowedBy: [NO_ALLOW_POLICY] });
  });

  it("when every admitted request is denied except conditional ones, the decision is conditional", () => {
    const authz = authorizer([
      ap("shop", "reads", { rules: [{ to: [{ operation: { methods: ["GET"] } }] }, { when: [{ key: "request.headers[x-debug]", values: ["1"] }] }] }),
      ap("shop", "no-get", { action: "DENY", rules: [{ to: [{ operation: { methods: ["GET", "HEAD"] } }] }] }),
    ]);
    const decision = authz(web, api, { http: true });
    expect(decision).toMatchObject({
      effect: "conditional",
      reason: `${rule0("shop", "reads", 1)} (ALLOW) admits requests only when request.headers[x-debug] in ["1"] (depends on the request's headers)`,
      allowedBy: [rule0("shop", "reads", 1)],
    });
  });
});

describe("operations", () => {
  it("ports and notPorts test the destination (container) port", () => {
    const authz = authorizer([ap("shop", "ports", { rules: [{ to: [{ operation: { ports: ["8080", "9090"], notPorts: ["9090"] } }] }] })]);
    expect(authz(web, api, { port: 8080 }).effect).toBe("allow");
    expect(authz(web, api, { port: 9090 }).effect).toBe("deny");
    expect(authz(web, api, { port: 5432 }).effect).toBe("deny");
  });

  const readOnly = ap("shop", "read-only", {
    rules: [
      { from: [{ source: { namespaces: ["shop"] } }], to: [{ operation: { methods: ["GET", "HEAD"], paths: ["/api/*"] } }, { operation: { methods: ["POST"], paths: ["/api/orders"], hosts: ["api.shop"] } }] },
    ],
  });

  it("on an HTTP port, methods and paths admit some requests: allow with the admitted alternatives", () => {
    expect(authorizer([readOnly])(web, api, { http: true })).toEqual({
      effect: "allow",
      allowedBy: [rule0("shop", "read-only")],
      http: {
        methods: ["GET", "HEAD", "POST"],
        paths: ["/api/*", "/api/orders"],
        alternatives: [
          { rule: rule0("shop", "read-only"), methods: ["GET", "HEAD"], paths: ["/api/*"] },
          { rule: rule0("shop", "read-only"), methods: ["POST"], paths: ["/api/orders"], hosts: ["api.shop"] },
        ],
      },
    });
    expect(authorizer([readOnly])(ledger, api, { http: true }).effect).toBe("deny");
  });

  it("on a TCP port, an ALLOW rule with an HTTP-only field is ignored as a whole (authz-tcp task)", () => {
    expect(authorizer([readOnly])(web, api)).toEqual({ effect: "deny", deniedBy: [NONE_MATCHES] });
    // Even the operation without HTTP fields goes: the rule is skipped, not the operation.
    const mixed = ap("shop", "mixed", { rules: [{ to: [{ operation: { ports: ["8080"] } }, { operation: { methods: ["GET"] } }] }] });
    expect(authorizer([mixed])(web, api)).toEqual({ effect: "deny", deniedBy: [NONE_MATCHES] });
    expect(authorizer([mixed])(web, api, { http: true })).toEqual({ effect: "allow", allowedBy: [rule0("shop", "mixed")] });
  });

  it("on a TCP port, a DENY rule drops its HTTP-only fields and denies more", () => {
    const denyGet = ap("shop", "deny-get", { action: "DENY", rules: [{ to: [{ operation: { methods: ["GET"] } }] }] });
    expect(authorizer([denyGet])(web, api)).toEqual({ effect: "deny", deniedBy: [rule0("shop", "deny-get")] });
    const denyWebGet = ap("shop", "deny-web-get", {
      action: "DENY",
      rules: [{ from: [{ source: { principals: ["cluster.local/ns/shop/sa/web"] } }], to: [{ operation: { methods: ["GET"] } }] }],
    });
    expect(authorizer([denyWebGet])(web, api).effect).toBe("deny");
    expect(authorizer([denyWebGet])(ledger, api).effect).toBe("allow");
  });

  it("on an HTTP port, a DENY on methods denies those requests only: allow, with http.denied", () => {
    const denyDelete = ap("shop", "no-delete", { action: "DENY", rules: [{ to: [{ operation: { methods: ["DELETE"] } }] }] });
    expect(authorizer([denyDelete])(web, api, { http: true })).toEqual({
      effect: "allow",
      allowedBy: [NO_ALLOW_POLICY],
      http: { methods: "*", paths: "*", alternatives: [{ rule: NO_ALLOW_POLICY }], denied: [{ rule: rule0("shop", "no-delete"), methods: ["DELETE"] }] },
    });
  });

  it("a DENY that covers every request the ALLOW rules admit denies the connection", () => {
    const allowGet = ap("shop", "allow-get", { rules: [{ to: [{ operation: { methods: ["GET"], paths: ["/api/v1/*", "/api/health"] } }] }] });
    const denyApi = ap("shop", "deny-api", { action: "DENY", rules: [{ to: [{ operation: { paths: ["/api*"] } }] }] });
    expect(authorizer([allowGet, denyApi])(web, api, { http: true })).toEqual({ effect: "deny", deniedBy: [rule0("shop", "deny-api")] });
    const denyAdmin = ap("shop", "deny-admin", { action: "DENY", rules: [{ to: [{ operation: { paths: ["/api/v1/admin*"] } }] }] });
    expect(authorizer([allowGet, denyAdmin])(web, api, { http: true }).effect).toBe("allow");
  });

  it("methods `*` holds for every HTTP request, notMethods `*` for none", () => {
    const any = ap("shop", "any", { rules: [{ to: [{ operation: { methods: ["*"] } }] }] });
    expect(authorizer([any])(web, api, { http: true })).toEqual({ effect: "allow", allowedBy: [rule0("shop", "any")] });
    const none = ap("shop", "none", { rules: [{ to: [{ operation: { notMethods: ["*"] } }] }] });
    expect(authorizer([none])(web, api, { http: true })).toEqual({ effect: "deny", deniedBy: [NONE_MATCHES] });
  });

  it("requestPrincipals (JWT) make an ALLOW rule conditional on HTTP, and match nothing on TCP", () => {
    const jwt = ap("shop", "jwt", { rules: [{ from: [{ source: { requestPrincipals: ["https://issuer.example/*"] } }] }] });
    expect(authorizer([jwt])(web, api, { http: true })).toEqual({
      effect: "conditional",
      reason: `${rule0("shop", "jwt")} (ALLOW) admits requests only when requestPrincipals ["https://issuer.example/*"] (depends on the request's JWT)`,
      allowedBy: [rule0("shop", "jwt")],
      http: {
        methods: "*",
        paths: "*",
        alternatives: [{ rule: rule0("shop", "jwt"), conditions: ['requestPrincipals ["https://issuer.example/*"] (depends on the request\'s JWT)'] }],
      },
    });
    expect(authorizer([jwt])(web, api)).toEqual({ effect: "deny", deniedBy: [NONE_MATCHES] });
  });

  it("a DENY on notRequestPrincipals denies all TCP traffic (the field is dropped)", () => {
    const requireJwt = ap("shop", "require-jwt", { action: "DENY", rules: [{ from: [{ source: { notRequestPrincipals: ["*"] } }] }] });
    expect(authorizer([requireJwt])(web, api)).toEqual({ effect: "deny", deniedBy: [rule0("shop", "require-jwt")] });
    expect(authorizer([requireJwt])(web, api, { http: true }).effect).toBe("conditional");
  });
});

describe("when conditions", () => {
  const when = (name: string, conditions: unknown[], action = "ALLOW") => ap("shop", name, { action, rules: [{ when: conditions }] });

  it("source.namespace, source.principal and destination.port are evaluated", () => {
    const authz = authorizer([
      when("c", [
        { key: "source.namespace", values: ["shop", "ops"] },
        { key: "source.principal", notValues: ["cluster.local/ns/ops/sa/admin"] },
        { key: "destination.port", values: ["8080"] },
      ]),
    ]);
    expect(authz(web, api).effect).toBe("allow");
    expect(authz(admin, api).effect).toBe("deny");
    expect(authz(web, api, { port: 9090 }).effect).toBe("deny");
  });

  it("source.ip is evaluated for an external client with a known IP", () => {
    const authz = authorizer([when("c", [{ key: "source.ip", values: ["198.51.100.0/24"] }])]);
    expect(authz({ ip: "198.51.100.20" }, api).effect).toBe("allow");
    expect(authz({ ip: "198.51.100.300" }, api).effect).toBe("conditional");
  });

  it("a header condition makes an ALLOW conditional and a DENY a conditional deny", () => {
    const header = { key: "request.headers[x-tenant]", values: ["blue"] };
    expect(authorizer([when("c", [header])])(web, api, { http: true }).effect).toBe("conditional");
    const deny = authorizer([when("c", [header], "DENY")])(web, api, { http: true });
    expect(deny).toMatchObject({
      effect: "conditional",
      reason: `${rule0("shop", "c")} (DENY) denies requests when request.headers[x-tenant] in ["blue"] (depends on the request's headers)`,
    });
    // Off HTTP the ALLOW rule is ignored, the DENY rule loses its HTTP-only condition.
    expect(authorizer([when("c", [header])])(web, api).effect).toBe("deny");
    expect(authorizer([when("c", [header], "DENY")])(web, api).effect).toBe("deny");
  });

  it("JWT claims, destination.ip, connection.sni and experimental keys cannot be known: conditional", () => {
    for (const key of ["request.auth.claims[groups]", "destination.ip", "connection.sni", "experimental.envoy.filters.network.mysql_proxy[db.table]"]) {
      const value = key === "destination.ip" ? "10.0.0.1" : "x";
      expect(authorizer([when("c", [{ key, values: [value] }])])(web, api, { http: true }).effect).toBe("conditional");
    }
  });

  it("a condition that is false makes the whole rule fail, whatever the others", () => {
    const authz = authorizer([when("c", [{ key: "destination.port", values: ["1"] }, { key: "request.headers[x]", values: ["y"] }])]);
    expect(authz(web, api, { http: true })).toEqual({ effect: "deny", deniedBy: [NONE_MATCHES] });
  });
});
