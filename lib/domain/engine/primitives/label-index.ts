/**
 * An inverted index from labels to items, so the engine can match thousands of selectors
 * against thousands of label sets without testing every pair.
 */
import type { Labels } from "../../model";
import type { CompiledSelector } from "./selectors";

const NOTHING = new Uint32Array(0);

/**
 * Answers "which items does this selector match?" from posting lists: per key (for Exists) and
 * per key=value (for matchLabels and In). Only the positive requirements can use them; NotIn
 * and DoesNotExist also match items without the key, so those are checked on the candidates
 * the positive ones leave, and a selector made only of them scans every item.
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
    const lists: Uint32Array[] = [];
    let negative = false;
    for (const { key, operator, values } of selector.requirements) {
      if (operator === "In") lists.push(this.withAnyValue(key, values));
      else if (operator === "Exists") lists.push(this.withKey.get(key) ?? NOTHING);
      else negative = true;
    }

    let candidates: Uint32Array;
    if (lists.length === 0) {
      candidates = allIndices(this.labels.length);
    } else {
      // Shortest first: every intersection is then at most as long as the shortest list.
      lists.sort((a, b) => a.length - b.length);
      candidates = lists[0]!;
      for (let i = 1; i < lists.length && candidates.length > 0; i++) candidates = intersect(candidates, lists[i]!);
    }
    if (negative) return candidates.filter((i) => selector.matches(this.labels[i]!));
    // Never hand out a posting list itself: the caller may write to the array.
    return candidates === lists[0] ? candidates.slice() : candidates;
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
function intersect(short: Uint32Array, long: Uint32Array): Uint32Array {
  if (short.length > long.length) [short, long] = [long, short];
  const out = new Uint32Array(short.length);
  let n = 0;
  if (short.length * 16 < long.length) {
    let low = 0;
    for (const value of short) {
      let high = long.length;
      while (low < high) {
        const mid = (low + high) >>> 1;
        if (long[mid]! < value) low = mid + 1;
        else high = mid;
      }
      if (low < long.length && long[low] === value) out[n++] = value;
    }
  } else {
    let j = 0;
    for (const value of short) {
      while (j < long.length && long[j]! < value) j++;
      if (j < long.length && long[j] === value) out[n++] = value;
    }
  }
  return out.subarray(0, n);
}
