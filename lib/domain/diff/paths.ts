/**
 * Allowed paths gained, lost and changed: what the engine (NetworkPolicies, then Istio) lets each
 * source workload reach, in each snapshot, compared source by source.
 *
 * A 5,000-workload snapshot can allow millions of pairs, so nothing holds them all: per source,
 * the engine's peer groups (destinations sharing one set of connections) are compared through
 * two arrays indexed by head workload, and only the first `limit` items of each list are built;
 * every pair is counted. Connection sets are compared by their canonical text
 * (`ConnectionSet.toString()`), interned to numbers.
 */
import { externalLines } from "../engine/connectivity";
import { analyzeMesh } from "../engine/mesh";
import { compare } from "../manifests/sort";
import type { Snapshot } from "../model";
import { BoundedList, type PathItem, type SnapshotDiff } from "./model";

export function diffPaths(base: Snapshot, head: Snapshot, limit: number): SnapshotDiff["paths"] {
  const before = analyzeMesh(base);
  const after = analyzeMesh(head);
  const baseIndex = new Map(base.workloads.map((w, i) => [w.id, i]));
  const headIndex = new Map(head.workloads.map((w, i) => [w.id, i]));
  const baseToHead = Int32Array.from(base.workloads, (w) => headIndex.get(w.id) ?? -1);
  const newInHead = Uint8Array.from(head.workloads, (w) => (baseIndex.has(w.id) ? 0 : 1));

  const texts = new Map<string, number>();
  const textOf: string[] = [];
  const intern = (text: string) => {
    let id = texts.get(text);
    if (id === undefined) {
      texts.set(text, (id = textOf.length));
      textOf.push(text);
    }
    return id;
  };
  /** For the current source: per head destination, its connections' text id (-1: none) and whether the base had it. */
  const headConnections = new Int32Array(head.workloads.length).fill(-1);
  const matched = new Uint8Array(head.workloads.length);

  const gained = new BoundedList<PathItem>(limit);
  const lost = new BoundedList<PathItem>(limit);
  const changed = new BoundedList<PathItem>(limit);
  const ids = [...new Set([...baseIndex.keys(), ...headIndex.keys()])].sort(compare);
  for (const id of ids) {
    const s = { base: baseIndex.get(id), head: headIndex.get(id) };
    const endpointOnlyOneSide = s.base === undefined || s.head === undefined;
    const batch = { gained: [] as PathItem[], lost: [] as PathItem[], changed: [] as PathItem[] };
    // The engine's answers without copies: each lists the source itself, skipped here.
    const headGroups = s.head === undefined ? [] : after.peerGroupsOf(s.head, { remember: false });
    const baseGroups = s.base === undefined ? [] : before.peerGroupsOf(s.base, { remember: false });
    for (const group of headGroups) {
      const text = intern(group.connections.toString());
      for (const d of group.destinations) if (d !== s.head) headConnections[d] = text;
    }
    for (const group of baseGroups) {
      const text = intern(group.connections.toString());
      for (const b of group.destinations) {
        if (b === s.base) continue;
        const d = baseToHead[b]!;
        const now = d < 0 ? -1 : headConnections[d]!;
        if (d >= 0) matched[d] = 1;
        if (now === text) continue;
        const destination = base.workloads[b]!.id;
        if (now < 0) {
          if (lost.full) lost.count();
          else batch.lost.push(path(id, destination, textOf[text]!, endpointOnlyOneSide || d < 0));
        } else if (changed.full) changed.count();
        else batch.changed.push({ ...path(id, destination, textOf[now]!, false), before: textOf[text]! });
      }
    }
    for (const group of headGroups) {
      for (const d of group.destinations) {
        if (d === s.head) continue;
        if (matched[d] === 0) {
          if (gained.full) gained.count();
          else batch.gained.push(path(id, head.workloads[d]!.id, textOf[headConnections[d]!]!, endpointOnlyOneSide || newInHead[d] === 1));
        }
        headConnections[d] = -1;
        matched[d] = 0;
      }
    }
    // Destinations the base allowed and the head does not were marked too: clear them.
    for (const group of baseGroups) for (const b of group.destinations) if (baseToHead[b]! >= 0) matched[baseToHead[b]!] = 0;

    compareExternal(
      s.base === undefined ? [] : externalLines(before, s.base),
      s.head === undefined ? [] : externalLines(after, s.head),
      endpointOnlyOneSide,
      batch,
    );
    for (const [list, items] of [[gained, batch.gained], [lost, batch.lost], [changed, batch.changed]] as const) {
      for (const item of items.sort(byEnds)) list.push(item);
    }
  }
  return { gained: gained.toJSON(), lost: lost.toJSON(), changed: changed.toJSON() };
}

const path = (source: string, destination: string, connections: string, endpointChanged: boolean): PathItem => ({
  source,
  destination,
  connections,
  ...(endpointChanged ? { endpointChanged } : {}),
});

const byEnds = (a: PathItem, b: PathItem) => compare(a.source, b.source) || compare(a.destination, b.destination);

/** One workload's lines to and from outside, before and after, by their two ends. */
function compareExternal(
  baseLines: ReturnType<typeof externalLines>,
  headLines: ReturnType<typeof externalLines>,
  endpointChanged: boolean,
  batch: Record<"gained" | "lost" | "changed", PathItem[]>,
): void {
  const key = (l: { src: string; dst: string }) => `${l.src}>${l.dst}`;
  const now = new Map(headLines.map((l) => [key(l), l.conn]));
  const was = new Map(baseLines.map((l) => [key(l), l.conn]));
  for (const l of baseLines) {
    const conn = now.get(key(l));
    if (conn === undefined) batch.lost.push(path(l.src, l.dst, l.conn, endpointChanged));
    else if (conn !== l.conn) batch.changed.push({ ...path(l.src, l.dst, conn, false), before: l.conn });
  }
  for (const l of headLines) if (!was.has(key(l))) batch.gained.push(path(l.src, l.dst, l.conn, endpointChanged));
}
