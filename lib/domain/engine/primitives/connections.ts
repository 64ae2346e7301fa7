/**
 * Sets of connections, a connection being a (protocol, port) pair: what a NetworkPolicy rule's
 * `ports` allow, and what the engine finds allowed between two endpoints. Printed the way
 * np-guard (netpol-analyzer) prints them, so results can be compared with it line by line.
 */
import type { Protocol } from "../../model";
import {
  EMPTY_RANGES,
  intersectRanges,
  rangePairs,
  rangesCover,
  rangesEqual,
  rangesHave,
  subtractRanges,
  unionAllRanges,
  unionRanges,
  type RangeList,
} from "./ranges";

export type { Protocol } from "../../model";

/** The protocols a NetworkPolicy port can name, alphabetical: the order sets print in. */
export const PROTOCOLS: readonly Protocol[] = Object.freeze(["SCTP", "TCP", "UDP"] as const);

export const MIN_PORT = 1;
export const MAX_PORT = 65535;

const ALL_PORTS: RangeList = Object.freeze([MIN_PORT, MAX_PORT]);
const ALL_CONNECTIONS = "All Connections";
const NO_CONNECTIONS = "No Connections";

type PerProtocol = readonly [sctp: RangeList, tcp: RangeList, udp: RangeList];

function protocolIndex(protocol: Protocol): number {
  const index = PROTOCOLS.indexOf(protocol);
  if (index < 0) throw new RangeError(`unknown protocol ${JSON.stringify(protocol)} (must be SCTP, TCP or UDP)`);
  return index;
}

/** An immutable set of (protocol, port) connections. */
export class ConnectionSet {
  private static readonly ALL = new ConnectionSet([ALL_PORTS, ALL_PORTS, ALL_PORTS]);
  private static readonly NONE = new ConnectionSet([EMPTY_RANGES, EMPTY_RANGES, EMPTY_RANGES]);

  /** Filled on first use: the canonical string doubles as a Map key. */
  private text: string | undefined;

  private constructor(private readonly ports: PerProtocol) {}

  /** Every port 1-65535 of every protocol. */
  static all(): ConnectionSet {
    return ConnectionSet.ALL;
  }

  static none(): ConnectionSet {
    return ConnectionSet.NONE;
  }

  /**
   * Ports `from`-`to` (just `from` when `to` is omitted) of one protocol. Throws RangeError
   * unless 1 <= from <= to <= 65535: port 0 is not a valid NetworkPolicy port, and an `endPort`
   * below `port` is refused by the API server.
   */
  static of(protocol: Protocol, from: number, to: number = from): ConnectionSet {
    const index = protocolIndex(protocol);
    if (!Number.isInteger(from) || !Number.isInteger(to) || from < MIN_PORT || to > MAX_PORT || from > to) {
      throw new RangeError(`invalid port range ${from}-${to} (ports are integers 1-65535, start <= end)`);
    }
    return ConnectionSet.from(index, [from, to]);
  }

  /** Every port of one protocol. */
  static allOf(protocol: Protocol): ConnectionSet {
    return ConnectionSet.from(protocolIndex(protocol), ALL_PORTS);
  }

  /**
   * The union of many sets in one pass. Prefer it to a loop of union() when collecting many
   * pieces: each union() copies the growing set, so a loop over n pieces is quadratic.
   */
  static unionAll(sets: Iterable<ConnectionSet>): ConnectionSet {
    const all = [...sets];
    const merged = (i: number) => unionAllRanges(all.map((s) => s.ports[i]!));
    return ConnectionSet.make([merged(0), merged(1), merged(2)]);
  }

  private static from(index: number, list: RangeList): ConnectionSet {
    const ports: [RangeList, RangeList, RangeList] = [EMPTY_RANGES, EMPTY_RANGES, EMPTY_RANGES];
    ports[index] = list;
    return ConnectionSet.make(ports);
  }

  /** Returns the shared instances for the two extremes, so isAll/isEmpty stay cheap. */
  private static make(ports: PerProtocol): ConnectionSet {
    if (ports.every((list) => list.length === 0)) return ConnectionSet.NONE;
    if (ports.every((list) => rangesEqual(list, ALL_PORTS))) return ConnectionSet.ALL;
    return new ConnectionSet(ports);
  }

  private combine(other: ConnectionSet, op: (a: RangeList, b: RangeList) => RangeList): ConnectionSet {
    const [a0, a1, a2] = this.ports;
    const [b0, b1, b2] = other.ports;
    return ConnectionSet.make([op(a0, b0), op(a1, b1), op(a2, b2)]);
  }

  union(other: ConnectionSet): ConnectionSet {
    if (this === other || other === ConnectionSet.NONE || this === ConnectionSet.ALL) return this;
    if (this === ConnectionSet.NONE || other === ConnectionSet.ALL) return other;
    return this.combine(other, unionRanges);
  }

  intersect(other: ConnectionSet): ConnectionSet {
    if (this === other || other === ConnectionSet.ALL || this === ConnectionSet.NONE) return this;
    if (this === ConnectionSet.ALL || other === ConnectionSet.NONE) return other;
    return this.combine(other, intersectRanges);
  }

  /** The connections of this set that are not in `other`. */
  subtract(other: ConnectionSet): ConnectionSet {
    if (other === ConnectionSet.NONE || this === ConnectionSet.NONE) return this;
    if (this === other || other === ConnectionSet.ALL) return ConnectionSet.NONE;
    return this.combine(other, subtractRanges);
  }

  isEmpty(): boolean {
    return this === ConnectionSet.NONE;
  }

  isAll(): boolean {
    return this === ConnectionSet.ALL;
  }

  equals(other: ConnectionSet): boolean {
    return this === other || this.ports.every((list, i) => rangesEqual(list, other.ports[i]!));
  }

  /** Whether every connection of `other` is in this set. */
  contains(other: ConnectionSet): boolean {
    return this.ports.every((list, i) => rangesCover(list, other.ports[i]!));
  }

  has(protocol: Protocol, port: number): boolean {
    return rangesHave(this.ports[protocolIndex(protocol)]!, port);
  }

  /** The ports of one protocol: sorted, disjoint, adjacent ranges merged. */
  ranges(protocol: Protocol): readonly (readonly [number, number])[] {
    return rangePairs(this.ports[protocolIndex(protocol)]!);
  }

  /**
   * Canonical text, usable as a Map key: "All Connections", "No Connections", or groups such
   * as "TCP,UDP 53" or "TCP 80-81,8080-8090,UDP 53". As np-guard writes it: protocols
   * alphabetical, each followed by its port ranges ascending, and a protocol whose every port
   * is allowed written as its name alone.
   */
  toString(): string {
    this.text ??= this.format();
    return this.text;
  }

  private format(): string {
    if (this.isAll()) return ALL_CONNECTIONS;
    if (this.isEmpty()) return NO_CONNECTIONS;
    const groups: string[] = [];
    this.ports.forEach((list, i) => {
      if (list.length === 0) return;
      const protocol = PROTOCOLS[i]!;
      if (rangesEqual(list, ALL_PORTS)) {
        groups.push(protocol);
        return;
      }
      const parts: string[] = [];
      for (let k = 0; k < list.length; k += 2) {
        parts.push(list[k] === list[k + 1] ? `${list[k]}` : `${list[k]}-${list[k + 1]}`);
      }
      groups.push(`${protocol} ${parts.join(",")}`);
    });
    return groups.join(",");
  }
}

/**
 * Pair keys are `a * PAIR_KEY_BASE + b`; with ids below 2^26 every key is below 2^52, an exact
 * integer in a double.
 */
const PAIR_KEY_BASE = 2 ** 26;

/**
 * Gives each distinct ConnectionSet a small integer id and memoises union and intersection of
 * ids, so an engine can combine millions of cells (pairs of endpoints) with Map lookups
 * instead of range merges. Ids 0 (no connections) and 1 (all connections) are fixed.
 */
export class ConnectionSetInterner {
  static readonly NONE = 0;
  static readonly ALL = 1;

  private readonly sets: ConnectionSet[] = [ConnectionSet.none(), ConnectionSet.all()];
  private readonly ids = new Map<string, number>([
    [NO_CONNECTIONS, ConnectionSetInterner.NONE],
    [ALL_CONNECTIONS, ConnectionSetInterner.ALL],
  ]);
  private readonly unions = new Map<number, number>();
  private readonly intersections = new Map<number, number>();

  /** How many distinct sets have ids. */
  get size(): number {
    return this.sets.length;
  }

  /** The id of `set`, the same for every equal set. */
  id(set: ConnectionSet): number {
    const key = set.toString();
    const known = this.ids.get(key);
    if (known !== undefined) return known;
    const id = this.sets.length;
    if (id >= PAIR_KEY_BASE) throw new RangeError(`more than ${PAIR_KEY_BASE} distinct connection sets`);
    this.sets.push(set);
    this.ids.set(key, id);
    return id;
  }

  get(id: number): ConnectionSet {
    const set = this.sets[id];
    if (set === undefined) throw new RangeError(`unknown connection set id ${id}`);
    return set;
  }

  union(a: number, b: number): number {
    this.check(a, b);
    if (a === b || b === ConnectionSetInterner.NONE || a === ConnectionSetInterner.ALL) return a;
    if (a === ConnectionSetInterner.NONE || b === ConnectionSetInterner.ALL) return b;
    return this.memo(this.unions, a, b, (x, y) => x.union(y));
  }

  intersect(a: number, b: number): number {
    this.check(a, b);
    if (a === b || b === ConnectionSetInterner.ALL || a === ConnectionSetInterner.NONE) return a;
    if (a === ConnectionSetInterner.ALL || b === ConnectionSetInterner.NONE) return b;
    return this.memo(this.intersections, a, b, (x, y) => x.intersect(y));
  }

  /** The shortcuts above would otherwise let an unknown id through. */
  private check(a: number, b: number): void {
    this.get(a);
    this.get(b);
  }

  /** Both operations are commutative, so (a, b) and (b, a) share one entry. */
  private memo(
    cache: Map<number, number>,
    a: number,
    b: number,
    op: (x: ConnectionSet, y: ConnectionSet) => ConnectionSet,
  ): number {
    const key = a < b ? a * PAIR_KEY_BASE + b : b * PAIR_KEY_BASE + a;
    const cached = cache.get(key);
    if (cached !== undefined) return cached;
    const result = this.id(op(this.get(a), this.get(b)));
    cache.set(key, result);
    return result;
  }
}
