import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  intersectRanges,
  normalizeRanges,
  rangePairs,
  rangesCover,
  rangesEqual,
  rangesHave,
  subtractRanges,
  unionAllRanges,
  unionRanges,
  type RangeList,
} from "./ranges";

const RUNS = { seed: 20261127, numRuns: 500 };

/** The universe of the brute-force model: 0..N-1, small enough to enumerate. */
const N = 48;

/** A subset of the universe as a membership array, and the same subset as a range list. */
const subset = fc.array(fc.boolean(), { minLength: N, maxLength: N }).map((bits) => ({ bits, list: fromBits(bits) }));

/**
 * Pairs of very different sizes: about a hundred ranges against one to four, so that the
 * window-by-window path for a much shorter list is the one taken.
 */
const BIG_N = 400;
const bigSubset = fc.array(fc.boolean(), { minLength: BIG_N, maxLength: BIG_N }).map((bits) => ({ bits, list: fromBits(bits) }));
const fewRanges = fc
  .array(fc.tuple(fc.nat(BIG_N - 1), fc.nat(BIG_N - 1)), { minLength: 1, maxLength: 4 })
  .map((pairs) => {
    const list = normalizeRanges(pairs.map(([x, y]) => [Math.min(x, y), Math.max(x, y)] as [number, number]));
    return { bits: Array.from({ length: BIG_N }, (_, i) => rangesHave(list, i)), list };
  });

function fromBits(bits: readonly boolean[]): RangeList {
  const pairs: [number, number][] = [];
  bits.forEach((on, i) => {
    if (on) pairs.push([i, i]); // one range per member: normalisation must merge them
  });
  return normalizeRanges(pairs);
}

function toBits(list: RangeList, n = N): boolean[] {
  return Array.from({ length: n }, (_, i) => rangesHave(list, i));
}

/** Sorted, disjoint, with a gap between ranges (adjacent ones merged). */
function isNormal(list: RangeList): boolean {
  for (let i = 0; i < list.length; i += 2) {
    if (list[i]! > list[i + 1]!) return false;
    if (i > 0 && list[i]! <= list[i - 1]! + 1) return false;
  }
  return list.length % 2 === 0;
}

describe("range lists", () => {
  it("merge overlapping and adjacent ranges", () => {
    expect(normalizeRanges([[82, 82], [80, 81]])).toEqual([80, 82]);
    expect(normalizeRanges([[80, 90], [85, 100], [102, 103]])).toEqual([80, 100, 102, 103]);
    expect(unionRanges([1, 3], [4, 6])).toEqual([1, 6]);
    expect(unionRanges([1, 3, 10, 12], [5, 6])).toEqual([1, 3, 5, 6, 10, 12]);
  });

  it("intersect and subtract with hand-checked results", () => {
    expect(intersectRanges([1, 10, 20, 30], [5, 25])).toEqual([5, 10, 20, 25]);
    expect(subtractRanges([1, 100], [10, 19, 50, 50])).toEqual([1, 9, 20, 49, 51, 100]);
    expect(subtractRanges([1, 10], [1, 10])).toEqual([]);
    expect(subtractRanges([5, 10], [1, 5, 10, 20])).toEqual([6, 9]);
  });

  it("handle the ends of the uint32 range exactly", () => {
    const max = 2 ** 32 - 1;
    expect(unionRanges([0, 2 ** 31 - 1], [2 ** 31, max])).toEqual([0, max]);
    expect(subtractRanges([0, max], [2 ** 31, 2 ** 31])).toEqual([0, 2 ** 31 - 1, 2 ** 31 + 1, max]);
    expect(rangesHave([0, max], max)).toBe(true);
  });

  it("give frozen pairs", () => {
    const pairs = rangePairs([1, 2, 5, 5]);
    expect(pairs).toEqual([
      [1, 2],
      [5, 5],
    ]);
    expect(Object.isFrozen(pairs) && Object.isFrozen(pairs[0])).toBe(true);
  });

  it("agree with a brute-force model on a small universe", () => {
    fc.assert(
      fc.property(subset, subset, (a, b) => {
        const union = unionRanges(a.list, b.list);
        const intersection = intersectRanges(a.list, b.list);
        const difference = subtractRanges(a.list, b.list);
        for (const list of [union, intersection, difference]) expect(isNormal(list)).toBe(true);
        expect(toBits(union)).toEqual(a.bits.map((x, i) => x || b.bits[i]!));
        expect(toBits(intersection)).toEqual(a.bits.map((x, i) => x && b.bits[i]!));
        expect(toBits(difference)).toEqual(a.bits.map((x, i) => x && !b.bits[i]!));
        expect(rangesCover(a.list, b.list)).toBe(b.bits.every((x, i) => !x || a.bits[i]));
        expect(rangesEqual(a.list, b.list)).toBe(a.bits.every((x, i) => x === b.bits[i]));
      }),
      RUNS,
    );
  });

  it("agree with the model when one list is much shorter than the other", () => {
    fc.assert(
      fc.property(bigSubset, fewRanges, fc.boolean(), (big, few, bigFirst) => {
        const [a, b] = bigFirst ? [big, few] : [few, big];
        expect(a.list.length >= 64 || b.list.length >= 64).toBe(true);
        const union = unionRanges(a.list, b.list);
        const intersection = intersectRanges(a.list, b.list);
        const difference = subtractRanges(a.list, b.list);
        for (const list of [union, intersection, difference]) expect(isNormal(list)).toBe(true);
        expect(toBits(union, BIG_N)).toEqual(a.bits.map((x, i) => x || b.bits[i]!));
        expect(toBits(intersection, BIG_N)).toEqual(a.bits.map((x, i) => x && b.bits[i]!));
        expect(toBits(difference, BIG_N)).toEqual(a.bits.map((x, i) => x && !b.bits[i]!));
      }),
      RUNS,
    );
  });

  it("union many lists at once", () => {
    fc.assert(
      fc.property(fc.array(subset, { maxLength: 6 }), (subsets) => {
        const list = unionAllRanges(subsets.map((x) => x.list));
        expect(isNormal(list)).toBe(true);
        expect(list).toEqual(subsets.reduce((acc, x) => unionRanges(acc, x.list), [] as RangeList));
      }),
      RUNS,
    );
  });

  it("normalise ranges given in any order, overlapping or not", () => {
    const range = fc.tuple(fc.nat(N - 1), fc.nat(N - 1)).map(([x, y]) => [Math.min(x, y), Math.max(x, y)] as [number, number]);
    fc.assert(
      fc.property(fc.array(range, { maxLength: 12 }), (pairs) => {
        const list = normalizeRanges(pairs);
        expect(isNormal(list)).toBe(true);
        expect(toBits(list)).toEqual(Array.from({ length: N }, (_, i) => pairs.some(([s, e]) => s <= i && i <= e)));
      }),
      RUNS,
    );
  });
});
