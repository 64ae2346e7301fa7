/**
 * An inverted index from labels to items, so the engine can match thousands of selectors
 * against thousands of label sets without testing every pair.
 */
import type { Labels } from "../../model";
import type { CompiledSelector } from "./selectors";

const NOTHING = new Uint32Array(0);

/**
 * Answers "which items does this selector match?" from posting lists: per key (for Exists and
 * DoesNotExist) and per key=value (for matchLabels, In and NotIn). The positive requirements
 * (In, Exists) are intersected, shortest list first; the negative ones (NotIn, DoesNotExist)
 * then subtract the items they exclude, since they also match items without the key. Only a
 * selector made of negative requirements alone starts from every item.
 */
export class LabelIndex<T> {
  private readonly labels: readonly Labels[];
  private readonly withKey = new Map<string, Uint32Array>();
  private readonly withValue = new Map<string, Map<string, Uint32Array>>();

  constructor(items: readonly T[], labelsOf: (t: T) => Labels) {
    this.labels = items.map((item) => labelsOf(item));
    const keys = new Map<string, number[]>();
    const values = new Map<string, Map<string, number[]>>();
    this.labels.forEach((labels, i) => {
      for (const [key, value] of Object.entries(labels)) {
        pushTo(keys, key, i);
        let byValue = values.get(key);
        if (!byValue) values.set(key, (byValue = new Map()));
        pushTo(byValue, value, i);
      }
    });
    // Items are visited in order, so every posting list is already ascending.
    for (const [key, list] of keys) this.withKey.set(key, Uint32Array.from(list));
    for (const [key, byValue] of values) {
      this.withValue.set(key, new Map([...byValue].map(([value, list]) => [value, Uint32Array.from(list)])));
    }
  }

  get size(): number {
    return this.labels.length;
  }

  /** Indices (ascending) of the items the selector matches; exactly `items.filter(matches)`. */
  select(selector: CompiledSelector): Uint32Array {
    const included: Uint32Array[] = [];
    const excluded: Uint32Array[] = [];
    for (const { key, operator, values } of selector.requirements) {
      if (operator === "In") included.push(this.withAnyValue(key, values));
      else if (operator === "Exists") included.push(this.withKey.get(key) ?? NOTHING);
      else if (operator === "NotIn") excluded.push(this.withAnyValue(key, values));
      else excluded.push(this.withKey.get(key) ?? NOTHING);
    }

    let result: Uint32Array;
    if (included.length === 0) {
      result = allIndices(this.labels.length);
    } else {
      // Shortest first: every intermediate result is then at most as long as the shortest list.
      included.sort((a, b) => a.length - b.length);
      result = included[0]!;
      for (let i = 1; i < included.length && result.length > 0; i++) result = intersect(result, included[i]!);
    }
    for (const list of excluded) if (result.length > 0 && list.length > 0) result = subtract(result, list);
    // Never hand out a posting list itself: the caller may write to the array. Intersecting and
    // subtracting make new arrays, so a stored list can only come back as one of `included`.
    return included.includes(result) ? result.slice() : result;
  }

  /** Items whose label `key` has one of `values`: a union of disjoint posting lists. */
  private withAnyValue(key: string, values: readonly string[]): Uint32Array {
    const byValue = this.withValue.get(key);
    if (!byValue) return NOTHING;
    const lists = [...new Set(values)].map((v) => byValue.get(v)).filter((l) => l !== undefined);
    if (lists.length <= 1) return lists[0] ?? NOTHING;
    const out = new Uint32Array(lists.reduce((n, l) => n + l.length, 0));
    let at = 0;
    for (const list of lists) {
      out.set(list, at);
      at += list.length;
    }
    return out.sort(); // an item has one value per key, so the lists are disjoint
  }
}

function pushTo<K>(map: Map<K, number[]>, key: K, index: number): void {
  const list = map.get(key);
  if (list) list.push(index);
  else map.set(key, [index]);
}

function allIndices(n: number): Uint32Array {
  const out = new Uint32Array(n);
  for (let i = 0; i < n; i++) out[i] = i;
  return out;
}

/**
 * Ascending lists in, ascending list out. When one list is much shorter, each of its elements
 * is found in the other by a binary search that starts where the previous one ended.
 */
function intersect(a: Uint32Array, b: Uint32Array): Uint32Array {
  const [short, long] = a.length <= b.length ? [a, b] : [b, a];
  const out = new Uint32Array(short.length);
  let n = 0;
  const find = finder(long, short.length);
  for (const value of short) if (find(value)) out[n++] = value;
  return out.subarray(0, n);
}

/** The elements of `a` not in `b`, both ascending. */
function subtract(a: Uint32Array, b: Uint32Array): Uint32Array {
  const out = new Uint32Array(a.length);
  let n = 0;
  const find = finder(b, a.length);
  for (const value of a) if (!find(value)) out[n++] = value;
  return out.subarray(0, n);
}

/**
 * Membership in an ascending list for ascending queries: a moving pointer when there are about
 * as many queries as elements, a binary search from the last position when there are far fewer.
 */
function finder(list: Uint32Array, queries: number): (value: number) => boolean {
  let at = 0;
  if (queries * 16 < list.length) {
    return (value) => {
      let high = list.length;
      while (at < high) {
        const mid = (at + high) >>> 1;
        if (list[mid]! < value) at = mid + 1;
        else high = mid;
      }
      return at < list.length && list[at] === value;
    };
  }
  return (value) => {
    while (at < list.length && list[at]! < value) at++;
    return at < list.length && list[at] === value;
  };
}
