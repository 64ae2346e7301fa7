"use client";

import { useState, type ReactNode } from "react";
import { formatBytes, formatCount, formatShare, plural } from "@/components/format";
import { EDGE_STYLES } from "@/components/graph/draw";
import { LabelChips } from "@/components/label-chips";
import type { GraphEdge, GraphNode } from "@/lib/domain/graph/model";
import type { FindingRow, WorkloadRow } from "@/lib/domain/snapshot/view";

export type GraphSelectionItem =
  | { kind: "node"; node: GraphNode; workload: WorkloadRow | undefined; findings: FindingRow[] }
  | { kind: "edge"; edge: GraphEdge; source: string; target: string; findings: FindingRow[]; memberStates?: GraphEdge["state"][] };

const KIND_TEXT: Record<GraphNode["kind"], string> = {
  workload: "Workload",
  external: "External host",
  unknown: "Unknown source",
  unmatched: "Workload not in the topology",
  namespace: "Collapsed namespace",
};

function Facts({ rows }: { rows: [string, ReactNode][] }) {
  return (
    <dl className="graph-facts">
      {rows.map(([term, value]) => (
        <div key={term}>
          <dt>{term}</dt>
          <dd>{value}</dd>
        </div>
      ))}
    </dl>
  );
}

function GraphFinding({ finding }: { finding: FindingRow }) {
  const [copied, setCopied] = useState(false);
  const yaml = finding.remediation.yaml;
  return (
    <li>
      <p>
        <span className={`severity severity-${finding.severity}`}>{finding.severity}</span> <span className="cell-name">{finding.title}</span>
      </p>
      <p>
        <strong>Fix:</strong> {finding.remediation.summary}
      </p>
      {yaml && (
        <>
          <button type="button" className="button" onClick={() => void navigator.clipboard?.writeText(yaml).then(() => setCopied(true))}>
            {copied ? "Copied" : "Copy YAML"}
          </button>
          <pre className="yaml" role="region" tabIndex={0} aria-label={`Remediation of ${finding.id}`}>
            {yaml}
          </pre>
        </>
      )}
    </li>
  );
}

function Findings({ findings }: { findings: FindingRow[] }) {
  if (findings.length === 0) return <p className="muted">No findings.</p>;
  return (
    <>
      <h4>{plural(findings.length, "finding")}</h4>
      <ul className="graph-findings">
        {findings.map((f) => (
          <GraphFinding key={f.id} finding={f} />
        ))}
      </ul>
    </>
  );
}

/** How many merged edges were in each state: "2 mTLS, 1 Plaintext". */
function stateBreakdown(states: readonly GraphEdge["state"][]): string {
  const counts = new Map<GraphEdge["state"], number>();
  for (const s of states) counts.set(s, (counts.get(s) ?? 0) + 1);
  return [...counts].map(([s, n]) => `${formatCount(n)} ${EDGE_STYLES[s].label}`).join(", ");
}

/**
 * The side panel's content: what is selected on the graph, its facts and its findings. `actions`
 * (expand, focus, zoom...) go under the title.
 */
export function GraphSelection({ item, actions, onClear }: { item: GraphSelectionItem | null; actions?: ReactNode; onClear: () => void }) {
  if (!item) {
    return <p className="muted">Select a node or an edge (click it, or focus the graph and use the arrow keys and Enter) to see its details here.</p>;
  }
  const clear = (
    <button type="button" className="button" onClick={onClear}>
      Clear selection
    </button>
  );
  if (item.kind === "node" && item.node.kind === "namespace") {
    const { node } = item;
    return (
      <>
        <h3 className="graph-selection-title">Namespace {node.label}</h3>
        {actions}
        <Facts rows={[["Kind", KIND_TEXT.namespace], ["Nodes inside", formatCount(node.members ?? 0)]]} />
        <Findings findings={item.findings} />
        {clear}
      </>
    );
  }
  if (item.kind === "node") {
    const { node, workload } = item;
    return (
      <>
        <h3 className="graph-selection-title">{node.label}</h3>
        {actions}
        <Facts
          rows={[
            ["Kind", workload ? `${KIND_TEXT[node.kind]} (${workload.kind})` : KIND_TEXT[node.kind]],
            ["Namespace", node.namespace ?? "–"],
            ["Sidecar", node.sidecar === null ? "–" : node.sidecar ? "yes" : "no"],
            ...(workload
              ? ([
                  ["Service account", workload.serviceAccount],
                  ["Labels", <LabelChips key="labels" labels={workload.labels} />],
                ] satisfies [string, ReactNode][])
              : []),
          ]}
        />
        <Findings findings={item.findings} />
        {clear}
      </>
    );
  }
  const { edge } = item;
  const traffic: [string, ReactNode][] =
    edge.layer === "allowed"
      ? [["Traffic", "none in the window: a policy allows this path, nobody used it"]]
      : [
          ["Protocols", edge.protocols.join(", ") || "–"],
          ["Requests", formatCount(edge.requests)],
          ["Bytes", formatBytes(edge.bytes)],
          ["Connections", formatCount(edge.connections)],
          ["mTLS share", formatShare(edge.mtlsShare)],
        ];
  const merged: [string, ReactNode][] = item.memberStates ? [["Edges merged", `${formatCount(item.memberStates.length)}: ${stateBreakdown(item.memberStates)}`]] : [];
  return (
    <>
      <h3 className="graph-selection-title">
        {item.source} → {item.target}
      </h3>
      {actions}
      <Facts rows={[["State", EDGE_STYLES[edge.state].label], ...merged, ...traffic]} />
      <Findings findings={item.findings} />
      {clear}
    </>
  );
}
