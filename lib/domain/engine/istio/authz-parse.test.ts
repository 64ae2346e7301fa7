import { describe, expect, it } from "vitest";
import { NO_ALLOW_POLICY, TARGET_REF_NOTE } from "./authz";
import { parseAuthorizationPolicy } from "./authz-parse";
import { ap, authorizer, wl } from "./authz-test-helpers";

const web = wl("shop", "web");
const api = wl("shop", "api");
const ID = "shop/p[AuthorizationPolicy]";

/** The issues of one policy `shop/p` with this spec, as [field, message] pairs. */
const issuesOf = (spec: unknown) => parseAuthorizationPolicy(ap("shop", "p", spec)).issues.map((issue) => [issue.field, issue.message]);
const notesOf = (spec: unknown) => parseAuthorizationPolicy(ap("shop", "p", spec)).notes.map((note) => [note.field, note.message]);

describe("policies Istio refuses are reported and left out", () => {
  it.each([
    ["an unknown action", { action: "REJECT" }, "spec.action", 'unknown action "REJECT": Istio accepts ALLOW (the default), DENY, AUDIT or CUSTOM'],
    ["a lower-case action", { action: "deny", rules: [{}] }, "spec.action", 'unknown action "deny": Istio accepts ALLOW (the default), DENY, AUDIT or CUSTOM'],
    ["a port that is not a number", { rules: [{ to: [{ operation: { ports: ["http"] } }] }] }, "spec.rules[0].to[0].operation.ports[0]", 'bad port "http": ports are strings holding a number from 0 to 65535'],
    ["a port above 65535", { rules: [{ to: [{ operation: { notPorts: ["70000"] } }] }] }, "spec.rules[0].to[0].operation.notPorts[0]", 'bad port "70000": ports are strings holding a number from 0 to 65535'],
    ["a port written as a number (the CRD schema wants strings)", { rules: [{ to: [{ operation: { ports: [8080] } }] }] }, "spec.rules[0].to[0].operation.ports[0]", "must be a string, found number 8080"],
    ["both selector and targetRef", { selector: { matchLabels: { app: "api" } }, targetRef: { kind: "Service", name: "api" } }, "spec.targetRef", "only one of targetRefs or workloadSelector can be set"],
    ["both targetRef and targetRefs", { targetRef: { kind: "Gateway", name: "gw" }, targetRefs: [{ kind: "Gateway", name: "gw" }] }, "spec.targetRefs", "only one of targetRef or targetRefs can be set"],
    ["an empty principal", { rules: [{ from: [{ source: { principals: [""] } }] }] }, "spec.rules[0].from[0].source.principals[0]", "empty value not allowed"],
    ["a from entry without source", { rules: [{ from: [{}] }] }, "spec.rules[0].from[0].source", "`from.source` must not be nil"],
    ["an empty source", { rules: [{ from: [{ source: { principals: [] } }] }] }, "spec.rules[0].from[0].source", "`from.source` must not be empty: set at least one field"],
    ["an empty operation", { rules: [{ to: [{ operation: {} }] }] }, "spec.rules[0].to[0].operation", "`to.operation` must not be empty: set at least one field"],
    ["a null rule", { rules: [null] }, "spec.rules[0]", "`rule` must not be nil: found null"],
    ["a bad CIDR", { rules: [{ from: [{ source: { ipBlocks: ["10.0.0.0/33"] } }] }] }, "spec.rules[0].from[0].source.ipBlocks[0]", 'bad IP address or CIDR range "10.0.0.0/33"'],
    ["an IPv4 octet with a leading zero", { rules: [{ from: [{ source: { notIpBlocks: ["10.0.0.01"] } }] }] }, "spec.rules[0].from[0].source.notIpBlocks[0]", 'bad IP address or CIDR range "10.0.0.01"'],
    ["{**} before another template", { rules: [{ to: [{ operation: { paths: ["/a/{**}/{*}"] } }] }] }, "spec.rules[0].to[0].operation.paths[0]", 'invalid or unsupported path "/a/{**}/{*}": {**} is not the last operator'],
    ["braces beyond a template", { rules: [{ to: [{ operation: { paths: ["/a/{id}"] } }] }] }, "spec.rules[0].to[0].operation.paths[0]", 'invalid or unsupported path "/a/{id}": contains \'{\' or \'}\' beyond a supported path template'],
    ["an unknown when key", { rules: [{ when: [{ key: "source.user", values: ["x"] }] }] }, "spec.rules[0].when[0].key", "unknown attribute: source.user"],
    ["a header key without [name]", { rules: [{ when: [{ key: "request.headers", values: ["x"] }] }] }, "spec.rules[0].when[0].key", "bad key (request.headers): should have format a[b]"],
    ["a condition without values", { rules: [{ when: [{ key: "source.ip" }] }] }, "spec.rules[0].when[0]", "at least one of `values` or `notValues` must be set for key source.ip"],
    ["an empty when key", { rules: [{ when: [{ key: "", values: ["x"] }] }] }, "spec.rules[0].when[0].key", "`key` must not be empty"],
    ["a bad destination.port", { rules: [{ when: [{ key: "destination.port", notValues: ["-1"] }] }] }, "spec.rules[0].when[0].notValues[0]", 'bad port "-1": ports are strings holding a number from 0 to 65535'],
    ["a bad source.ip", { rules: [{ when: [{ key: "source.ip", values: ["example.com"] }] }] }, "spec.rules[0].when[0].values[0]", 'bad IP address or CIDR range "example.com"'],
    ["a wildcard in a selector", { selector: { matchLabels: { app: "api-*" } } }, "spec.selector.matchLabels.app", "wildcard is not supported in selector"],
    ["a provider on an ALLOW policy", { provider: { name: "ext" }, rules: [{}] }, "spec.provider", "`provider` must not be with non CUSTOM action, found ALLOW"],
    ["CUSTOM without provider", { action: "CUSTOM", rules: [{}] }, "spec.provider.name", "`provider.name` must not be empty for CUSTOM action"],
    [
      "CUSTOM without rules",
      { action: "CUSTOM", provider: { name: "ext" } },
      "spec.rules",
      "CUSTOM action without `rules` is meaningless as it will never be triggered; add an empty rule `{}` to trigger it for every request",
    ],
    ["a spec that is not a mapping", ["x"], "spec", "must be a mapping, found a list"],
  ])("%s", (_, spec, field, message) => {
    expect(issuesOf(spec)).toEqual([[field, message]]);
    expect(parseAuthorizationPolicy(ap("shop", "p", spec)).policy).toBeNull();
  });

  it("an invalid ALLOW policy is left out, so it cannot lock the workload", () => {
    const authz = authorizer([ap("shop", "p", { rules: [{ to: [{ operation: { ports: ["http"] } }] }] })]);
    expect(authz.issues).toEqual([{ policy: ID, field: "spec.rules[0].to[0].operation.ports[0]", message: 'bad port "http": ports are strings holding a number from 0 to 65535' }]);
    expect(authz.policiesFor(api)).toEqual([]);
    expect(authz(web, api)).toEqual({ effect: "allow", allowedBy: [NO_ALLOW_POLICY] });
  });

  it("accepts what Istio accepts: IPv6, a single address, path templates, claims keys", () => {
    const spec = {
      rules: [
        {
          from: [{ source: { ipBlocks: ["2001:db8::/32", "::ffff:10.0.0.1", "203.0.113.4", "10.0.0.1/8"] } }],
          to: [{ operation: { paths: ["/v1/{*}/items/{**}"], ports: ["0", "65535"] } }],
          when: [{ key: "request.auth.claims[groups]", values: ["admins"] }, { key: "experimental.envoy.filters.a.b[c]", values: ["d"] }],
        },
      ],
    };
    expect(issuesOf(spec)).toEqual([]);
  });
});

describe("notes: what stays in force, or is out of this model", () => {
  it("security.istio.io/v1beta1 reads as v1", () => {
    const spec = { rules: [{ from: [{ source: { namespaces: ["shop"] } }] }] };
    const v1 = authorizer([ap("shop", "p", spec)]);
    const beta = authorizer([ap("shop", "p", spec, "security.istio.io/v1beta1")]);
    expect(beta(web, api)).toEqual(v1(web, api));
  });

  it("a targetRef policy is noted, not applied", () => {
    expect(notesOf({ targetRef: { kind: "Gateway", group: "gateway.networking.k8s.io", name: "gw" }, rules: [{}] })).toEqual([["spec.targetRef", TARGET_REF_NOTE]]);
  });

  it("unknown fields are dropped by the API server: noted, and the rule evaluated without them", () => {
    const spec = { rules: [{ from: [{ source: { namespaces: ["shop"], principal: ["cluster.local/ns/ops/sa/admin"] } }] }] };
    expect(notesOf(spec)).toEqual([
      ["spec.rules[0].from[0].source.principal", 'unknown field "principal" is not part of the AuthorizationPolicy API: the API server drops it, so it is not evaluated'],
    ]);
    expect(authorizer([ap("shop", "p", spec)])(web, api).effect).toBe("allow");
  });

  it("principals Istio accepts but that can never match a workload are noted, and stay in force", () => {
    const spec = { rules: [{ from: [{ source: { principals: ["spiffe://cluster.local/ns/shop/sa/web", "web"] } }] }] };
    expect(notesOf(spec)).toEqual([
      ["spec.rules[0].from[0].source.principals[0]", 'principal "spiffe://cluster.local/ns/shop/sa/web" is written with spiffe://, which Istio adds itself: it matches no peer'],
      ["spec.rules[0].from[0].source.principals[1]", 'principal "web" is not of the form <trust domain>/ns/<namespace>/sa/<service account>: it matches no workload identity'],
    ]);
    expect(authorizer([ap("shop", "p", spec)])(web, api).effect).toBe("deny");
  });

  it("CUSTOM policies on peer identity or JWT are kept (conditional) with a note", () => {
    const spec = { action: "CUSTOM", provider: { name: "ext" }, rules: [{ from: [{ source: { namespaces: ["shop"] } }] }] };
    expect(notesOf(spec)).toEqual([["spec.rules[0]", "namespaces: not supported with CUSTOM action by some Istio releases (the policy is then refused)"]]);
    expect(authorizer([ap("shop", "p", spec)])(web, api).effect).toBe("conditional");
  });

  it("a missing spec is an empty one: allow-nothing", () => {
    expect(parseAuthorizationPolicy(ap("shop", "p", undefined)).policy).toMatchObject({ action: "ALLOW", rules: [] });
  });
});
