import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { ConnectionSet, IntersectionCache, MAX_PORT, PROTOCOLS, type Protocol } from "./connections";

const RUNS = { seed: 20261127, numRuns: 300 };

const tcp = (from: number, to?: number) => ConnectionSet.of("TCP", from, to);
const udp = (from: number, to?: number) => ConnectionSet.of("UDP", from, to);
const union = (...sets: ConnectionSet[]) => sets.reduce((a, b) => a.union(b), ConnectionSet.none());

describe("ConnectionSet text (np-guard's notation)", () => {
  it("merges adjacent ports and groups protocols", () => {
    expect(union(tcp(80), tcp(81), tcp(8080, 8090), udp(53)).toString()).toBe("TCP 80-81,8080-8090,UDP 53");
    expect(union(udp(53), tcp(8080, 8090), tcp(443), tcp(80)).toString()).toBe("TCP 80,443,8080-8090,UDP 53");
  });

  it("writes a protocol with every port as its name alone", () => {
    expect(ConnectionSet.allOf("TCP").union(udp(53)).toString()).toBe("TCP,UDP 53");
    expect(tcp(1, MAX_PORT).toString()).toBe("TCP");
    expect(union(tcp(1, 1000), tcp(1001, MAX_PORT)).toString()).toBe("TCP");
  });

  it("orders protocols alphabetically, SCTP first", () => {
    expect(union(udp(53), ConnectionSet.of("SCTP", 9000), tcp(22)).toString()).toBe("SCTP 9000,TCP 22,UDP 53");
    expect(PROTOCOLS).toEqual(["SCTP", "TCP", "UDP"]);
  });

  it("names the two extremes", () => {
    expect(ConnectionSet.all().toString()).toBe("All Connections");
    expect(ConnectionSet.none().toString()).toBe("No Connections");
    expect(union(...PROTOCOLS.map((p) => ConnectionSet.allOf(p))).toString()).toBe("All Connections");
    expect(tcp(80).subtract(tcp(80)).toString()).toBe("No Connections");
  });

  it("prints what is left when ports are taken away", () => {
    expect(ConnectionSet.all().subtract(tcp(80)).toString()).toBe("SCTP,TCP 1-79,81-65535,UDP");
    expect(ConnectionSet.allOf("TCP").subtract(tcp(1, 1023)).toString()).toBe("TCP 1024-65535");
  });
});

describe("ConnectionSet", () => {
  it("of() defaults `to` to `from` and refuses what the API server refuses", () => {
    expect(tcp(80).equals(tcp(80, 80))).toBe(true);
    for (const [from, to] of [
      [0, 0],
      [1, 65536],
      [90, 80],
      [80.5, 81],
      [Number.NaN, 1],
    ] as const) {
      expect(() => tcp(from, to)).toThrow(RangeError);
    }
    expect(() => tcp(90, 80)).toThrow("invalid port range 90-80 (ports are integers 1-65535, start <= end)");
    expect(() => ConnectionSet.of("tcp" as Protocol, 80)).toThrow('unknown protocol "tcp" (must be SCTP, TCP or UDP)');
  });

  it("keeps ranges sorted, disjoint and merged", () => {
    const set = union(tcp(82), tcp(80, 81), tcp(85, 90), tcp(88, 100), udp(5));
    expect(set.ranges("TCP")).toEqual([
      [80, 82],
      [85, 100],
    ]);
    expect(set.ranges("UDP")).toEqual([[5, 5]]);
    expect(set.ranges("SCTP")).toEqual([]);
    expect(Object.isFrozen(set.ranges("TCP"))).toBe(true);
  });

  it("answers membership, containment and equality", () => {
    const web = union(tcp(80), tcp(443));
    expect(web.has("TCP", 443)).toBe(true);
    expect(web.has("TCP", 444)).toBe(false);
    expect(web.has("UDP", 443)).toBe(false);
    expect(web.contains(tcp(80))).toBe(true);
    expect(web.contains(tcp(80, 81))).toBe(false);
    expect(ConnectionSet.all().contains(web)).toBe(true);
    expect(web.contains(ConnectionSet.none())).toBe(true);
    expect(web.equals(union(tcp(443), tcp(80)))).toBe(true);
    expect(web.intersect(tcp(1, 100)).equals(tcp(80))).toBe(true);
    expect(web.isEmpty() || web.isAll()).toBe(false);
    expect(union(...PROTOCOLS.map((p) => ConnectionSet.of(p, 1, MAX_PORT))).isAll()).toBe(true);
    expect(tcp(80).intersect(udp(80)).isEmpty()).toBe(true);
  });
});

describe("ConnectionSet.unionAll", () => {
  it("unions many sets in one pass", () => {
    expect(ConnectionSet.unionAll([tcp(80), tcp(81), tcp(8080, 8090), udp(53)]).toString()).toBe("TCP 80-81,8080-8090,UDP 53");
    expect(ConnectionSet.unionAll([]).isEmpty()).toBe(true);
    expect(ConnectionSet.unionAll(PROTOCOLS.map((p) => ConnectionSet.allOf(p))).isAll()).toBe(true);
    // The case it exists for: thousands of single ports, quadratic as a loop of union().
    const ports = Array.from({ length: 20000 }, (_, i) => tcp(1 + ((i * 13) % 60000)));
    expect(ConnectionSet.unionAll(ports).ranges("TCP")).toHaveLength(20000);
  });
});

describe("IntersectionCache", () => {
  it("answers as intersect does, and merges each pair of sets once", () => {
    const cache = new IntersectionCache();
    const web = ConnectionSet.of("TCP", 80, 90);
    const api = ConnectionSet.of("TCP", 85, 100);
    const first = cache.intersect(web, api);
    expect(first.toString()).toBe("TCP 85-90");
    expect(cache.intersect(web, api)).toBe(first); // the same object: remembered
    expect(cache.intersect(web, udp(53)).isEmpty()).toBe(true);
    expect(cache.intersect(ConnectionSet.all(), web)).toBe(web);
    expect(cache.intersect(web, ConnectionSet.none())).toBe(ConnectionSet.none());
  });
});

/**
 * Sets built from a few pieces, with ports near both ends of the range so that "every port" and
 * the edges 1 and 65535 come up often. The pieces double as a brute-force model.
 */
type Piece = { protocol: Protocol; from: number; to: number };
const port = fc.oneof(fc.integer({ min: 1, max: 12 }), fc.integer({ min: 65525, max: 65535 }), fc.integer({ min: 1, max: MAX_PORT }));
const piece: fc.Arbitrary<Piece> = fc.oneof(
  fc.record({ protocol: fc.constantFrom(...PROTOCOLS), from: port, to: port }).map((p) => ({ ...p, from: Math.min(p.from, p.to), to: Math.max(p.from, p.to) })),
  fc.constantFrom(...PROTOCOLS).map((protocol) => ({ protocol, from: 1, to: MAX_PORT })),
);
const modelled = fc.array(piece, { maxLength: 6 }).map((pieces) => ({
  pieces,
  set: union(...pieces.map((p) => ConnectionSet.of(p.protocol, p.from, p.to))),
}));
const connectionSet = modelled.map((m) => m.set);

const inModel = (pieces: Piece[], protocol: Protocol, p: number) => pieces.some((x) => x.protocol === protocol && x.from <= p && p <= x.to);

/** Membership only changes at the pieces' ends, so probing around every end is exhaustive. */
function probes(...models: Piece[][]): number[] {
  const points = new Set([1, MAX_PORT]);
  for (const x of models.flat()) for (const p of [x.from - 1, x.from, x.to, x.to + 1]) if (p >= 1 && p <= MAX_PORT) points.add(p);
  return [...points];
}

function same(a: ConnectionSet, b: ConnectionSet): void {
  expect(a.equals(b)).toBe(true);
  expect(a.toString()).toBe(b.toString());
}

describe("ConnectionSet properties", () => {
  it("agrees with a brute-force model", () => {
    fc.assert(
      fc.property(modelled, modelled, (a, b) => {
        const u = a.set.union(b.set);
        const i = a.set.intersect(b.set);
        const d = a.set.subtract(b.set);
        const actual: boolean[] = [];
        const expected: boolean[] = [];
        for (const protocol of PROTOCOLS) {
          for (const p of probes(a.pieces, b.pieces)) {
            const x = inModel(a.pieces, protocol, p);
            const y = inModel(b.pieces, protocol, p);
            actual.push(a.set.has(protocol, p), u.has(protocol, p), i.has(protocol, p), d.has(protocol, p));
            expected.push(x, x || y, x && y, x && !y);
          }
        }
        expect(actual).toEqual(expected);
      }),
      RUNS,
    );
  });

  it("union and intersect are commutative, associative and idempotent", () => {
    fc.assert(
      fc.property(connectionSet, connectionSet, connectionSet, (a, b, c) => {
        same(a.union(b), b.union(a));
        same(a.intersect(b), b.intersect(a));
        same(a.union(b).union(c), a.union(b.union(c)));
        same(a.intersect(b).intersect(c), a.intersect(b.intersect(c)));
        same(a.union(a), a);
        same(a.intersect(a), a);
      }),
      RUNS,
    );
  });

  it("each distributes over the other", () => {
    fc.assert(
      fc.property(connectionSet, connectionSet, connectionSet, (a, b, c) => {
        same(a.intersect(b.union(c)), a.intersect(b).union(a.intersect(c)));
        same(a.union(b.intersect(c)), a.union(b).intersect(a.union(c)));
      }),
      RUNS,
    );
  });

  it("subtract then union restores, and subtract removes exactly the other set", () => {
    fc.assert(
      fc.property(connectionSet, connectionSet, (a, b) => {
        same(a.subtract(b).union(b), a.union(b));
        same(a.subtract(b).union(a.intersect(b)), a);
        expect(a.subtract(b).intersect(b).isEmpty()).toBe(true);
        same(ConnectionSet.all().subtract(ConnectionSet.all().subtract(a)), a);
      }),
      RUNS,
    );
  });

  it("unionAll is a fold of union", () => {
    fc.assert(
      fc.property(fc.array(connectionSet, { maxLength: 5 }), (sets) => {
        same(ConnectionSet.unionAll(sets), union(...sets));
      }),
      RUNS,
    );
  });

  it("contains, equals and the text agree with each other", () => {
    fc.assert(
      fc.property(connectionSet, connectionSet, (a, b) => {
        expect(a.contains(b)).toBe(a.union(b).equals(a));
        expect(a.contains(b)).toBe(b.subtract(a).isEmpty());
        expect(a.equals(b)).toBe(a.toString() === b.toString());
        expect(a.isAll()).toBe(a.toString() === "All Connections");
        expect(a.isEmpty()).toBe(a.toString() === "No Connections");
      }),
      RUNS,
    );
  });

  it("the intersection cache agrees with intersect", () => {
    const cache = new IntersectionCache();
    fc.assert(
      fc.property(connectionSet, connectionSet, (a, b) => {
        expect(cache.intersect(a, b).equals(a.intersect(b))).toBe(true);
        expect(cache.intersect(a, b).equals(a.intersect(b))).toBe(true);
      }),
      RUNS,
    );
  });
});
