"use client";

import { useMemo } from "react";
import type { DiffMark, DiffOverlay } from "@/lib/domain/graph/overlay";
import { GraphView } from "../snapshots/[id]/graph-view";

/**
 * The newer snapshot's graph with what the diff found added or changed drawn as halos (the
 * legend says which is which). Removed workloads and vanished traffic are not in that graph:
 * the tables below list them.
 */
export function DiffGraph({ id, nodes, edges }: { id: string; nodes: [string, DiffMark][]; edges: [string, DiffMark][] }) {
  const overlay = useMemo<DiffOverlay>(() => ({ nodes: new Map(nodes), edges: new Map(edges) }), [nodes, edges]);
  return <GraphView id={id} overlay={overlay} />;
}
