/**
 * Sets of IPv4 addresses, for NetworkPolicy `ipBlock` peers (`cidr` minus `except`).
 *
 * Addresses are uint32 values held in plain numbers (0 .. 2^32-1) and computed with arithmetic:
 * JavaScript's `<<` and `|` are signed 32-bit and would turn 128.0.0.0 negative.
 */
import {
  EMPTY_RANGES,
  intersectRanges,
  rangePairs,
  rangesEqual,
  rangesHave,
  subtractRanges,
  unionAllRanges,
  unionRanges,
  type RangeList,
} from "./ranges";

export const MAX_IPV4 = 2 ** 32 - 1;

export type CidrResult = { ok: true; start: number; end: number; version: 4 } | { ok: true; version: 6 } | { ok: false; error: string };

const EXAMPLE = "a CIDR looks like 10.0.0.0/16, or 10.0.0.1/32 for one address";

/**
 * Parses `ipBlock.cidr` (or an `except` entry) as strictly as the API server validates it.
 *
 * - IPv4 `a.b.c.d/n`: 0 <= n <= 32, octets 0-255 in decimal. Leading zeros (`010.0.0.0/8`) are
 *   refused, as Kubernetes' strict IP validation does (KEP-4858): older API servers read them
 *   as decimal where other tools read octal, so the block is ambiguous.
 * - Host bits may be set: `10.0.0.1/24` is accepted by Kubernetes and means the network
 *   10.0.0.0/24 (the API server only warns), so `start` is the network address.
 * - IPv6 CIDRs (`2001:db8::/32`, `::/0`) are valid and give `{ ok: true, version: 6 }`: the
 *   engine models IPv4 only and the caller says so. IPv4-mapped IPv6 (`::ffff:10.0.0.0/104`)
 *   is refused as strict validation does, since it is neither plainly IPv4 nor IPv6.
 * - Anything else, spaces included, gives a reason, e.g. `"10.0.0.0/33": prefix length must be 0-32`.
 */
export function parseCidr(text: string): CidrResult {
  const fail = (reason: string): CidrResult => ({ ok: false, error: `${JSON.stringify(text)}: ${reason}` });
  if (typeof text !== "string") return { ok: false, error: `expected a string such as "10.0.0.0/16", found ${typeof text}` };
  if (text === "") return fail(`must not be empty (${EXAMPLE})`);
  if (/\s/.test(text)) return fail("must not contain spaces");
  const slash = text.indexOf("/");
  if (slash < 0) return fail(`missing the prefix length (${EXAMPLE})`);
  const address = text.slice(0, slash);
  const prefixText = text.slice(slash + 1);

  if (address.includes(":")) {
    const groups = readIpv6(address);
    if (typeof groups === "string") return fail(groups);
    if (groups.slice(0, 5).every((g) => g === 0) && groups[5] === 0xffff) {
      return fail("must not be an IPv4-mapped IPv6 address (write the IPv4 CIDR instead)");
    }
    const prefix = readPrefix(prefixText, 128);
    return typeof prefix === "string" ? fail(prefix) : { ok: true, version: 6 };
  }

  const ip = readIpv4(address);
  if (typeof ip === "string") return fail(ip);
  const prefix = readPrefix(prefixText, 32);
  if (typeof prefix === "string") return fail(prefix);
  const size = 2 ** (32 - prefix);
  const start = ip - (ip % size);
  return { ok: true, start, end: start + size - 1, version: 4 };
}

/** `/n` with 0 <= n <= max, decimal without leading zeros (as Go's netip.ParsePrefix). */
function readPrefix(text: string, max: number): number | string {
  if (!/^(0|[1-9][0-9]*)$/.test(text) || Number(text) > max) return `prefix length must be 0-${max}`;
  return Number(text);
}

/** The address as a uint32, or why it is not a dotted-decimal IPv4 address. */
function readIpv4(text: string): number | string {
  const octets = text.split(".");
  if (octets.length !== 4) return `an IPv4 address has 4 octets separated by ".", found ${octets.length}`;
  let value = 0;
  for (const octet of octets) {
    if (!/^[0-9]+$/.test(octet)) return `octet ${JSON.stringify(octet)} is not a number 0-255`;
    if (octet.length > 1 && octet.startsWith("0")) {
      return `octet ${JSON.stringify(octet)} has a leading zero (ambiguous: octal or decimal)`;
    }
    if (octet.length > 3 || Number(octet) > 255) return `octet ${JSON.stringify(octet)} must be 0-255`;
    value = value * 256 + Number(octet);
  }
  return value;
}

/**
 * The eight 16-bit groups of an IPv6 address, or why it is not one. Accepts what Go's parser
 * accepts: 1-4 hex digits per group, one `::` standing for at least one zero group, and a
 * dotted IPv4 address as the last 32 bits. Zones (`%eth0`) are not part of a CIDR.
 */
function readIpv6(text: string): number[] | string {
  const invalid = "is not a valid IPv6 address";
  if (text.includes("%")) return "must not have an IPv6 zone (%...)";
  const gap = text.indexOf("::");
  if (gap >= 0 && text.indexOf("::", gap + 1) >= 0) return `${invalid} ("::" may appear only once)`;
  const head = gap < 0 ? text : text.slice(0, gap);
  const tail = gap < 0 ? "" : text.slice(gap + 2);
  const headGroups = readGroups(head, gap < 0);
  const tailGroups = readGroups(tail, true);
  if (headGroups === undefined || tailGroups === undefined) return invalid;
  const count = headGroups.length + tailGroups.length;
  if (gap < 0 ? count !== 8 : count > 7) return invalid;
  const zeros = new Array<number>(8 - count).fill(0);
  return [...headGroups, ...zeros, ...tailGroups];
}

/** Colon-separated hex groups; the last may be dotted IPv4 when it ends the address. */
function readGroups(text: string, endsAddress: boolean): number[] | undefined {
  if (text === "") return [];
  const parts = text.split(":");
  const groups: number[] = [];
  for (let i = 0; i < parts.length; i++) {
    const part = parts[i]!;
    if (endsAddress && i === parts.length - 1 && part.includes(".")) {
      const ip = readIpv4(part);
      if (typeof ip === "string") return undefined;
      groups.push(Math.floor(ip / 65536), ip % 65536);
    } else if (/^[0-9A-Fa-f]{1,4}$/.test(part)) {
      groups.push(parseInt(part, 16));
    } else {
      return undefined;
    }
  }
  return groups;
}

/** The uint32 of a dotted-decimal IPv4 address (strict, as in parseCidr), else undefined. */
export function parseIp(text: string): number | undefined {
  if (typeof text !== "string") return undefined;
  const value = readIpv4(text);
  return typeof value === "number" ? value : undefined;
}

/** `a.b.c.d` for a uint32. */
export function formatIp(n: number): string {
  if (!Number.isInteger(n) || n < 0 || n > MAX_IPV4) throw new RangeError(`not an IPv4 address: ${n}`);
  return `${Math.floor(n / 2 ** 24)}.${Math.floor(n / 2 ** 16) % 256}.${Math.floor(n / 2 ** 8) % 256}.${n % 256}`;
}

/** An immutable set of IPv4 addresses. */
export class IpSet {
  private static readonly ALL = new IpSet(Object.freeze([0, MAX_IPV4]));
  private static readonly NONE = new IpSet(EMPTY_RANGES);

  private constructor(private readonly list: RangeList) {}

  static all(): IpSet {
    return IpSet.ALL;
  }

  static none(): IpSet {
    return IpSet.NONE;
  }

  /** Addresses `start`..`end` inclusive; throws RangeError unless 0 <= start <= end <= 2^32-1. */
  static range(start: number, end: number): IpSet {
    if (!Number.isInteger(start) || !Number.isInteger(end) || start < 0 || end > MAX_IPV4 || start > end) {
      throw new RangeError(`invalid IPv4 range ${start}-${end}`);
    }
    return IpSet.make([start, end]);
  }

  /** The block of an IPv4 CIDR (host bits ignored, see parseCidr); throws RangeError on anything else, IPv6 included. */
  static cidr(text: string): IpSet {
    const parsed = parseCidr(text);
    if (!parsed.ok) throw new RangeError(parsed.error);
    if (parsed.version === 6) throw new RangeError(`${JSON.stringify(text)}: an IPv6 CIDR; Meshlens models IPv4 only`);
    return IpSet.range(parsed.start, parsed.end);
  }

  /**
   * The union of many sets in one pass. Prefer it to a loop of union() when collecting many
   * ranges: each union() copies the growing set, so a loop over n pieces is quadratic.
   */
  static unionAll(sets: Iterable<IpSet>): IpSet {
    return IpSet.make(unionAllRanges([...sets].map((s) => s.list)));
  }

  private static make(list: RangeList): IpSet {
    if (list.length === 0) return IpSet.NONE;
    if (rangesEqual(list, IpSet.ALL.list)) return IpSet.ALL;
    return new IpSet(list);
  }

  union(o: IpSet): IpSet {
    return IpSet.make(unionRanges(this.list, o.list));
  }

  intersect(o: IpSet): IpSet {
    return IpSet.make(intersectRanges(this.list, o.list));
  }

  /** The addresses of this set not in `o`: how `except` carves holes in `cidr`. */
  subtract(o: IpSet): IpSet {
    return IpSet.make(subtractRanges(this.list, o.list));
  }

  isEmpty(): boolean {
    return this.list.length === 0;
  }

  isAll(): boolean {
    return this === IpSet.ALL;
  }

  equals(o: IpSet): boolean {
    return rangesEqual(this.list, o.list);
  }

  contains(address: number): boolean {
    return rangesHave(this.list, address);
  }

  /** Sorted, disjoint, adjacent ranges merged. */
  ranges(): readonly (readonly [number, number])[] {
    return rangePairs(this.list);
  }

  /** np-guard's notation: every range as `first-last`, even a single address (`10.0.0.1-10.0.0.1`). */
  toRangeStrings(): string[] {
    const out: string[] = [];
    for (let i = 0; i < this.list.length; i += 2) out.push(`${formatIp(this.list[i]!)}-${formatIp(this.list[i + 1]!)}`);
    return out;
  }

  /** The ranges joined by ","; "" for the empty set. */
  toString(): string {
    return this.toRangeStrings().join(",");
  }
}
