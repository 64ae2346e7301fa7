/**
 * The little IP arithmetic AuthorizationPolicy needs: read the values of `ipBlocks`,
 * `remoteIpBlocks` and the `source.ip` / `remote.ip` / `destination.ip` conditions, and test
 * whether an address falls in one of them. Kept private to the authz files on purpose (the
 * shared IPv4 set algebra lives elsewhere); IPv6 is read too because Istio accepts it.
 *
 * Istio validates these values with Go's netip (pkg/config/security ValidateIPs): a value with
 * a `/` must parse as a prefix (netip.ParsePrefix: no zone, host bits may be set), any other
 * value as an address (netip.ParseAddr: no leading zeros in IPv4 octets, an IPv6 zone allowed).
 * A single address means that address only (/32 or /128).
 */

export interface IpAddress {
  family: 4 | 6;
  /** 4 or 16 bytes, network order. */
  bytes: number[];
}

export interface IpRange extends IpAddress {
  /** Number of leading bits that must match. */
  prefix: number;
}

const IPV4 = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/;
const HEX_GROUP = /^[0-9a-fA-F]{1,4}$/;
const DECIMAL = /^(0|[1-9]\d*)$/;

function parseIpv4(text: string): number[] | null {
  const match = IPV4.exec(text);
  if (!match) return null;
  const octets: number[] = [];
  for (const part of match.slice(1)) {
    // netip refuses leading zeros ("010" could be read as octal elsewhere).
    if (!DECIMAL.test(part)) return null;
    const value = Number(part);
    if (value > 255) return null;
    octets.push(value);
  }
  return octets;
}

function parseGroups(text: string): number[] | null {
  if (text === "") return [];
  const groups: number[] = [];
  for (const group of text.split(":")) {
    if (!HEX_GROUP.test(group)) return null;
    groups.push(Number.parseInt(group, 16));
  }
  return groups;
}

function parseIpv6(text: string): number[] | null {
  let body = text;
  let tail: number[] = [];
  // An IPv4 tail ("::ffff:10.0.0.1") stands for the last two groups.
  const lastColon = body.lastIndexOf(":");
  if (body.includes(".")) {
    const v4 = parseIpv4(body.slice(lastColon + 1));
    if (!v4 || lastColon < 0) return null;
    tail = [(v4[0]! << 8) | v4[1]!, (v4[2]! << 8) | v4[3]!];
    body = body.slice(0, lastColon + 1);
    // "::1.2.3.4" leaves "::", "a:b::1.2.3.4" leaves "a:b::", "1:2:3:4:5:6:1.2.3.4" leaves "...6:".
    if (body.endsWith(":") && !body.endsWith("::")) body = body.slice(0, -1);
  }
  const halves = body.split("::");
  if (halves.length > 2) return null;
  const head = parseGroups(halves[0]!);
  if (!head) return null;
  let groups: number[];
  if (halves.length === 2) {
    const rest = parseGroups(halves[1]!);
    if (!rest) return null;
    const missing = 8 - head.length - rest.length - tail.length;
    // "::" stands for at least one group of zeros.
    if (missing < 1) return null;
    groups = [...head, ...new Array<number>(missing).fill(0), ...rest, ...tail];
  } else {
    groups = [...head, ...tail];
    if (groups.length !== 8) return null;
  }
  return groups.flatMap((group) => [group >> 8, group & 0xff]);
}

/** Reads an IPv4 or IPv6 address (an IPv6 zone such as `%eth0` is accepted and ignored). */
export function parseIpAddress(text: string): IpAddress | null {
  const v4 = parseIpv4(text);
  if (v4) return { family: 4, bytes: v4 };
  if (!text.includes(":")) return null;
  const zone = text.indexOf("%");
  if (zone === text.length - 1) return null;
  const v6 = parseIpv6(zone >= 0 ? text.slice(0, zone) : text);
  return v6 ? { family: 6, bytes: v6 } : null;
}

/** Reads `a.b.c.d`, `a.b.c.d/n` or their IPv6 forms, as Istio's ValidateIPs accepts them. */
export function parseIpRange(text: string): IpRange | null {
  const slash = text.indexOf("/");
  if (slash < 0) {
    const address = parseIpAddress(text);
    return address ? { ...address, prefix: address.bytes.length * 8 } : null;
  }
  const addressText = text.slice(0, slash);
  const bitsText = text.slice(slash + 1);
  if (addressText.includes("%") || !DECIMAL.test(bitsText)) return null;
  const address = parseIpAddress(addressText);
  if (!address) return null;
  const prefix = Number(bitsText);
  if (prefix > address.bytes.length * 8) return null;
  return { ...address, prefix };
}

/** Whether the address is inside the range (never across families, as Envoy's CidrRange). */
export function rangeContains(range: IpRange, address: IpAddress): boolean {
  if (range.family !== address.family) return false;
  let bits = range.prefix;
  for (let i = 0; bits > 0; i += 1, bits -= 8) {
    const mask = bits >= 8 ? 0xff : (0xff << (8 - bits)) & 0xff;
    if ((range.bytes[i]! & mask) !== (address.bytes[i]! & mask)) return false;
  }
  return true;
}
