/**
 * DestinationRule -> client-side TLS, on fixtures whose expected results are written by hand from
 * https://istio.io/latest/docs/reference/config/networking/destination-rule/ (host, exportTo,
 * workloadSelector, ClientTLSSettings, portLevelSettings) and
 * https://istio.io/latest/docs/concepts/security/#auto-mutual-tls.
 * Decisions are written `MODE by RULE at FIELD`, or `AUTO` when no rule applies.
 */
import { describe, expect, it } from "vitest";
import type { Policy, Workload } from "../../model";
import { destinationRuleIssues, resolveClientTls, type ClientTlsDecision } from "./destination-rule";
import { dr, MESH, workload } from "./mtls-test-helpers";

const web = workload("shop/web", { app: "web" });
const orders = workload("shop/orders", { app: "orders" });
const blogWeb = workload("blog/web", { app: "web" });
const gateway = workload("istio-system/gateway", { istio: "ingressgateway" });

const CART = "cart.shop.svc.cluster.local";
const REVIEWS = "reviews.blog.svc.cluster.local";

function show(d: ClientTlsDecision): string {
  if (d.setBy === null) return d.mode;
  return `${d.mode} by ${d.setBy}${d.field ? ` at ${d.field}` : ""}`;
}

/** What `source`'s sidecar uses towards `host:port` (the service namespace is the host's second label). */
function tls(source: Workload, host: string, policies: Policy[], port = 80): string {
  const destinationNamespace = host.split(".")[1]!;
  return show(resolveClientTls({ source, destinationHost: host, destinationNamespace, port, policies, meshConfig: MESH }));
}

const mode = (m: string) => ({ trafficPolicy: { tls: { mode: m } } });
const TOP = "spec.trafficPolicy.tls.mode";

describe("no DestinationRule, or no tls: auto mTLS", () => {
  it("is AUTO without any rule", () => {
    expect(tls(web, CART, [])).toBe("AUTO");
  });

  it("is AUTO by the rule when it has no trafficPolicy, or a trafficPolicy without tls", () => {
    expect(tls(web, CART, [dr("shop/cart", { host: CART })])).toBe("AUTO by shop/cart[DestinationRule]");
    const noTls = dr("shop/cart", { host: CART, trafficPolicy: { connectionPool: { tcp: { maxConnections: 10 } } } });
    expect(tls(web, CART, [noTls])).toBe("AUTO by shop/cart[DestinationRule]");
  });

  it("a rule without tls in the client's namespace still shadows one with tls in the service's", () => {
    const clientSide = dr("blog/cart", { host: CART });
    const serviceSide = dr("shop/cart", { host: CART, ...mode("DISABLE") });
    expect(tls(blogWeb, CART, [serviceSide, clientSide])).toBe("AUTO by blog/cart[DestinationRule]");
  });
});

describe("host", () => {
  it("an FQDN matches that service only", () => {
    const rule = dr("shop/cart", { host: CART, ...mode("ISTIO_MUTUAL") });
    expect(tls(web, CART, [rule])).toBe(`ISTIO_MUTUAL by shop/cart[DestinationRule] at ${TOP}`);
    expect(tls(web, "payments.shop.svc.cluster.local", [rule])).toBe("AUTO");
  });

  it("a short name is a service of the rule's namespace, not of the client's or the service's", () => {
    const inShop = dr("shop/cart", { host: "cart", ...mode("DISABLE") });
    expect(tls(web, CART, [inShop])).toBe(`DISABLE by shop/cart[DestinationRule] at ${TOP}`);
    expect(tls(blogWeb, CART, [inShop])).toBe(`DISABLE by shop/cart[DestinationRule] at ${TOP}`);
    // `cart` written in blog means cart.blog.svc.cluster.local, so it says nothing about shop's cart.
    const inBlog = dr("blog/cart", { host: "cart", ...mode("DISABLE") });
    expect(tls(blogWeb, CART, [inBlog])).toBe("AUTO");
    expect(tls(blogWeb, "cart.blog.svc.cluster.local", [inBlog])).toBe(`DISABLE by blog/cart[DestinationRule] at ${TOP}`);
  });

  it("a name with a dot is taken as written: `cart.shop` is not the service cart.shop.svc.cluster.local", () => {
    expect(tls(web, CART, [dr("shop/cart", { host: "cart.shop", ...mode("DISABLE") })])).toBe("AUTO");
  });

  it("a wildcard covers every name ending in its suffix; `*` covers all", () => {
    const shopWide = dr("shop/all", { host: "*.shop.svc.cluster.local", ...mode("DISABLE") });
    expect(tls(web, CART, [shopWide])).toBe(`DISABLE by shop/all[DestinationRule] at ${TOP}`);
    expect(tls(web, REVIEWS, [shopWide])).toBe("AUTO");
    const everything = dr("shop/everything", { host: "*", ...mode("SIMPLE") });
    expect(tls(web, REVIEWS, [everything])).toBe(`SIMPLE by shop/everything[DestinationRule] at ${TOP}`);
    expect(tls(web, "api.example.com", [everything])).toBe(`SIMPLE by shop/everything[DestinationRule] at ${TOP}`);
  });

  it("the most specific host wins: exact name, then the longest wildcard", () => {
    const star = dr("shop/a-star", { host: "*", ...mode("DISABLE") });
    const svc = dr("shop/b-svc", { host: "*.svc.cluster.local", ...mode("SIMPLE") });
    const shop = dr("shop/c-shop", { host: "*.shop.svc.cluster.local", ...mode("MUTUAL") });
    const exact = dr("shop/d-exact", { host: "cart", ...mode("ISTIO_MUTUAL") });
    expect(tls(web, CART, [star, svc, shop, exact])).toBe(`ISTIO_MUTUAL by shop/d-exact[DestinationRule] at ${TOP}`);
    expect(tls(web, CART, [star, svc, shop])).toBe(`MUTUAL by shop/c-shop[DestinationRule] at ${TOP}`);
    expect(tls(web, CART, [star, svc])).toBe(`SIMPLE by shop/b-svc[DestinationRule] at ${TOP}`);
    expect(tls(web, REVIEWS, [star, svc, shop, exact])).toBe(`SIMPLE by shop/b-svc[DestinationRule] at ${TOP}`);
  });

  it("networking.istio.io v1alpha3 and v1beta1 rules are read like v1", () => {
    for (const apiVersion of ["networking.istio.io/v1alpha3", "networking.istio.io/v1beta1"]) {
      expect(tls(web, CART, [dr("shop/cart", { host: "cart", ...mode("DISABLE") }, { apiVersion })])).toBe(
        `DISABLE by shop/cart[DestinationRule] at ${TOP}`,
      );
    }
  });
});

describe("which namespace's rule: client's, then service's, then root", () => {
  const inClient = dr("blog/any", { host: "*", ...mode("DISABLE") });
  const inService = dr("shop/cart", { host: CART, ...mode("ISTIO_MUTUAL") });
  const inRoot = dr("istio-system/mesh", { host: "*.local", ...mode("SIMPLE") });

  it("a rule in the client's namespace wins, even with a less specific host", () => {
    expect(tls(blogWeb, CART, [inRoot, inService, inClient])).toBe(`DISABLE by blog/any[DestinationRule] at ${TOP}`);
  });

  it("then the service's namespace, then the root namespace", () => {
    expect(tls(blogWeb, CART, [inRoot, inService])).toBe(`ISTIO_MUTUAL by shop/cart[DestinationRule] at ${TOP}`);
    expect(tls(blogWeb, CART, [inRoot])).toBe(`SIMPLE by istio-system/mesh[DestinationRule] at ${TOP}`);
  });

  it("a rule in any other namespace does not apply, even exported to all", () => {
    expect(tls(blogWeb, CART, [dr("other/cart", { host: CART, exportTo: ["*"], ...mode("DISABLE") })])).toBe("AUTO");
  });

  it("a client in the root namespace sees only the root's private rules before the service's", () => {
    // Public root rules are mesh-wide defaults: for a gateway they come after the service's own rule.
    expect(tls(gateway, CART, [inRoot, inService])).toBe(`ISTIO_MUTUAL by shop/cart[DestinationRule] at ${TOP}`);
    expect(tls(gateway, CART, [inRoot])).toBe(`SIMPLE by istio-system/mesh[DestinationRule] at ${TOP}`);
    const privateRoot = dr("istio-system/gw", { host: "*.local", exportTo: ["."], ...mode("MUTUAL") });
    expect(tls(gateway, CART, [inRoot, inService, privateRoot])).toBe(`MUTUAL by istio-system/gw[DestinationRule] at ${TOP}`);
    expect(tls(blogWeb, CART, [privateRoot])).toBe("AUTO");
  });

  it("follows meshConfig.rootNamespace", () => {
    const rule = dr("mesh-root/mesh", { host: "*", ...mode("DISABLE") });
    const decide = (rootNamespace: string) =>
      show(resolveClientTls({ source: web, destinationHost: CART, destinationNamespace: "shop", port: 80, policies: [rule], meshConfig: { ...MESH, rootNamespace } }));
    expect(decide("mesh-root")).toBe(`DISABLE by mesh-root/mesh[DestinationRule] at ${TOP}`);
    expect(decide("istio-system")).toBe("AUTO");
  });
});

describe("exportTo", () => {
  it('"." keeps a rule to its own namespace', () => {
    const rule = dr("shop/cart", { host: CART, exportTo: ["."], ...mode("DISABLE") });
    expect(tls(web, CART, [rule])).toBe(`DISABLE by shop/cart[DestinationRule] at ${TOP}`);
    expect(tls(blogWeb, CART, [rule])).toBe("AUTO");
  });

  it('absent, empty and "*" export to every namespace', () => {
    for (const exportTo of [undefined, [], ["*"]]) {
      expect(tls(blogWeb, CART, [dr("shop/cart", { host: CART, exportTo, ...mode("DISABLE") })])).toBe(`DISABLE by shop/cart[DestinationRule] at ${TOP}`);
    }
  });

  it("named namespaces: visible there only (the own namespace only if named)", () => {
    const rule = dr("shop/cart", { host: CART, exportTo: ["blog"], ...mode("DISABLE") });
    expect(tls(blogWeb, CART, [rule])).toBe(`DISABLE by shop/cart[DestinationRule] at ${TOP}`);
    expect(tls(workload("other/web"), CART, [rule])).toBe("AUTO");
    expect(tls(web, CART, [rule])).toBe("AUTO");
  });

  it("refuses what Istio's validation refuses", () => {
    const cases: [unknown, string, string][] = [
      [["*", "blog"], "spec.exportTo", '"*" cannot be combined with other entries'],
      [["~"], "spec.exportTo[0]", '"~" is not "*", "." or a namespace name'],
      [[".", "shop"], "spec.exportTo[1]", 'duplicate entry "shop" (. is the rule\'s own namespace shop)'],
      ["*", "spec.exportTo", 'must be a list of namespaces, found "*"'],
    ];
    for (const [exportTo, field, message] of cases) {
      const rule = dr("shop/cart", { host: CART, exportTo, ...mode("DISABLE") });
      expect(tls(web, CART, [rule])).toBe("AUTO");
      expect(destinationRuleIssues([rule])).toEqual([
        { policy: "shop/cart[DestinationRule]", field, message: `${message}; the policy is left out, as Istio's validation would refuse it` },
      ]);
    }
  });
});

describe("workloadSelector", () => {
  const forWeb = dr("shop/cart-web", { host: CART, workloadSelector: { matchLabels: { app: "web" } }, ...mode("DISABLE") });
  const catchAll = dr("shop/cart", { host: CART, ...mode("ISTIO_MUTUAL") });

  it("applies to matching clients of its namespace, before the rule without selector", () => {
    expect(tls(web, CART, [catchAll, forWeb])).toBe(`DISABLE by shop/cart-web[DestinationRule] at ${TOP}`);
    expect(tls(orders, CART, [catchAll, forWeb])).toBe(`ISTIO_MUTUAL by shop/cart[DestinationRule] at ${TOP}`);
  });

  it("never applies across namespaces, even to clients with matching labels", () => {
    expect(tls(blogWeb, CART, [forWeb])).toBe("AUTO");
    expect(tls(blogWeb, CART, [forWeb, catchAll])).toBe(`ISTIO_MUTUAL by shop/cart[DestinationRule] at ${TOP}`);
  });

  it("for a client it does not select, the lookup goes on as if it were not there", () => {
    const root = dr("istio-system/mesh", { host: "*.local", ...mode("ISTIO_MUTUAL") });
    expect(tls(orders, CART, [forWeb, root])).toBe(`ISTIO_MUTUAL by istio-system/mesh[DestinationRule] at ${TOP}`);
  });

  it("cannot be exported beyond its namespace", () => {
    const rule = dr("shop/cart-web", { host: CART, workloadSelector: { matchLabels: { app: "web" } }, exportTo: ["*"], ...mode("DISABLE") });
    expect(destinationRuleIssues([rule])).toEqual([
      {
        policy: "shop/cart-web[DestinationRule]",
        field: "spec.exportTo",
        message:
          "a DestinationRule with a workloadSelector cannot be exported beyond its own namespace; the policy is left out, as Istio's validation would refuse it",
      },
    ]);
    expect(destinationRuleIssues([{ ...rule, object: { ...rule.object, spec: { ...(rule.object.spec as object), exportTo: ["."] } } }])).toEqual([]);
  });
});

describe("portLevelSettings", () => {
  const redis = dr("shop/redis", {
    host: CART,
    trafficPolicy: {
      tls: { mode: "ISTIO_MUTUAL" },
      portLevelSettings: [
        { port: { number: 6379 }, tls: { mode: "DISABLE" } },
        { port: { number: 8443 }, connectionPool: { tcp: { maxConnections: 5 } } },
        { port: { number: 6379 }, tls: { mode: "SIMPLE" } },
      ],
    },
  });

  it("the entry for the service port replaces the top-level tls; other ports keep it", () => {
    expect(tls(web, CART, [redis], 6379)).toBe("DISABLE by shop/redis[DestinationRule] at spec.trafficPolicy.portLevelSettings[0].tls.mode");
    expect(tls(web, CART, [redis], 80)).toBe(`ISTIO_MUTUAL by shop/redis[DestinationRule] at ${TOP}`);
  });

  it("an entry without tls does not inherit the top-level tls: auto mTLS", () => {
    expect(tls(web, CART, [redis], 8443)).toBe("AUTO by shop/redis[DestinationRule] at spec.trafficPolicy.portLevelSettings[1]");
  });

  it("a second entry for a port is reported, and the first one used", () => {
    expect(destinationRuleIssues([redis])).toEqual([
      {
        policy: "shop/redis[DestinationRule]",
        field: "spec.trafficPolicy.portLevelSettings[2].port.number",
        message: "port 6379 is already set by spec.trafficPolicy.portLevelSettings[0], which Istio uses: this entry is ignored",
      },
    ]);
  });

  it("works without a top-level tls", () => {
    const rule = dr("shop/cart", { host: CART, trafficPolicy: { portLevelSettings: [{ port: { number: 9000 }, tls: { mode: "MUTUAL" } }] } });
    expect(tls(web, CART, [rule], 9000)).toBe("MUTUAL by shop/cart[DestinationRule] at spec.trafficPolicy.portLevelSettings[0].tls.mode");
    expect(tls(web, CART, [rule], 80)).toBe("AUTO by shop/cart[DestinationRule]");
  });
});

describe("tls", () => {
  it("a tls block without a mode is DISABLE (the mode's zero value)", () => {
    const rule = dr("shop/cart", { host: CART, trafficPolicy: { tls: { sni: "cart.example.com" } } });
    expect(tls(web, CART, [rule])).toBe("DISABLE by shop/cart[DestinationRule] at spec.trafficPolicy.tls");
  });

  it("several rules for one host in one namespace are merged: the oldest trafficPolicy applies", () => {
    const subsetsOnly = dr("shop/a", { host: CART, subsets: [{ name: "v1", labels: { version: "v1" } }] }, { created: "2024-01-01T00:00:00Z" });
    const mutual = dr("shop/c", { host: CART, ...mode("ISTIO_MUTUAL") }, { created: "2024-02-01T00:00:00Z" });
    const disable = dr("shop/b", { host: CART, ...mode("DISABLE") }, { created: "2024-03-01T00:00:00Z" });
    expect(tls(web, CART, [disable, subsetsOnly, mutual])).toBe(`ISTIO_MUTUAL by shop/c[DestinationRule] at ${TOP}`);
    expect(destinationRuleIssues([disable, subsetsOnly, mutual])).toEqual([
      {
        policy: "shop/b[DestinationRule]",
        field: "spec.trafficPolicy",
        message:
          "shop/c[DestinationRule] is for the same host cart.shop.svc.cluster.local in shop and is older: for clients that see both, Istio merges them and keeps shop/c[DestinationRule]'s trafficPolicy, so this one's has no effect",
      },
    ]);
  });
});

describe("invalid rules are reported and left out", () => {
  it.each([
    [{ host: CART, trafficPolicy: { tls: { mode: "istio_mutual" } } }, "spec.trafficPolicy.tls.mode", 'unknown mode "istio_mutual" (expected DISABLE, SIMPLE, MUTUAL or ISTIO_MUTUAL)'],
    [{ trafficPolicy: { tls: { mode: "DISABLE" } } }, "spec.host", "is required (the service the rule is for)"],
    [{ host: CART, trafficPolicy: { portLevelSettings: [{ tls: { mode: "DISABLE" } }] } }, "spec.trafficPolicy.portLevelSettings[0].port", "is required (portLevelSettings need a port)"],
    [
      { host: CART, trafficPolicy: { portLevelSettings: [{ port: { number: 0 }, tls: { mode: "DISABLE" } }] } },
      "spec.trafficPolicy.portLevelSettings[0].port.number",
      "must be a port number 1-65535, found 0",
    ],
    [{ host: CART, workloadSelector: { matchLabels: { app: true } }, ...mode("DISABLE") }, "spec.workloadSelector.matchLabels.app", "label values must be strings, found true"],
    [{ host: CART, trafficPolicy: { tls: "DISABLE" } }, "spec.trafficPolicy.tls", 'must be a mapping, found "DISABLE"'],
  ])("%j", (spec, field, message) => {
    const rule = dr("shop/cart", spec);
    expect(tls(web, CART, [rule])).toBe("AUTO");
    expect(destinationRuleIssues([rule])).toEqual([
      { policy: "shop/cart[DestinationRule]", field, message: `${message}; the policy is left out, as Istio's validation would refuse it` },
    ]);
  });

  it("a refused rule does not shadow a valid one further down the lookup", () => {
    const bad = dr("shop/cart", { host: CART, ...mode("bogus") });
    const root = dr("istio-system/mesh", { host: "*", ...mode("ISTIO_MUTUAL") });
    expect(tls(web, CART, [bad, root])).toBe(`ISTIO_MUTUAL by istio-system/mesh[DestinationRule] at ${TOP}`);
  });
});
