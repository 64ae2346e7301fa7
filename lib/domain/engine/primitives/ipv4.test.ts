import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { formatIp, IpSet, MAX_IPV4, parseCidr, parseIp } from "./ipv4";

const RUNS = { seed: 20261127, numRuns: 300 };

const ip = (text: string) => parseIp(text)!;

describe("parseCidr: valid IPv4 blocks", () => {
  it("gives the first and last address of the block", () => {
    expect(parseCidr("10.0.0.0/8")).toEqual({ ok: true, start: ip("10.0.0.0"), end: ip("10.255.255.255"), version: 4 });
    expect(parseCidr("172.17.1.0/24")).toEqual({ ok: true, start: ip("172.17.1.0"), end: ip("172.17.1.255"), version: 4 });
  });

  it("/0 is every address and /32 is one", () => {
    expect(parseCidr("0.0.0.0/0")).toEqual({ ok: true, start: 0, end: MAX_IPV4, version: 4 });
    expect(parseCidr("192.168.1.7/32")).toEqual({ ok: true, start: ip("192.168.1.7"), end: ip("192.168.1.7"), version: 4 });
    expect(parseCidr("255.255.255.255/32")).toEqual({ ok: true, start: MAX_IPV4, end: MAX_IPV4, version: 4 });
  });

  it("host bits set: Kubernetes accepts the CIDR and means its network", () => {
    expect(parseCidr("10.0.0.1/24")).toEqual(parseCidr("10.0.0.0/24"));
    expect(parseCidr("192.168.77.5/16")).toEqual(parseCidr("192.168.0.0/16"));
    expect(parseCidr("1.2.3.4/0")).toEqual(parseCidr("0.0.0.0/0"));
  });

  it("addresses at and above 128.0.0.0 stay positive (no signed 32-bit arithmetic)", () => {
    expect(parseCidr("128.0.0.0/1")).toEqual({ ok: true, start: 2 ** 31, end: MAX_IPV4, version: 4 });
    expect(parseCidr("200.1.2.3/8")).toEqual({ ok: true, start: 200 * 2 ** 24, end: 201 * 2 ** 24 - 1, version: 4 });
  });
});

describe("parseCidr: IPv6 is valid but not modelled", () => {
  it.each(["2001:db8::/32", "::/0", "::1/128", "fe80::1/64", "2001:DB8:0:0:0:0:0:1/128", "64:ff9b::/96", "::1.2.3.4/128", "1::/16"])(
    "%s",
    (text) => expect(parseCidr(text)).toEqual({ ok: true, version: 6 }),
  );

  it.each([
    ["2001:db8::/129", "prefix length must be 0-128"],
    ["2001:db8:::/32", 'is not a valid IPv6 address ("::" may appear only once)'],
    ["1::2::3/64", 'is not a valid IPv6 address ("::" may appear only once)'],
    ["2001:db8::g/32", "is not a valid IPv6 address"],
    ["12345::/16", "is not a valid IPv6 address"],
    ["1:2:3:4:5:6:7/128", "is not a valid IPv6 address"],
    ["1:2:3:4:5:6:7:8:9/128", "is not a valid IPv6 address"],
    ["1:2:3:4:5:6:7::8/128", "is not a valid IPv6 address"], // "::" must stand for at least one group
    [":1::/64", "is not a valid IPv6 address"],
    ["1.2.3.4::/64", "is not a valid IPv6 address"],
    ["fe80::1%eth0/64", "must not have an IPv6 zone (%...)"],
    ["::ffff:10.0.0.0/104", "must not be an IPv4-mapped IPv6 address (write the IPv4 CIDR instead)"],
    ["2001:db8::/032", "prefix length must be 0-128"],
  ])("%s is refused: %s", (text, reason) => {
    expect(parseCidr(text)).toEqual({ ok: false, error: `${JSON.stringify(text)}: ${reason}` });
  });
});

describe("parseCidr: what the API server refuses", () => {
  it.each([
    ["10.0.0.0/33", "prefix length must be 0-32"],
    ["10.0.0.0/-1", "prefix length must be 0-32"],
    ["10.0.0.0/+8", "prefix length must be 0-32"],
    ["10.0.0.0/08", "prefix length must be 0-32"],
    ["10.0.0.0/", "prefix length must be 0-32"],
    ["10.0.0.0/8/8", "prefix length must be 0-32"],
    ["256.1.1.1/32", 'octet "256" must be 0-255'],
    ["1000.1.1.1/32", 'octet "1000" must be 0-255'],
    ["010.0.0.0/8", 'octet "010" has a leading zero (ambiguous: octal or decimal)'],
    ["10.0.0.00/32", 'octet "00" has a leading zero (ambiguous: octal or decimal)'],
    ["10.0.0/8", 'an IPv4 address has 4 octets separated by ".", found 3'],
    ["10.0.0.0.0/8", 'an IPv4 address has 4 octets separated by ".", found 5'],
    ["10..0.0/8", 'octet "" is not a number 0-255'],
    ["a.b.c.d/8", 'octet "a" is not a number 0-255'],
    ["1e1.0.0.0/8", 'octet "1e1" is not a number 0-255'],
    ["10.0.0.0", "missing the prefix length (a CIDR looks like 10.0.0.0/16, or 10.0.0.1/32 for one address)"],
    ["", "must not be empty (a CIDR looks like 10.0.0.0/16, or 10.0.0.1/32 for one address)"],
    [" 10.0.0.0/8", "must not contain spaces"],
    ["10.0.0.0 /8", "must not contain spaces"],
    ["10.0.0.0/8\n", "must not contain spaces"],
  ])("%j: %s", (text, reason) => {
    expect(parseCidr(text)).toEqual({ ok: false, error: `${JSON.stringify(text)}: ${reason}` });
  });

  it("writes the whole message for the example in the brief", () => {
    expect(parseCidr("10.0.0.0/33")).toEqual({ ok: false, error: '"10.0.0.0/33": prefix length must be 0-32' });
  });
});

describe("parseIp and formatIp", () => {
  it("convert between dotted decimal and uint32", () => {
    expect(parseIp("0.0.0.0")).toBe(0);
    expect(parseIp("10.0.0.1")).toBe(10 * 2 ** 24 + 1);
    expect(parseIp("255.255.255.255")).toBe(MAX_IPV4);
    expect(formatIp(2 ** 31)).toBe("128.0.0.0");
    expect(formatIp(MAX_IPV4)).toBe("255.255.255.255");
    expect(formatIp(ip("172.17.2.9"))).toBe("172.17.2.9");
  });

  it("refuse what is not an address", () => {
    for (const text of ["1.2.3", "01.2.3.4", "1.2.3.256", "1.2.3.4/32", " 1.2.3.4", "::1", ""]) expect(parseIp(text)).toBeUndefined();
    for (const n of [-1, 2 ** 32, 1.5, Number.NaN]) expect(() => formatIp(n)).toThrow(RangeError);
  });

  it("round-trip every uint32", () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: MAX_IPV4 }), (n) => {
        expect(parseIp(formatIp(n))).toBe(n);
      }),
      RUNS,
    );
  });
});

describe("IpSet", () => {
  it("ipBlock cidr minus except, the example of the Kubernetes docs", () => {
    // https://kubernetes.io/docs/concepts/services-networking/network-policies/#networkpolicy-resource
    // ipBlock: { cidr: 172.17.0.0/16, except: [172.17.1.0/24] }
    const block = IpSet.cidr("172.17.0.0/16").subtract(IpSet.cidr("172.17.1.0/24"));
    expect(block.toString()).toBe("172.17.0.0-172.17.0.255,172.17.2.0-172.17.255.255");
    expect(block.contains(ip("172.17.0.7"))).toBe(true);
    expect(block.contains(ip("172.17.1.7"))).toBe(false);
    expect(block.contains(ip("172.18.0.0"))).toBe(false);
  });

  it("prints ranges as np-guard does", () => {
    expect(IpSet.all().subtract(IpSet.cidr("10.0.0.0/8")).toRangeStrings()).toEqual(["0.0.0.0-9.255.255.255", "11.0.0.0-255.255.255.255"]);
    expect(IpSet.all().toString()).toBe("0.0.0.0-255.255.255.255");
    expect(IpSet.cidr("10.0.0.1/32").toString()).toBe("10.0.0.1-10.0.0.1");
    expect(IpSet.none().toString()).toBe("");
    expect(IpSet.none().toRangeStrings()).toEqual([]);
  });

  it("merges adjacent blocks", () => {
    const halves = IpSet.cidr("10.0.0.0/25").union(IpSet.cidr("10.0.0.128/25"));
    expect(halves.equals(IpSet.cidr("10.0.0.0/24"))).toBe(true);
    expect(halves.ranges()).toEqual([[ip("10.0.0.0"), ip("10.0.0.255")]]);
    expect(IpSet.cidr("0.0.0.0/1").union(IpSet.cidr("128.0.0.0/1")).isAll()).toBe(true);
    expect(IpSet.range(0, MAX_IPV4).isAll()).toBe(true);
  });

  it("unionAll merges many ranges in one pass", () => {
    const blocks = ["10.0.0.0/25", "10.0.0.128/25", "192.168.0.0/16", "10.0.1.0/24"].map((c) => IpSet.cidr(c));
    expect(IpSet.unionAll(blocks).toString()).toBe("10.0.0.0-10.0.1.255,192.168.0.0-192.168.255.255");
    expect(IpSet.unionAll([]).isEmpty()).toBe(true);
    expect(IpSet.unionAll([IpSet.cidr("0.0.0.0/1"), IpSet.cidr("128.0.0.0/1")]).isAll()).toBe(true);
  });

  it("intersects and tells empty from all", () => {
    expect(IpSet.cidr("10.0.0.0/8").intersect(IpSet.cidr("10.1.0.0/16")).equals(IpSet.cidr("10.1.0.0/16"))).toBe(true);
    expect(IpSet.cidr("10.0.0.0/8").intersect(IpSet.cidr("11.0.0.0/8")).isEmpty()).toBe(true);
    expect(IpSet.cidr("0.0.0.0/0").isAll()).toBe(true);
    expect(IpSet.all().contains(MAX_IPV4)).toBe(true);
  });

  it("cidr() throws on invalid and IPv6 CIDRs; range() on bad bounds", () => {
    expect(() => IpSet.cidr("10.0.0.0/33")).toThrow('"10.0.0.0/33": prefix length must be 0-32');
    expect(() => IpSet.cidr("2001:db8::/32")).toThrow('"2001:db8::/32": an IPv6 CIDR; Meshlens models IPv4 only');
    for (const [start, end] of [
      [-1, 5],
      [5, 4],
      [0, 2 ** 32],
      [0.5, 1],
    ] as const) {
      expect(() => IpSet.range(start, end)).toThrow(RangeError);
    }
  });
});

/**
 * Sets built from a few ranges whose ends fall near 0, near 2^31 and near 2^32-1: the edges
 * where off-by-one and signed-arithmetic mistakes show. The ranges double as a brute-force model.
 */
type Range = readonly [number, number];
const address = fc.oneof(
  fc.integer({ min: 0, max: 15 }),
  fc.integer({ min: 2 ** 31 - 8, max: 2 ** 31 + 7 }),
  fc.integer({ min: MAX_IPV4 - 15, max: MAX_IPV4 }),
  fc.integer({ min: 0, max: MAX_IPV4 }),
);
const range: fc.Arbitrary<Range> = fc.tuple(address, address).map(([x, y]) => [Math.min(x, y), Math.max(x, y)] as const);
const modelled = fc.array(range, { maxLength: 5 }).map((ranges) => ({
  ranges,
  set: ranges.reduce((s, [a, b]) => s.union(IpSet.range(a, b)), IpSet.none()),
}));
const ipSet = modelled.map((m) => m.set);

const inModel = (ranges: readonly Range[], n: number) => ranges.some(([a, b]) => a <= n && n <= b);

function probes(...models: (readonly Range[])[]): number[] {
  const points = new Set([0, MAX_IPV4]);
  for (const [a, b] of models.flat()) for (const n of [a - 1, a, b, b + 1]) if (n >= 0 && n <= MAX_IPV4) points.add(n);
  return [...points];
}

function same(a: IpSet, b: IpSet): void {
  expect(a.equals(b)).toBe(true);
  expect(a.toString()).toBe(b.toString());
}

describe("IpSet properties", () => {
  it("agrees with a brute-force model", () => {
    fc.assert(
      fc.property(modelled, modelled, (a, b) => {
        const [u, i, d] = [a.set.union(b.set), a.set.intersect(b.set), a.set.subtract(b.set)];
        const actual: boolean[] = [];
        const expected: boolean[] = [];
        for (const n of probes(a.ranges, b.ranges)) {
          const [x, y] = [inModel(a.ranges, n), inModel(b.ranges, n)];
          actual.push(a.set.contains(n), u.contains(n), i.contains(n), d.contains(n));
          expected.push(x, x || y, x && y, x && !y);
        }
        expect(actual).toEqual(expected);
      }),
      RUNS,
    );
  });

  it("union and intersect are commutative, associative, idempotent and distributive", () => {
    fc.assert(
      fc.property(ipSet, ipSet, ipSet, (a, b, c) => {
        same(a.union(b), b.union(a));
        same(a.intersect(b), b.intersect(a));
        same(a.union(b).union(c), a.union(b.union(c)));
        same(a.intersect(b).intersect(c), a.intersect(b.intersect(c)));
        same(a.union(a), a);
        same(a.intersect(a), a);
        same(a.intersect(b.union(c)), a.intersect(b).union(a.intersect(c)));
      }),
      RUNS,
    );
  });

  it("unionAll is a fold of union", () => {
    fc.assert(
      fc.property(fc.array(ipSet, { maxLength: 5 }), (sets) => {
        same(IpSet.unionAll(sets), sets.reduce((a, b) => a.union(b), IpSet.none()));
      }),
      RUNS,
    );
  });

  it("subtract then union restores", () => {
    fc.assert(
      fc.property(ipSet, ipSet, (a, b) => {
        same(a.subtract(b).union(b), a.union(b));
        same(a.subtract(b).union(a.intersect(b)), a);
        expect(a.subtract(b).intersect(b).isEmpty()).toBe(true);
        expect(a.isAll()).toBe(IpSet.all().subtract(a).isEmpty());
      }),
      RUNS,
    );
  });

  it("a CIDR is the aligned block of 2^(32-n) addresses holding its address", () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: MAX_IPV4 }), fc.integer({ min: 0, max: 32 }), (n, prefix) => {
        const parsed = parseCidr(`${formatIp(n)}/${prefix}`);
        if (!parsed.ok || parsed.version !== 4) throw new Error("expected an IPv4 block");
        const size = 2 ** (32 - prefix);
        expect(parsed.end - parsed.start + 1).toBe(size);
        expect(parsed.start % size).toBe(0);
        expect(parsed.start <= n && n <= parsed.end).toBe(true);
      }),
      RUNS,
    );
  });
});
