/**
 * Sets of integers as sorted, disjoint, non-adjacent closed ranges, stored flat:
 * `[start0, end0, start1, end1, ...]`. The one interval algebra behind ConnectionSet (ports
 * 1-65535) and IpSet (IPv4 addresses as uint32 0 .. 2^32-1).
 *
 * Every list these functions return is normalised (overlapping and adjacent ranges merged:
 * 80-81 + 82 is 80-82), so two lists hold the same integers exactly when they are equal
 * element by element. Operations are linear merges, or binary searches when one list is much
 * shorter than the other. Values are plain numbers, exact far beyond 2^32; no bit operators
 * touch values (they are signed 32-bit in JavaScript), only small array indices.
 */
export type RangeList = readonly number[];

export const EMPTY_RANGES: RangeList = Object.freeze([]);

/** Appends [start, end] to a list being built in ascending order of start, merging as it goes. */
function append(out: number[], start: number, end: number): void {
  const last = out.length - 1;
  if (last > 0 && start <= out[last]! + 1) {
    if (end > out[last]!) out[last] = end;
  } else {
    out.push(start, end);
  }
}

/** A normalised list from ranges in any order, possibly overlapping. */
export function normalizeRanges(pairs: readonly (readonly [number, number])[]): RangeList {
  const sorted = [...pairs].sort((a, b) => a[0] - b[0]);
  const out: number[] = [];
  for (const [start, end] of sorted) append(out, start, end);
  return out;
}

/** The union of many lists at once: O(n log n), where folding unionRanges would be quadratic. */
export function unionAllRanges(lists: readonly RangeList[]): RangeList {
  const pairs: [number, number][] = [];
  for (const list of lists) for (let i = 0; i < list.length; i += 2) pairs.push([list[i]!, list[i + 1]!]);
  return normalizeRanges(pairs);
}

export function unionRanges(a: RangeList, b: RangeList): RangeList {
  if (a.length === 0) return b;
  if (b.length === 0) return a;
  if (isMuchShorter(b, a)) return windowed(a, b, mergeUnion, 1, true);
  if (isMuchShorter(a, b)) return windowed(b, a, mergeUnion, 1, true);
  return mergeUnion(a, b);
}

function mergeUnion(a: RangeList, b: RangeList): RangeList {
  const out: number[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length || j < b.length) {
    if (j >= b.length || (i < a.length && a[i]! <= b[j]!)) {
      append(out, a[i]!, a[i + 1]!);
      i += 2;
    } else {
      append(out, b[j]!, b[j + 1]!);
      j += 2;
    }
  }
  return out;
}

/**
 * Each piece of the result lies inside one range of `a` and one of `b`; pieces never touch,
 * because distinct ranges of a normalised list never do. So no merging is needed.
 */
export function intersectRanges(a: RangeList, b: RangeList): RangeList {
  if (isMuchShorter(b, a)) return windowed(a, b, mergeIntersect, 0, false);
  if (isMuchShorter(a, b)) return windowed(b, a, mergeIntersect, 0, false);
  return mergeIntersect(a, b);
}

function mergeIntersect(a: RangeList, b: RangeList): RangeList {
  const out: number[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length && j < b.length) {
    const start = Math.max(a[i]!, b[j]!);
    const end = Math.min(a[i + 1]!, b[j + 1]!);
    if (start <= end) out.push(start, end);
    if (a[i + 1]! < b[j + 1]!) i += 2;
    else j += 2;
  }
  return out;
}

/** The integers of `a` that are not in `b`. */
export function subtractRanges(a: RangeList, b: RangeList): RangeList {
  if (a.length === 0 || b.length === 0) return a;
  if (isMuchShorter(b, a)) return windowed(a, b, mergeSubtract, 0, true);
  if (isMuchShorter(a, b)) return windowed(b, a, (window, group) => mergeSubtract(group, window), 0, false);
  return mergeSubtract(a, b);
}

function mergeSubtract(a: RangeList, b: RangeList): RangeList {
  const out: number[] = [];
  let j = 0;
  for (let i = 0; i < a.length; i += 2) {
    let start = a[i]!;
    const end = a[i + 1]!;
    // Ranges of b ending before this range of a also end before every later one.
    while (j < b.length && b[j + 1]! < start) j += 2;
    for (let k = j; k < b.length && b[k]! <= end && start <= end; k += 2) {
      if (b[k]! > start) out.push(start, b[k]! - 1);
      start = Math.max(start, b[k + 1]! + 1);
    }
    if (start <= end) out.push(start, end);
  }
  return out;
}

/**
 * A list of at most SHORT_LIST numbers (32 ranges), at least SHORT_RATIO times shorter than a
 * list of at least SHORT_LIST numbers, is applied window by window (see windowed); anything
 * else is merged element by element. The cap keeps the chunks windowed concatenates few.
 */
const SHORT_LIST = 64;
const SHORT_RATIO = 8;

function isMuchShorter(short: RangeList, long: RangeList): boolean {
  return short.length <= SHORT_LIST && long.length >= SHORT_LIST && short.length * SHORT_RATIO <= long.length;
}

/**
 * `op` applied to a short list and a long one, touching only the windows of the long list near
 * each range of the short one (found by binary search); the stretches in between are copied
 * in bulk when `keepRest` (union, subtracting the short list) and dropped otherwise
 * (intersection, subtracting from the short list). Intersecting a CIDR with a set of
 * thousands of ranges then costs a few binary searches instead of a pass over the set.
 *
 * A window holds the long list's ranges within `slack` of a short range (1 for union, where
 * adjacent ranges merge). Short ranges whose windows share a long range form one group.
 * Results of different groups never touch, so they are concatenated as they are.
 */
function windowed(
  long: RangeList,
  short: RangeList,
  op: (window: RangeList, group: RangeList) => RangeList,
  slack: number,
  keepRest: boolean,
): RangeList {
  const chunks: RangeList[] = [];
  let copied = 0;
  let j = 0;
  while (j < short.length) {
    const from = firstEndingFrom(long, short[j]! - slack, copied);
    let to = firstStartingAfter(long, short[j + 1]! + slack, from);
    let k = j + 2;
    while (k < short.length && firstEndingFrom(long, short[k]! - slack, from) < to) {
      to = firstStartingAfter(long, short[k + 1]! + slack, to);
      k += 2;
    }
    if (keepRest && from > copied) chunks.push(long.slice(copied, from));
    chunks.push(op(long.slice(from, to), short.slice(j, k)));
    copied = to;
    j = k;
  }
  if (keepRest && copied < long.length) chunks.push(long.slice(copied));
  // concat copies in bulk; flat() is an order of magnitude slower on long arrays.
  return chunks.length === 1 ? chunks[0]! : ([] as number[]).concat(...chunks);
}

/** The index (even, >= from) of the first range ending at or after `value`, else list.length. */
function firstEndingFrom(list: RangeList, value: number, from: number): number {
  let low = from / 2;
  let high = list.length / 2;
  while (low < high) {
    const mid = (low + high) >>> 1;
    if (list[2 * mid + 1]! < value) low = mid + 1;
    else high = mid;
  }
  return 2 * low;
}

/** The index (even, >= from) of the first range starting after `value`, else list.length. */
function firstStartingAfter(list: RangeList, value: number, from: number): number {
  let low = from / 2;
  let high = list.length / 2;
  while (low < high) {
    const mid = (low + high) >>> 1;
    if (list[2 * mid]! <= value) low = mid + 1;
    else high = mid;
  }
  return 2 * low;
}

export function rangesEqual(a: RangeList, b: RangeList): boolean {
  if (a === b) return true;
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** Whether every integer of `inner` is in `outer`. */
export function rangesCover(outer: RangeList, inner: RangeList): boolean {
  return subtractRanges(inner, outer).length === 0;
}

/** Binary search for the range holding `value`. */
export function rangesHave(list: RangeList, value: number): boolean {
  let low = 0;
  let high = list.length / 2 - 1;
  while (low <= high) {
    const mid = (low + high) >>> 1;
    if (value < list[2 * mid]!) high = mid - 1;
    else if (value > list[2 * mid + 1]!) low = mid + 1;
    else return true;
  }
  return false;
}

/** The list as frozen [start, end] pairs, for callers outside the primitives. */
export function rangePairs(list: RangeList): readonly (readonly [number, number])[] {
  const pairs: (readonly [number, number])[] = [];
  for (let i = 0; i < list.length; i += 2) pairs.push(Object.freeze([list[i]!, list[i + 1]!] as const));
  return Object.freeze(pairs);
}
