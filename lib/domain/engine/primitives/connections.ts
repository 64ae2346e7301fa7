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
 * Remembers intersections by the identity of the sets: for loops that meet the same few sets
 * over and over (one workload against thousands of peers), each distinct pair is merged once.
 * Sets are immutable, so a remembered result stays right.
 */
export class IntersectionCache {
  private readonly memo = new Map<ConnectionSet, Map<ConnectionSet, ConnectionSet>>();

  intersect(a: ConnectionSet, b: ConnectionSet): ConnectionSet {
    if (a === b || b.isAll() || a.isEmpty()) return a;
    if (a.isAll() || b.isEmpty()) return b;
    let row = this.memo.get(a);
    if (!row) this.memo.set(a, (row = new Map()));
    let result = row.get(b);
    if (!result) row.set(b, (result = a.intersect(b)));
    return result;
  }
}
