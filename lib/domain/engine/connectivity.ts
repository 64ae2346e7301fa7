/**
 * The allowed connections as a sorted list, in the notation np-guard's `list` command prints so
 * results can be compared with it: `SRC => DST : CONN`, a workload as `namespace/name[Kind]`,
 * an outside peer as an IPv4 range `a.b.c.d-e.f.g.h[External]`, CONN as `All Connections` or
 * groups like `TCP 80,443,8080-8090,UDP 53`. Self-connections are not listed.
 */
import type { PolicyIssue } from "./issues";
import type { HttpAlternative } from "./istio/authz";
import { isExternal, type WorkloadEgress } from "./istio/egress";
import { analyzeMesh, type MeshAnalysis, type MeshInput, type PortGroup } from "./mesh";
import type { Because, ExternalSegment } from "./network-policy/evaluate";

export interface ConnectionLine {
  src: string;
  dst: string;
  conn: string;
  /** The NetworkPolicy rules that allowed it, per direction, or "not isolated"; the AuthorizationPolicy rules. */
  allowedBy: { ingress: string[] | "not isolated"; egress: string[] | "not isolated"; authorization?: string[] };
  /** How the traffic travels: "mtls", "plaintext" (incl. what Istio does not capture), "tls" (app TLS), or "mixed" across ports. */
  mtls?: "mtls" | "plaintext" | "tls" | "mixed";
  /** When AuthorizationPolicies admit only some HTTP requests: the admitted alternatives. */
  http?: HttpAlternative[];
  /** Ports admitted only under conditions a snapshot cannot check (JWT, headers, pod IPs, CUSTOM). */
  conditional?: { conn: string; reason: string }[];
  /** Ports the NetworkPolicies allow but Istio refuses (TLS mismatch, AuthorizationPolicy DENY). */
  refused?: { conn: string; reason: string }[];
  /** On a workload's lines to the outside: which external hosts its sidecar lets it reach. */
  throughMesh?: MeshEgress;
}

/**
 * What a workload's sidecar lets out, by host name (NetworkPolicies, above, decide by address;
 * both apply). The sidecar only captures TCP: UDP and SCTP are not held back by it.
 */
export interface MeshEgress {
  /** false: no sidecar, so the mesh does not restrict its egress at all. */
  sidecar: boolean;
  /** The effective outbound traffic policy and what set it (a Sidecar, the mesh config, or null: Istio's default). */
  outboundTrafficPolicy: "ALLOW_ANY" | "REGISTRY_ONLY";
  setBy: string | null;
  /** Any host name is reachable (ALLOW_ANY passthrough, or no sidecar); otherwise only `hosts`. */
  anyHost: boolean;
  /** ServiceEntry hosts outside the mesh visible to it, as `host:port/PROTOCOL,...`, and the entry declaring each. */
  hosts: { host: string; ports: string; declaredBy: string }[];
}

export interface ConnectivityOptions {
  /** Only connections from or to this workload (`namespace/name[Kind]`). */
  focus?: string;
}

export interface ConnectivityReport {
  connections: ConnectionLine[];
  issues: PolicyIssue[];
}

export function computeConnectivity(input: MeshInput, options: ConnectivityOptions = {}): ConnectivityReport {
  const analysis = analyzeMesh(input);
  return { connections: listConnections(analysis, options), issues: [...analysis.issues] };
}

const external = (range: string) => `${range}[External]`;
const refs = (because: Because) => (because === "not isolated" ? because : because.map((r) => `${r.policy} ${r.direction} rule ${r.index}`));

export function listConnections(analysis: MeshAnalysis, options: ConnectivityOptions = {}): ConnectionLine[] {
  const { workloads } = analysis.networkPolicies;
  const indices = workloads.map((_, i) => i);
  const focus = options.focus === undefined ? null : workloads.findIndex((w) => w.id === options.focus);
  if (focus === -1) throw new RangeError(`No workload ${options.focus} in the input.`);
  const involves = (i: number) => focus === null || i === focus;
  const lines: ConnectionLine[] = [];

  for (const s of indices) {
    for (const d of indices) {
      if (s === d || !(involves(s) || involves(d))) continue;
      const verdict = analysis.between(s, d);
      if (verdict.connections.isEmpty()) continue;
      const np = verdict.networkPolicy;
      lines.push({
        src: workloads[s]!.id,
        dst: workloads[d]!.id,
        conn: verdict.connections.toString(),
        allowedBy: { ingress: refs(np.ingress.because), egress: refs(np.egress.because), ...authorizationRefs(verdict.groups) },
        ...istioFields(verdict.groups, verdict.refused),
      });
    }
  }
  for (const i of indices) {
    if (!involves(i)) continue;
    const id = workloads[i]!.id;
    const throughMesh = meshEgress(analysis.egress.get(id)!);
    for (const { by, ...line } of externalLines(analysis, i)) {
      if (line.src === id) lines.push({ ...line, allowedBy: { ingress: "not isolated", egress: by }, throughMesh });
      else lines.push({ ...line, allowedBy: { ingress: by, egress: "not isolated" } });
    }
  }
  return lines.sort((a, b) => compare(a.src, b.src) || compare(a.dst, b.dst));
}

/**
 * One workload's lines to and from addresses outside the cluster: what its NetworkPolicies let
 * out, and what reaches it from outside through NetworkPolicies and Istio; adjacent ranges with
 * the same connections merged. `by`: the NetworkPolicy rules of the workload's side.
 */
export function externalLines(analysis: MeshAnalysis, i: number): { src: string; dst: string; conn: string; by: string[] | "not isolated" }[] {
  const id = analysis.networkPolicies.workloads[i]!.id;
  const lines: { src: string; dst: string; conn: string; by: string[] | "not isolated" }[] = [];
  for (const segment of mergeForPrinting(analysis.networkPolicies.toExternal(i))) {
    for (const range of segment.ranges) lines.push({ src: id, dst: external(range), conn: segment.conn, by: segment.by });
  }
  const fromOutside = analysis
    .fromExternal(i)
    .filter((v) => !v.connections.isEmpty())
    .map((v) => ({ ...v.networkPolicy, connections: v.connections }));
  for (const segment of mergeForPrinting(fromOutside)) {
    for (const range of segment.ranges) lines.push({ src: external(range), dst: id, conn: segment.conn, by: segment.by });
  }
  return lines;
}

function meshEgress(egress: WorkloadEgress): MeshEgress {
  return {
    sidecar: egress.throughMesh,
    outboundTrafficPolicy: egress.outboundTrafficPolicy.mode,
    setBy: egress.outboundTrafficPolicy.setBy,
    anyHost: egress.anyHost,
    hosts: egress.declaredHosts.filter(isExternal).map((h) => ({
      host: h.host,
      ports: h.ports.map((p) => `${p.number}${p.protocol ? `/${p.protocol}` : ""}`).join(","),
      declaredBy: h.declaredBy ?? "",
    })),
  };
}

function authorizationRefs(groups: PortGroup[]): { authorization?: string[] } {
  const ids = [...new Set(groups.flatMap((g) => g.allowedBy))].sort();
  return ids.length ? { authorization: ids } : {};
}

/** The Istio part of a line: encryption, HTTP constraints, conditional and refused ports. */
function istioFields(groups: PortGroup[], refused: { connections: { toString(): string }; reason: string }[]): Partial<ConnectionLine> {
  const kinds = new Set(groups.map((g) => (g.encryption === "not captured" ? "plaintext" : g.encryption)));
  const fields: Partial<ConnectionLine> = {};
  if (kinds.size === 1) fields.mtls = [...kinds][0] as ConnectionLine["mtls"];
  else if (kinds.size > 1) fields.mtls = "mixed";
  const http = groups.flatMap((g) => g.http?.alternatives ?? []);
  if (http.length) fields.http = http;
  const conditional = groups.filter((g) => g.authorization === "conditional").map((g) => ({ conn: g.connections.toString(), reason: g.reason }));
  if (conditional.length) fields.conditional = conditional;
  if (refused.length) fields.refused = refused.map((r) => ({ conn: r.connections.toString(), reason: r.reason }));
  return fields;
}

const compare = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/** Adjacent ranges allowing the same connections print as one range. */
function mergeForPrinting(segments: ExternalSegment[]): { ranges: string[]; conn: string; by: string[] | "not isolated" }[] {
  const merged: { ips: ExternalSegment["ips"]; conn: string; by: Set<string> | "not isolated" }[] = [];
  for (const segment of segments) {
    const conn = segment.connections.toString();
    const by = refs(segment.because);
    const last = merged.at(-1);
    const lastEnd = last?.ips.ranges().at(-1)?.[1];
    const start = segment.ips.ranges()[0]?.[0];
    if (last && last.conn === conn && lastEnd !== undefined && start === lastEnd + 1 && (by === "not isolated") === (last.by === "not isolated")) {
      last.ips = last.ips.union(segment.ips);
      if (last.by !== "not isolated" && by !== "not isolated") for (const r of by) last.by.add(r);
    } else {
      merged.push({ ips: segment.ips, conn, by: by === "not isolated" ? by : new Set(by) });
    }
  }
  return merged.map((m) => ({ ranges: m.ips.toRangeStrings(), conn: m.conn, by: m.by === "not isolated" ? m.by : [...m.by] }));
}

/** np-guard's text form: one `SRC => DST : CONN` line per connection. */
export function formatConnectionsText(lines: readonly ConnectionLine[]): string {
  return lines.map((l) => `${l.src} => ${l.dst} : ${l.conn}`).join("\n");
}
