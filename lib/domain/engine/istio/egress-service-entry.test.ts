/** Reading ServiceEntries: defaults, exportTo, and what Istio's validation refuses. */
import { describe, expect, it } from "vitest";
import { exportedTo, readServiceEntries } from "./egress-service-entry";
import { serviceEntry, tlsEntry } from "./egress-test-helpers";

const HTTPS = [{ number: 443, name: "https", protocol: "HTTPS" }];

describe("readServiceEntries", () => {
  it("fills Istio's defaults: MESH_EXTERNAL, resolution NONE, exported everywhere", () => {
    const { entries, issues } = readServiceEntries([serviceEntry("shop/stripe", { hosts: ["api.stripe.example"], ports: HTTPS })]);
    expect(issues).toEqual([]);
    expect(entries).toEqual([
      {
        id: "shop/stripe[ServiceEntry]",
        namespace: "shop",
        hosts: ["api.stripe.example"],
        ports: [{ number: 443, name: "https", protocol: "HTTPS" }],
        exportTo: "*",
        location: "MESH_EXTERNAL",
        resolution: "NONE",
      },
    ]);
  });

  it("keeps protocols as declared, an absent one as '', and sorts ports by number", () => {
    const { entries } = readServiceEntries([
      serviceEntry("shop/db", { hosts: ["db.example.com"], addresses: ["10.0.0.1"], ports: [{ number: 5432, name: "pg" }, { number: 80, protocol: "http" }] }),
    ]);
    expect(entries[0]!.ports).toEqual([
      { number: 80, protocol: "http" },
      { number: 5432, name: "pg", protocol: "" },
    ]);
  });

  it("reads v1beta1 and v1alpha3 objects the same as v1", () => {
    const spec = { hosts: ["api.stripe.example"], ports: HTTPS, location: "MESH_INTERNAL", resolution: "DNS" };
    const read = (apiVersion: string) => readServiceEntries([serviceEntry("shop/stripe", spec, { apiVersion })]).entries;
    expect(read("networking.istio.io/v1beta1")).toEqual(read("networking.istio.io/v1"));
    expect(read("networking.istio.io/v1alpha3")).toEqual(read("networking.istio.io/v1"));
    expect(read("networking.istio.io/v1")[0]).toMatchObject({ location: "MESH_INTERNAL", resolution: "DNS" });
  });

  it("a wildcard host with resolution DNS is fine when endpoints say what to resolve", () => {
    const spec = { hosts: ["*.googleapis.com"], ports: HTTPS, resolution: "DNS", endpoints: [{ address: "private.googleapis.com" }] };
    expect(readServiceEntries([serviceEntry("shop/google", spec)]).issues).toEqual([]);
  });

  it("leaves out an entry without ports, which makes nothing reachable", () => {
    const { entries, issues } = readServiceEntries([serviceEntry("shop/noports", { hosts: ["api.stripe.example"], resolution: "DNS" })]);
    expect(entries).toEqual([]);
    expect(issues).toEqual([{ policy: "shop/noports[ServiceEntry]", field: "spec.ports", message: expect.stringContaining("declares no ports") }]);
  });

  it.each([
    ["no spec", undefined, "spec"],
    ["no hosts", { ports: HTTPS }, "spec.hosts"],
    ["empty hosts", { hosts: [], ports: HTTPS }, "spec.hosts"],
    ["the full wildcard", { hosts: ["api.stripe.example", "*"], ports: HTTPS }, "spec.hosts[1]"],
    ["a bad host", { hosts: ["api..stripe.example"], ports: HTTPS }, "spec.hosts[0]"],
    ["port 0", { hosts: ["a.example"], ports: [{ number: 0, name: "x" }] }, "spec.ports[0].number"],
    ["port 65536", { hosts: ["a.example"], ports: [{ number: 65536, name: "x" }] }, "spec.ports[0].number"],
    ["a port as a string", { hosts: ["a.example"], ports: [{ number: "443", name: "x" }] }, "spec.ports[0].number"],
    ["a port twice", { hosts: ["a.example"], ports: [{ number: 443, name: "a" }, { number: 443, name: "b" }] }, "spec.ports[1].number"],
    ["an unknown protocol", { hosts: ["a.example"], ports: [{ number: 443, name: "x", protocol: "QUIC" }] }, "spec.ports[0].protocol"],
    ["an unknown location", { hosts: ["a.example"], ports: HTTPS, location: "EXTERNAL" }, "spec.location"],
    ["an unknown resolution", { hosts: ["a.example"], ports: HTTPS, resolution: "dns" }, "spec.resolution"],
    ["a wildcard host to resolve by DNS without endpoints", { hosts: ["a.example", "*.googleapis.com"], ports: HTTPS, resolution: "DNS" }, "spec.hosts[1]"],
    ["exportTo * with others", { hosts: ["a.example"], ports: HTTPS, exportTo: ["*", "blog"] }, "spec.exportTo"],
    ["exportTo ~ with others", { hosts: ["a.example"], ports: HTTPS, exportTo: ["~", "."] }, "spec.exportTo"],
    ["exportTo . and its own namespace", { hosts: ["a.example"], ports: HTTPS, exportTo: [".", "shop"] }, "spec.exportTo[1]"],
    ["exportTo with a bad name", { hosts: ["a.example"], ports: HTTPS, exportTo: ["Shop"] }, "spec.exportTo[0]"],
  ])("refuses %s, naming the field", (_, spec, field) => {
    const { entries, issues } = readServiceEntries([serviceEntry("shop/bad", spec)]);
    expect(entries).toEqual([]);
    expect(issues).toEqual([{ policy: "shop/bad[ServiceEntry]", field, message: expect.stringContaining("left out") }]);
  });

  it("warns that a TCP port with resolution NONE and no addresses is open to any address on that port", () => {
    const spec = { hosts: ["db.example.com"], ports: [{ number: 5432, name: "pg", protocol: "TCP" }, { number: 443, name: "tls", protocol: "TLS" }] };
    const { entries, issues } = readServiceEntries([serviceEntry("shop/db", spec)]);
    expect(entries).toHaveLength(1);
    expect(issues).toEqual([{ policy: "shop/db[ServiceEntry]", field: "spec.addresses", message: expect.stringContaining("any address on port 5432 is reachable") }]);
    // Not with addresses, nor with DNS resolution (the cluster then goes to the declared host).
    expect(readServiceEntries([serviceEntry("shop/db", { ...spec, addresses: ["192.0.2.10"] })]).issues).toEqual([]);
    expect(readServiceEntries([serviceEntry("shop/db", { ...spec, resolution: "DNS" })]).issues).toEqual([]);
  });

  it("ignores other kinds", () => {
    expect(readServiceEntries([{ ...tlsEntry("shop/x", "a.example"), kind: "Sidecar" }]).entries).toEqual([]);
  });
});

describe("exportedTo", () => {
  const read = (exportTo: unknown) => {
    const { entries, issues } = readServiceEntries([tlsEntry("shop/stripe", "api.stripe.example", { exportTo })]);
    expect(issues).toEqual([]);
    return entries[0]!;
  };

  it("absent, empty or * : every namespace", () => {
    for (const exportTo of [undefined, [], ["*"]]) {
      expect(exportedTo(read(exportTo), "shop")).toBe(true);
      expect(exportedTo(read(exportTo), "blog")).toBe(true);
    }
  });

  it(". : its own namespace only", () => {
    expect(exportedTo(read(["."]), "shop")).toBe(true);
    expect(exportedTo(read(["."]), "blog")).toBe(false);
  });

  it("explicit names: only those, not even its own namespace unless listed", () => {
    expect(exportedTo(read(["blog"]), "blog")).toBe(true);
    expect(exportedTo(read(["blog"]), "shop")).toBe(false);
    expect(exportedTo(read([".", "blog"]), "shop")).toBe(true);
  });

  it("~ : nobody", () => {
    expect(exportedTo(read(["~"]), "shop")).toBe(false);
    expect(exportedTo(read(["~"]), "blog")).toBe(false);
  });
});
