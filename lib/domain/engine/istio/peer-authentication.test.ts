/**
 * PeerAuthentication -> server-side mode, on fixtures whose expected results are written by hand
 * from https://istio.io/latest/docs/concepts/security/#peer-authentication and
 * https://istio.io/latest/docs/reference/config/security/peer_authentication/.
 * Modes are written `MODE by POLICY` (`by default`: Istio's default, no policy).
 */
import { describe, expect, it } from "vitest";
import type { Policy, Workload } from "../../model";
import { MESH, pa, workload } from "./mtls-test-helpers";
import { resolvePeerAuthentication, type ModeDecision, type WorkloadMtls } from "./peer-authentication";

const cart = workload("shop/cart", { app: "cart", version: "v1" });
const web = workload("shop/web", { app: "web" });
const blogApi = workload("blog/api", { app: "cart" }); // same labels as cart, other namespace
const legacy = workload("shop/legacy", { app: "legacy" }, { sidecar: false });
const gateway = workload("istio-system/gateway", { app: "cart" }); // a proxy in the root namespace
const ALL = [cart, web, blogApi, legacy, gateway];

const show = (d: ModeDecision) => `${d.mode} by ${d.setBy ?? "default"}`;

function resolve(policies: Policy[], workloads: Workload[] = ALL) {
  return resolvePeerAuthentication({ workloads, policies, meshConfig: MESH });
}

/** workload id -> `MODE by POLICY` */
function modes(policies: Policy[], workloads: Workload[] = ALL): Record<string, string> {
  const { byWorkload } = resolve(policies, workloads);
  return Object.fromEntries([...byWorkload].map(([id, m]) => [id, show(m.mode)]));
}

function one(policies: Policy[], w: Workload = cart): WorkloadMtls {
  return resolve(policies, [w]).byWorkload.get(w.id)!;
}

const portModes = (m: WorkloadMtls) => Object.fromEntries(Object.entries(m.ports).map(([port, d]) => [port, show(d)]));

const meshStrict = pa("istio-system/default", { mtls: { mode: "STRICT" } });
const shopPermissive = pa("shop/default", { mtls: { mode: "PERMISSIVE" } });
const cartDisable = pa("shop/cart", { selector: { matchLabels: { app: "cart" } }, mtls: { mode: "DISABLE" } });

describe("precedence: workload > namespace > mesh > Istio's default", () => {
  it("without any PeerAuthentication every sidecar is PERMISSIVE, Istio's default", () => {
    expect(modes([])).toEqual({
      "shop/cart[Deployment]": "PERMISSIVE by default",
      "shop/web[Deployment]": "PERMISSIVE by default",
      "blog/api[Deployment]": "PERMISSIVE by default",
      "shop/legacy[Deployment]": "DISABLE by default",
      "istio-system/gateway[Deployment]": "PERMISSIVE by default",
    });
  });

  it("a policy without selector in the root namespace is mesh-wide", () => {
    expect(modes([meshStrict])).toEqual({
      "shop/cart[Deployment]": "STRICT by istio-system/default[PeerAuthentication]",
      "shop/web[Deployment]": "STRICT by istio-system/default[PeerAuthentication]",
      "blog/api[Deployment]": "STRICT by istio-system/default[PeerAuthentication]",
      "shop/legacy[Deployment]": "DISABLE by default",
      "istio-system/gateway[Deployment]": "STRICT by istio-system/default[PeerAuthentication]",
    });
  });

  it("a namespace-wide policy overrides the mesh-wide one in its namespace only", () => {
    expect(modes([meshStrict, shopPermissive])).toEqual({
      "shop/cart[Deployment]": "PERMISSIVE by shop/default[PeerAuthentication]",
      "shop/web[Deployment]": "PERMISSIVE by shop/default[PeerAuthentication]",
      "blog/api[Deployment]": "STRICT by istio-system/default[PeerAuthentication]",
      "shop/legacy[Deployment]": "DISABLE by default",
      "istio-system/gateway[Deployment]": "STRICT by istio-system/default[PeerAuthentication]",
    });
  });

  it("a workload-specific policy overrides both, for the pods it selects in its own namespace", () => {
    expect(modes([meshStrict, shopPermissive, cartDisable])).toEqual({
      "shop/cart[Deployment]": "DISABLE by shop/cart[PeerAuthentication]",
      "shop/web[Deployment]": "PERMISSIVE by shop/default[PeerAuthentication]",
      // Same labels, but a selector only selects pods of the policy's namespace.
      "blog/api[Deployment]": "STRICT by istio-system/default[PeerAuthentication]",
      "shop/legacy[Deployment]": "DISABLE by default",
      "istio-system/gateway[Deployment]": "STRICT by istio-system/default[PeerAuthentication]",
    });
  });

  it("matchLabels is a subset match: every key=value must be on the pod, extra pod labels are fine", () => {
    const v1 = pa("shop/v1", { selector: { matchLabels: { app: "cart", version: "v1" } }, mtls: { mode: "STRICT" } });
    const v2 = pa("shop/v2", { selector: { matchLabels: { app: "cart", version: "v2" } }, mtls: { mode: "DISABLE" } });
    expect(show(one([v2]).mode)).toBe("PERMISSIVE by default");
    expect(show(one([v1, v2]).mode)).toBe("STRICT by shop/v1[PeerAuthentication]");
  });

  it("an empty selector (or empty matchLabels) makes a policy namespace-wide, not workload-specific", () => {
    const empty = pa("shop/empty", { selector: {}, mtls: { mode: "STRICT" } });
    const emptyLabels = pa("blog/empty", { selector: { matchLabels: {} }, mtls: { mode: "DISABLE" } });
    expect(modes([empty, emptyLabels], [web, blogApi])).toEqual({
      "shop/web[Deployment]": "STRICT by shop/empty[PeerAuthentication]",
      "blog/api[Deployment]": "DISABLE by blog/empty[PeerAuthentication]",
    });
  });

  it("security.istio.io/v1beta1 objects are read like v1", () => {
    const beta = pa("shop/default", { mtls: { mode: "STRICT" } }, { apiVersion: "security.istio.io/v1beta1" });
    expect(show(one([beta]).mode)).toBe("STRICT by shop/default[PeerAuthentication]");
  });
});

describe("UNSET inherits from the next level up", () => {
  it("a workload policy with mode UNSET takes the namespace's mode", () => {
    const unset = pa("shop/cart", { selector: { matchLabels: { app: "cart" } }, mtls: { mode: "UNSET" } });
    const shopStrict = pa("shop/default", { mtls: { mode: "STRICT" } });
    expect(show(one([unset, shopStrict]).mode)).toBe("STRICT by shop/default[PeerAuthentication]");
  });

  it("a namespace policy without mtls (or with mtls: {}) takes the mesh's mode", () => {
    expect(show(one([meshStrict, pa("shop/default", {})]).mode)).toBe("STRICT by istio-system/default[PeerAuthentication]");
    expect(show(one([meshStrict, pa("shop/default", { mtls: {} })]).mode)).toBe("STRICT by istio-system/default[PeerAuthentication]");
    expect(show(one([meshStrict, pa("shop/default")]).mode)).toBe("STRICT by istio-system/default[PeerAuthentication]");
  });

  it("UNSET at every level ends at Istio's default PERMISSIVE", () => {
    const policies = [
      pa("istio-system/default", { mtls: { mode: "UNSET" } }),
      pa("shop/default", {}),
      pa("shop/cart", { selector: { matchLabels: { app: "cart" } } }),
    ];
    expect(show(one(policies).mode)).toBe("PERMISSIVE by default");
  });

  it("a DISABLE namespace between a STRICT mesh and an UNSET workload policy decides", () => {
    const policies = [meshStrict, pa("shop/default", { mtls: { mode: "DISABLE" } }), pa("shop/cart", { selector: { matchLabels: { app: "cart" } } })];
    expect(show(one(policies).mode)).toBe("DISABLE by shop/default[PeerAuthentication]");
  });
});

describe("portLevelMtls", () => {
  it("overrides per workload port on a workload-specific policy; a port's UNSET takes the policy's mode", () => {
    const policy = pa("shop/cart", {
      selector: { matchLabels: { app: "cart" } },
      mtls: { mode: "STRICT" },
      portLevelMtls: { "8080": { mode: "DISABLE" }, "9090": { mode: "UNSET" }, "9443": { mode: "STRICT" } },
    });
    const m = one([shopPermissive, policy]);
    expect(show(m.mode)).toBe("STRICT by shop/cart[PeerAuthentication]");
    expect(portModes(m)).toEqual({ 8080: "DISABLE by shop/cart[PeerAuthentication]", 9443: "STRICT by shop/cart[PeerAuthentication]" });
    expect(show(m.modeForPort(8080))).toBe("DISABLE by shop/cart[PeerAuthentication]");
    expect(show(m.modeForPort(9090))).toBe("STRICT by shop/cart[PeerAuthentication]");
    expect(show(m.modeForPort(80))).toBe("STRICT by shop/cart[PeerAuthentication]");
  });

  it("a port's UNSET under a workload policy that is itself UNSET takes the resolved mode (here the namespace's)", () => {
    const policy = pa("shop/cart", {
      selector: { matchLabels: { app: "cart" } },
      portLevelMtls: { "8080": { mode: "PERMISSIVE" }, "9090": { mode: "UNSET" }, "9091": {} },
    });
    const m = one([meshStrict, pa("shop/default", { mtls: { mode: "STRICT" } }), policy]);
    expect(show(m.mode)).toBe("STRICT by shop/default[PeerAuthentication]");
    expect(portModes(m)).toEqual({ 8080: "PERMISSIVE by shop/cart[PeerAuthentication]" });
    expect(show(m.modeForPort(9090))).toBe("STRICT by shop/default[PeerAuthentication]");
    expect(show(m.modeForPort(9091))).toBe("STRICT by shop/default[PeerAuthentication]");
  });

  it("is refused on a namespace-wide policy: reported, and the policy left out", () => {
    const bad = pa("shop/default", { mtls: { mode: "DISABLE" }, portLevelMtls: { "8080": { mode: "STRICT" } } });
    const { byWorkload, issues } = resolve([meshStrict, bad], [cart]);
    expect(show(byWorkload.get(cart.id)!.mode)).toBe("STRICT by istio-system/default[PeerAuthentication]");
    expect(byWorkload.get(cart.id)!.ports).toEqual({});
    expect(issues).toEqual([
      {
        policy: "shop/default[PeerAuthentication]",
        field: "spec.portLevelMtls",
        message:
          "portLevelMtls needs a selector with labels: Istio refuses it on a mesh-wide or namespace-wide PeerAuthentication; the policy is left out, as Istio's validation would refuse it",
      },
    ]);
  });

  it("is refused on a mesh-wide policy and on a selector with empty matchLabels", () => {
    const mesh = pa("istio-system/default", { mtls: { mode: "STRICT" }, portLevelMtls: { "80": { mode: "DISABLE" } } });
    const empty = pa("shop/empty", { selector: { matchLabels: {} }, portLevelMtls: { "80": { mode: "DISABLE" } } });
    const { byWorkload, issues } = resolve([mesh, empty], [cart]);
    expect(show(byWorkload.get(cart.id)!.modeForPort(80))).toBe("PERMISSIVE by default");
    expect(issues.map((i) => [i.policy, i.field])).toEqual([
      ["istio-system/default[PeerAuthentication]", "spec.portLevelMtls"],
      ["shop/empty[PeerAuthentication]", "spec.portLevelMtls"],
    ]);
  });

  it("refuses a port that is not 1-65535", () => {
    for (const key of ["0", "65536", "http", "08080"]) {
      const bad = pa("shop/cart", { selector: { matchLabels: { app: "cart" } }, mtls: { mode: "DISABLE" }, portLevelMtls: { [key]: { mode: "STRICT" } } });
      const { byWorkload, issues } = resolve([bad], [cart]);
      expect(show(byWorkload.get(cart.id)!.mode)).toBe("PERMISSIVE by default");
      expect(issues).toEqual([
        {
          policy: "shop/cart[PeerAuthentication]",
          field: `spec.portLevelMtls["${key}"]`,
          message: `"${key}" is not a port number 1-65535; the policy is left out, as Istio's validation would refuse it`,
        },
      ]);
    }
  });
});

describe("the root namespace", () => {
  const rootSelector = pa("istio-system/cart-strict", { selector: { matchLabels: { app: "cart" } }, mtls: { mode: "STRICT" } });

  it("a policy with a selector there is ignored, in every namespace, and reported", () => {
    // istiod's ComposePeerAuthentication: "Workload-level configs should not be in root namespace
    // ... they will be safely ignored".
    expect(modes([rootSelector], [cart, gateway])).toEqual({
      "shop/cart[Deployment]": "PERMISSIVE by default",
      "istio-system/gateway[Deployment]": "PERMISSIVE by default",
    });
    const { issues } = resolvePeerAuthentication({ workloads: [cart, gateway], policies: [rootSelector], meshConfig: MESH });
    expect(issues.map((i) => `${i.policy} ${i.field}`)).toEqual(["istio-system/cart-strict[PeerAuthentication] spec.selector"]);
  });

  it("for root-namespace workloads the mesh-wide policy is the namespace-wide one", () => {
    expect(modes([rootSelector, pa("istio-system/default", { mtls: { mode: "DISABLE" } })], [gateway])).toEqual({
      "istio-system/gateway[Deployment]": "DISABLE by istio-system/default[PeerAuthentication]",
    });
  });

  it("follows meshConfig.rootNamespace", () => {
    const meshIn = pa("mesh-root/default", { mtls: { mode: "STRICT" } });
    const { byWorkload } = resolvePeerAuthentication({ workloads: [cart], policies: [meshIn], meshConfig: { ...MESH, rootNamespace: "mesh-root" } });
    expect(show(byWorkload.get(cart.id)!.mode)).toBe("STRICT by mesh-root/default[PeerAuthentication]");
    // In the default root namespace the same policy would only be mesh-root's namespace-wide one.
    expect(show(one([meshIn]).mode)).toBe("PERMISSIVE by default");
  });
});

describe("several policies of one scope: Istio uses the oldest", () => {
  const older = pa("shop/zeta", { mtls: { mode: "STRICT" } }, { created: "2024-01-01T00:00:00Z" });
  const newer = pa("shop/alpha", { mtls: { mode: "DISABLE" } }, { created: "2024-06-01T00:00:00Z" });

  it("two namespace-wide policies: the older creationTimestamp wins, whatever the names", () => {
    const { byWorkload, issues } = resolve([newer, older], [cart]);
    expect(show(byWorkload.get(cart.id)!.mode)).toBe("STRICT by shop/zeta[PeerAuthentication]");
    expect(issues).toEqual([
      {
        policy: "shop/alpha[PeerAuthentication]",
        field: "spec.selector",
        message:
          "more than one namespace-wide PeerAuthentication in shop: using shop/zeta[PeerAuthentication], the oldest (by creationTimestamp, then name); this one is ignored",
      },
    ]);
  });

  it("without creationTimestamps, the first by name; a dated policy comes before an undated one", () => {
    const a = pa("shop/a", { mtls: { mode: "DISABLE" } });
    const b = pa("shop/b", { mtls: { mode: "STRICT" } });
    expect(show(one([b, a]).mode)).toBe("DISABLE by shop/a[PeerAuthentication]");
    const dated = pa("shop/b", { mtls: { mode: "STRICT" } }, { created: "2030-01-01T00:00:00Z" });
    expect(show(one([a, dated]).mode)).toBe("STRICT by shop/b[PeerAuthentication]");
  });

  it("two mesh-wide policies: the oldest", () => {
    const first = pa("istio-system/b", { mtls: { mode: "STRICT" } }, { created: "2024-01-01T00:00:00Z" });
    const second = pa("istio-system/a", { mtls: { mode: "DISABLE" } }, { created: "2024-01-02T00:00:00Z" });
    const { byWorkload, issues } = resolve([second, first], [cart]);
    expect(show(byWorkload.get(cart.id)!.mode)).toBe("STRICT by istio-system/b[PeerAuthentication]");
    expect(issues.map((i) => i.message)).toEqual([
      "more than one mesh-wide PeerAuthentication in the root namespace istio-system: using istio-system/b[PeerAuthentication], the oldest (by creationTimestamp, then name); this one is ignored",
    ]);
  });

  it("two workload policies selecting one workload: the oldest, reported for that workload only", () => {
    const byApp = pa("shop/by-app", { selector: { matchLabels: { app: "cart" } }, mtls: { mode: "DISABLE" } }, { created: "2024-03-01T00:00:00Z" });
    const byVersion = pa("shop/by-version", { selector: { matchLabels: { version: "v1" } }, mtls: { mode: "STRICT" } }, { created: "2024-02-01T00:00:00Z" });
    const webV1 = workload("shop/web", { app: "web", version: "v1" });
    const { byWorkload, issues } = resolve([byApp, byVersion], [cart, webV1]);
    expect(show(byWorkload.get(cart.id)!.mode)).toBe("STRICT by shop/by-version[PeerAuthentication]");
    expect(show(byWorkload.get(webV1.id)!.mode)).toBe("STRICT by shop/by-version[PeerAuthentication]");
    expect(issues).toEqual([
      {
        policy: "shop/by-app[PeerAuthentication]",
        field: "spec.selector",
        message:
          "more than one PeerAuthentication with a selector matches shop/cart[Deployment]: using shop/by-version[PeerAuthentication], the oldest (by creationTimestamp, then name); this one is ignored for it",
      },
    ]);
  });

  it("an unreadable creationTimestamp is reported and ordered like an absent one", () => {
    const odd = pa("shop/a", { mtls: { mode: "DISABLE" } }, { created: "yesterday" });
    const dated = pa("shop/b", { mtls: { mode: "STRICT" } }, { created: "2024-01-01T00:00:00Z" });
    const { byWorkload, issues } = resolve([odd, dated], [cart]);
    expect(show(byWorkload.get(cart.id)!.mode)).toBe("STRICT by shop/b[PeerAuthentication]");
    expect(issues.map((i) => `${i.policy} ${i.field}`)).toEqual([
      "shop/a[PeerAuthentication] metadata.creationTimestamp",
      "shop/a[PeerAuthentication] spec.selector",
    ]);
  });
});

describe("workloads without a sidecar", () => {
  it("are DISABLE set by nothing, flagged noSidecar, whatever selects them", () => {
    const strict = pa("shop/legacy", { selector: { matchLabels: { app: "legacy" } }, mtls: { mode: "STRICT" }, portLevelMtls: { "80": { mode: "STRICT" } } });
    const m = one([meshStrict, strict], legacy);
    expect(m).toMatchObject({ workload: "shop/legacy[Deployment]", mode: { mode: "DISABLE", setBy: null }, ports: {}, noSidecar: true });
    expect(m.modeForPort(80)).toEqual({ mode: "DISABLE", setBy: null });
  });

  it("workloads with a sidecar are not flagged", () => {
    expect(one([]).noSidecar).toBe(false);
  });
});

describe("invalid objects", () => {
  it("an unknown mode is reported and read as UNSET", () => {
    const lower = pa("shop/default", { mtls: { mode: "strict" } });
    const { byWorkload, issues } = resolve([meshStrict, lower], [cart]);
    expect(show(byWorkload.get(cart.id)!.mode)).toBe("STRICT by istio-system/default[PeerAuthentication]");
    expect(issues).toEqual([
      {
        policy: "shop/default[PeerAuthentication]",
        field: "spec.mtls.mode",
        message: 'unknown mode "strict" (expected UNSET, DISABLE, PERMISSIVE or STRICT): read as UNSET, so it inherits',
      },
    ]);
  });

  it("an unknown port mode is reported and read as UNSET (the policy's own mode)", () => {
    const policy = pa("shop/cart", { selector: { matchLabels: { app: "cart" } }, mtls: { mode: "DISABLE" }, portLevelMtls: { "80": { mode: 1 } } });
    const { byWorkload, issues } = resolve([policy], [cart]);
    expect(show(byWorkload.get(cart.id)!.modeForPort(80))).toBe("DISABLE by shop/cart[PeerAuthentication]");
    expect(issues.map((i) => i.field)).toEqual(['spec.portLevelMtls["80"].mode']);
  });

  it("leaves out a policy whose selector has a non-string value, an empty key or a wildcard", () => {
    const cases: [unknown, string, string][] = [
      [{ matchLabels: { app: 1 } }, "spec.selector.matchLabels.app", "label values must be strings, found 1"],
      [{ matchLabels: { "": "cart" } }, "spec.selector.matchLabels", "an empty label key is not supported in a selector"],
      [{ matchLabels: { app: "ca*" } }, "spec.selector.matchLabels.app", "wildcards are not supported in a selector"],
      [{ matchLabels: ["app"] }, "spec.selector.matchLabels", "must be a mapping of label keys to values, found a list"],
      ["app=cart", "spec.selector", 'must be a mapping with matchLabels, found "app=cart"'],
    ];
    for (const [selector, field, message] of cases) {
      const { byWorkload, issues } = resolve([pa("shop/cart", { selector, mtls: { mode: "STRICT" } })], [cart]);
      expect(show(byWorkload.get(cart.id)!.mode)).toBe("PERMISSIVE by default");
      expect(issues).toEqual([{ policy: "shop/cart[PeerAuthentication]", field, message: `${message}; the policy is left out, as Istio's validation would refuse it` }]);
    }
  });

  it("leaves out a policy whose spec or mtls is not a mapping", () => {
    const { issues } = resolve([pa("shop/a", "STRICT"), pa("shop/b", { mtls: "STRICT" })], [cart]);
    expect(issues.map((i) => `${i.policy} ${i.field}`)).toEqual(["shop/a[PeerAuthentication] spec", "shop/b[PeerAuthentication] spec.mtls"]);
  });

  it("ignores other kinds", () => {
    const dr = { ...pa("shop/default", { mtls: { mode: "STRICT" } }), kind: "DestinationRule" as const };
    expect(show(one([dr]).mode)).toBe("PERMISSIVE by default");
  });
});
