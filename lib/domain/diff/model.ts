/**
 * What changed between two snapshots of one cluster: the result of `diffSnapshots`. Plain JSON
 * (the API sends it as is). Every string in it comes from the cluster and is hostile: render as
 * text, never as HTML.
 */
import type { FindingKind, Severity, WorkloadKind } from "../model";

/** How many items each list keeps by default; `total` always counts them all. */
export const DEFAULT_DIFF_LIMIT = 1000;

/** A list cut at the diff's `limit`: `items` are the first ones in order, `total` counts all. */
export interface Bounded<T> {
  total: number;
  items: T[];
}

/** The two sides, as the diff saw them. */
export interface DiffSide {
  name: string;
  cluster: string;
  capturedAt: string;
}

export interface WorkloadItem {
  id: string;
  namespace: string;
  kind: WorkloadKind;
  sidecar: boolean;
}

/** One field of a workload that differs, written as text for people: only what differs. */
export interface FieldChange {
  field: "labels" | "serviceAccount" | "sidecar" | "ports" | "hostNetwork";
  before: string;
  after: string;
}

export interface WorkloadChange extends WorkloadItem {
  changes: FieldChange[];
}

export interface PolicyItem {
  /** `namespace/name[Kind]` */
  id: string;
  kind: string;
  namespace: string;
  name: string;
  /**
   * A unified line diff of the object's YAML (keys sorted; server-kept metadata such as
   * resourceVersion and status left out). For an added or removed policy, every line is added or
   * removed.
   */
  diff: string;
  /** Lines added and removed by `diff`. */
  added: number;
  removed: number;
}

/**
 * A path the policies allow: a source workload to a destination workload, or to or from
 * addresses outside the cluster (`a.b.c.d-e.f.g.h[External]`, as `meshlens connectivity` prints).
 */
export interface PathItem {
  source: string;
  destination: string;
  /** What may connect, e.g. `TCP 8080` or `All Connections`; for a lost path, what it was. */
  connections: string;
  /** A changed path: what was allowed before. */
  before?: string;
  /** The source or destination is in only one snapshot (added or removed): that alone explains the path. */
  endpointChanged?: boolean;
}

/** How observed traffic between two peers travelled (see `observedEncryption`). */
export type ObservedEncryption = "mtls" | "plaintext" | "mixed" | "unknown";

/** Observed traffic between two peers (graph node ids), all its edges together. */
export interface EdgeItem {
  source: string;
  destination: string;
  protocols: string[];
  requests: number;
  bytes: number;
  connections: number;
  encryption: ObservedEncryption;
  /** Share (0..1) of requests and connections that were mTLS, or null when no destination proxy reported. */
  mtlsShare: number | null;
}

export interface EncryptionChange {
  source: string;
  destination: string;
  before: ObservedEncryption;
  after: ObservedEncryption;
  mtlsShareBefore: number | null;
  mtlsShareAfter: number | null;
}

export interface FindingItem {
  id: string;
  kind: FindingKind;
  severity: Severity;
  title: string;
  subjects: string[];
  /** An unchanged finding whose severity moved: what it was. */
  severityBefore?: Severity;
}

export interface SnapshotDiff {
  base: DiffSide;
  head: DiffSide;
  /** The most items any list holds; `total` counts all (millions of paths can change at once). */
  limit: number;
  workloads: { added: Bounded<WorkloadItem>; removed: Bounded<WorkloadItem>; changed: Bounded<WorkloadChange> };
  policies: { added: Bounded<PolicyItem>; removed: Bounded<PolicyItem>; changed: Bounded<PolicyItem> };
  /** Allowed paths (the engine: NetworkPolicies, then Istio), by source and destination. */
  paths: { gained: Bounded<PathItem>; lost: Bounded<PathItem>; changed: Bounded<PathItem> };
  /** Observed traffic, by source and destination peer. */
  edges: {
    appeared: Bounded<EdgeItem>;
    disappeared: Bounded<EdgeItem>;
    encryptionChanged: Bounded<EncryptionChange>;
    /** Peers that are not workloads (external hosts, unmatched, unknown) seen only in the head, or only in the base. */
    peersAdded: string[];
    peersRemoved: string[];
  };
  findings: { introduced: Bounded<FindingItem>; resolved: Bounded<FindingItem>; unchanged: Bounded<FindingItem> };
}

/** Collects items up to a limit while counting all of them. */
export class BoundedList<T> {
  total = 0;
  readonly items: T[] = [];
  constructor(private readonly limit: number) {}

  push(item: T): void {
    this.total += 1;
    if (this.items.length < this.limit) this.items.push(item);
  }

  /** Whether another item would still be kept (so callers can skip building it). */
  get full(): boolean {
    return this.items.length >= this.limit;
  }

  /** Counts an item without building it (the list is full). */
  count(n = 1): void {
    this.total += n;
  }

  toJSON(): Bounded<T> {
    return { total: this.total, items: this.items };
  }
}

/** The first `limit` of `items` (already in order), with their total. */
export function bounded<T>(items: readonly T[], limit: number): Bounded<T> {
  return { total: items.length, items: items.slice(0, limit) };
}
