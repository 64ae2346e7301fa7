/** Reading Sidecars, and which one applies to a workload. */
import { describe, expect, it } from "vitest";
import type { PolicyIssue } from "../issues";
import { groupSidecars, readSidecars, sidecarFor } from "./egress-sidecar";
import { sidecar, workload } from "./egress-test-helpers";

const ALL = { egress: [{ hosts: ["*/*"] }] };

describe("readSidecars", () => {
  it("reads selector labels, listeners and the outbound mode", () => {
    const { sidecars, issues } = readSidecars([
      sidecar("shop/cart", {
        workloadSelector: { labels: { app: "cart" } },
        egress: [
          { port: { number: 443, protocol: "TLS", name: "tls" }, hosts: ["./*.stripe.example"] },
          { hosts: ["istio-system/*", "~/*"] },
        ],
        outboundTrafficPolicy: { mode: "ALLOW_ANY" },
      }),
    ]);
    expect(issues).toEqual([]);
    expect(sidecars).toEqual([
      {
        id: "shop/cart[Sidecar]",
        namespace: "shop",
        order: { created: null, namespace: "shop", name: "cart" },
        selector: { app: "cart" },
        egress: [
          { field: "spec.egress[0]", port: 443, hosts: [{ namespace: ".", dnsName: "*.stripe.example" }] },
          { field: "spec.egress[1]", port: null, hosts: [{ namespace: "istio-system", dnsName: "*" }, { namespace: "~", dnsName: "*" }] },
        ],
        outboundTrafficPolicy: { mode: "ALLOW_ANY", field: "spec.outboundTrafficPolicy.mode" },
      },
    ]);
  });

  it("reads v1beta1 and v1alpha3 objects the same as v1", () => {
    const spec = { workloadSelector: { labels: { app: "cart" } }, egress: [{ hosts: ["./*"] }], outboundTrafficPolicy: { mode: "REGISTRY_ONLY" } };
    const read = (apiVersion: string) => readSidecars([sidecar("shop/cart", spec, { apiVersion })]);
    expect(read("networking.istio.io/v1beta1")).toEqual(read("networking.istio.io/v1"));
    expect(read("networking.istio.io/v1alpha3")).toEqual(read("networking.istio.io/v1"));
  });

  it("an outboundTrafficPolicy without mode is REGISTRY_ONLY, the enum's zero value", () => {
    const { sidecars } = readSidecars([sidecar("shop/default", { outboundTrafficPolicy: {} })]);
    expect(sidecars[0]!.outboundTrafficPolicy).toEqual({ mode: "REGISTRY_ONLY", field: "spec.outboundTrafficPolicy" });
    expect(sidecars[0]!.egress).toEqual([]);
  });

  it("a Unix domain socket listener (port 0) needs a unix:// bind", () => {
    const uds = { port: { number: 0, protocol: "HTTP", name: "uds" }, bind: "unix:///var/run/egress.sock", hosts: ["*/*"] };
    expect(readSidecars([sidecar("shop/uds", { egress: [uds] })]).sidecars[0]!.egress[0]!.port).toBe(0);
  });

  it.each([
    ["an empty Sidecar", {}, "spec"],
    ["no spec", undefined, "spec"],
    ["a selector without labels", { workloadSelector: {}, ...ALL }, "spec.workloadSelector.labels"],
    ["a selector with empty labels", { workloadSelector: { labels: {} }, ...ALL }, "spec.workloadSelector.labels"],
    ["a non-string label value", { workloadSelector: { labels: { "app.kubernetes.io/name": 1 } }, ...ALL }, 'spec.workloadSelector.labels["app.kubernetes.io/name"]'],
    ["a host without namespace/", { egress: [{ hosts: ["api.stripe.example"] }] }, "spec.egress[0].hosts[0]"],
    ["a short dnsName", { egress: [{ hosts: ["./*", "shop/stripe"] }] }, "spec.egress[0].hosts[1]"],
    ["a listener without hosts", { egress: [{ hosts: [] }] }, "spec.egress[0].hosts"],
    ["the catch-all not last", { egress: [{ hosts: ["./*"] }, { port: { number: 80, protocol: "HTTP" }, hosts: ["./*"] }] }, "spec.egress[0].port"],
    ["two catch-alls", { egress: [{ hosts: ["./*"] }, { hosts: ["*/*"] }] }, "spec.egress[0].port"],
    ["a port twice", { egress: [{ port: { number: 80 }, hosts: ["./*"] }, { port: { number: 80 }, hosts: ["*/*"] }] }, "spec.egress[1].port.number"],
    ["port 70000", { egress: [{ port: { number: 70000 }, hosts: ["./*"] }] }, "spec.egress[0].port.number"],
    ["port 0 without a unix bind", { egress: [{ port: { number: 0 }, hosts: ["./*"] }] }, "spec.egress[0].port.number"],
    ["an unknown port protocol", { egress: [{ port: { number: 80, protocol: "SPDY" }, hosts: ["./*"] }] }, "spec.egress[0].port.protocol"],
    ["an unknown mode", { outboundTrafficPolicy: { mode: "DENY_ALL" } }, "spec.outboundTrafficPolicy.mode"],
    ["a lower-case mode", { outboundTrafficPolicy: { mode: "registry_only" } }, "spec.outboundTrafficPolicy.mode"],
    ["an egressProxy with REGISTRY_ONLY", { outboundTrafficPolicy: { mode: "REGISTRY_ONLY", egressProxy: { host: "proxy.example" } } }, "spec.outboundTrafficPolicy.egressProxy"],
  ])("refuses %s, naming the field", (_, spec, field) => {
    const { sidecars, issues } = readSidecars([sidecar("shop/bad", spec)]);
    expect(sidecars).toEqual([]);
    expect(issues).toEqual([{ policy: "shop/bad[Sidecar]", field, message: expect.stringContaining("left out") }]);
  });

  it("sorts oldest first; an undated Sidecar after the dated ones", () => {
    const { sidecars } = readSidecars([
      sidecar("shop/c", ALL),
      sidecar("shop/b", ALL, { created: "2024-02-01T00:00:00Z" }),
      sidecar("shop/a", ALL, { created: "2024-03-01T00:00:00Z" }),
    ]);
    expect(sidecars.map((s) => s.id)).toEqual(["shop/b[Sidecar]", "shop/a[Sidecar]", "shop/c[Sidecar]"]);
  });
});

/** The id of the Sidecar that applies to a workload, and the issues raised on the way. */
function chosen(policies: Parameters<typeof readSidecars>[0], w: ReturnType<typeof workload>, root = "istio-system") {
  const issues: PolicyIssue[] = [];
  const scopes = groupSidecars(readSidecars(policies).sidecars, root, issues);
  return { id: sidecarFor(w, scopes, issues)?.id ?? null, issues };
}

describe("sidecarFor", () => {
  const cart = workload("shop/cart", { app: "cart", version: "v1" });
  const selecting = sidecar("shop/cart", { workloadSelector: { labels: { app: "cart" } }, ...ALL });
  const nsDefault = sidecar("shop/default", ALL);
  const meshDefault = sidecar("istio-system/default", ALL);

  it("a matching workloadSelector in the namespace beats the namespace default and the mesh default", () => {
    expect(chosen([meshDefault, nsDefault, selecting], cart)).toEqual({ id: "shop/cart[Sidecar]", issues: [] });
  });

  it("else the namespace's Sidecar without selector", () => {
    const other = sidecar("shop/web", { workloadSelector: { labels: { app: "web" } }, ...ALL });
    expect(chosen([meshDefault, nsDefault, other], cart).id).toBe("shop/default[Sidecar]");
  });

  it("else the root namespace's Sidecar without selector, even when the namespace has selecting ones for others", () => {
    const other = sidecar("shop/web", { workloadSelector: { labels: { app: "web" } }, ...ALL });
    expect(chosen([meshDefault, other], cart).id).toBe("istio-system/default[Sidecar]");
    expect(chosen([meshDefault], cart, "mesh-config").id).toBeNull();
  });

  it("else none", () => {
    expect(chosen([], cart).id).toBeNull();
  });

  it("a Sidecar of another namespace never applies, selector or not", () => {
    const elsewhere = sidecar("blog/cart", { workloadSelector: { labels: { app: "cart" } }, ...ALL });
    expect(chosen([elsewhere, sidecar("blog/default", ALL)], cart).id).toBeNull();
  });

  it("a root-namespace Sidecar with a selector selects root-namespace workloads only", () => {
    const rootSelecting = sidecar("istio-system/cart", { workloadSelector: { labels: { app: "cart" } }, ...ALL });
    expect(chosen([rootSelecting], cart).id).toBeNull();
    expect(chosen([rootSelecting, meshDefault], workload("istio-system/cart", { app: "cart" })).id).toBe("istio-system/cart[Sidecar]");
  });

  it("two selecting the workload: the oldest is used and the other reported", () => {
    const older = sidecar("shop/z-old", { workloadSelector: { labels: { version: "v1" } }, ...ALL }, { created: "2024-01-01T00:00:00Z" });
    const newer = sidecar("shop/a-new", { workloadSelector: { labels: { app: "cart" } }, ...ALL }, { created: "2024-06-01T00:00:00Z" });
    const { id, issues } = chosen([newer, older], cart);
    expect(id).toBe("shop/z-old[Sidecar]");
    expect(issues).toEqual([{ policy: "shop/a-new[Sidecar]", field: "spec.workloadSelector", message: expect.stringContaining("uses shop/z-old[Sidecar]") }]);
  });

  it("same creation time: by name", () => {
    const at = { created: "2024-01-01T00:00:00Z" };
    const b = sidecar("shop/b", { workloadSelector: { labels: { app: "cart" } }, ...ALL }, at);
    const a = sidecar("shop/a", { workloadSelector: { labels: { app: "cart" } }, ...ALL }, at);
    expect(chosen([b, a], cart).id).toBe("shop/a[Sidecar]");
  });

  it("two namespace defaults: the oldest is used and the other reported, whoever asks", () => {
    const older = sidecar("shop/zz", ALL, { created: "2024-01-01T00:00:00Z" });
    const newer = sidecar("shop/default", ALL, { created: "2024-02-01T00:00:00Z" });
    const { id, issues } = chosen([newer, older], cart);
    expect(id).toBe("shop/zz[Sidecar]");
    expect(issues).toEqual([{ policy: "shop/default[Sidecar]", field: "spec.workloadSelector", message: expect.stringContaining("default for namespace shop") }]);
  });

  it("a refused Sidecar is not chosen: the next level applies", () => {
    const refused = sidecar("shop/cart", { workloadSelector: { labels: { app: "cart" } }, egress: [{ hosts: ["stripe"] }] });
    expect(chosen([refused, nsDefault], cart).id).toBe("shop/default[Sidecar]");
  });
});
