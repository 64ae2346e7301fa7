import { describe, expect, it } from "vitest";
import { parseIpAddress, parseIpRange, rangeContains } from "./authz-ip";

const contains = (range: string, address: string) => rangeContains(parseIpRange(range)!, parseIpAddress(address)!);

describe("parseIpAddress / parseIpRange (what Go's netip accepts)", () => {
  it.each(["10.0.0.1", "0.0.0.0", "255.255.255.255", "::", "::1", "2001:db8::8a2e:370:7334", "1:2:3:4:5:6:7:8", "1:2:3:4:5:6:7::", "::ffff:10.0.0.1", "1:2:3:4:5:6:1.2.3.4", "fe80::1%eth0"])(
    "accepts the address %s",
    (text) => expect(parseIpAddress(text)).not.toBeNull(),
  );

  it.each(["10.0.0", "10.0.0.256", "10.0.0.01", "1.2.3.4.5", "example.com", "", ":::", "1:2:3:4:5:6:7:8:9", "1:2:3:4:5:6:7:8::", "1::2::3", "12345::", "fe80::1%", "::1.2.3"])(
    "refuses the address %s",
    (text) => expect(parseIpAddress(text)).toBeNull(),
  );

  it("reads ranges; a single address is a /32 or /128; host bits may be set", () => {
    expect(parseIpRange("10.1.2.3")).toEqual({ family: 4, bytes: [10, 1, 2, 3], prefix: 32 });
    expect(parseIpRange("10.1.2.3/8")).toEqual({ family: 4, bytes: [10, 1, 2, 3], prefix: 8 });
    expect(parseIpRange("2001:db8::/32")?.prefix).toBe(32);
    expect(parseIpRange("::1")?.prefix).toBe(128);
  });

  it.each(["10.0.0.0/33", "10.0.0.0/", "10.0.0.0/08", "10.0.0.0/-1", "::/129", "fe80::1%eth0/64", "10.0.0.0/8/8"])("refuses the range %s", (text) => {
    expect(parseIpRange(text)).toBeNull();
  });

  it("expands :: and IPv4 tails to the right groups", () => {
    expect(parseIpAddress("::ffff:10.0.0.1")?.bytes).toEqual([0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 10, 0, 0, 1]);
    expect(parseIpAddress("1::2")?.bytes).toEqual([0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2]);
  });
});

describe("rangeContains", () => {
  it("compares the prefix bits only", () => {
    expect(contains("10.0.0.0/8", "10.255.1.2")).toBe(true);
    expect(contains("10.0.0.0/8", "11.0.0.0")).toBe(false);
    expect(contains("192.168.1.128/25", "192.168.1.200")).toBe(true);
    expect(contains("192.168.1.128/25", "192.168.1.127")).toBe(false);
    expect(contains("0.0.0.0/0", "8.8.8.8")).toBe(true);
    expect(contains("203.0.113.7", "203.0.113.7")).toBe(true);
    expect(contains("203.0.113.7", "203.0.113.8")).toBe(false);
    expect(contains("2001:db8::/33", "2001:db8:7fff::1")).toBe(true);
    expect(contains("2001:db8::/33", "2001:db8:8000::1")).toBe(false);
  });

  it("never matches across families (an IPv4-mapped IPv6 range does not hold IPv4 addresses)", () => {
    expect(contains("::/0", "10.0.0.1")).toBe(false);
    expect(contains("::ffff:10.0.0.0/104", "10.0.0.1")).toBe(false);
  });
});
