"use client";

import { DataTable, type Column } from "@/components/data-table";
import { formatCount } from "@/components/format";
import { LabelChips, labelText } from "@/components/label-chips";
import type { WorkloadRow } from "@/lib/domain/snapshot/view";

const columns: Column<WorkloadRow>[] = [
  { id: "name", header: "Name", sortValue: (w) => w.name, cell: (w) => <span className="cell-name">{w.name}</span> },
  { id: "namespace", header: "Namespace", sortValue: (w) => w.namespace, cell: (w) => w.namespace },
  { id: "kind", header: "Kind", sortValue: (w) => w.kind, cell: (w) => w.kind },
  { id: "labels", header: "Labels", cell: (w) => <LabelChips labels={w.labels} /> },
  { id: "serviceAccount", header: "Service account", sortValue: (w) => w.serviceAccount, cell: (w) => w.serviceAccount },
  { id: "ports", header: "Ports", cell: (w) => <span className="cell-mono">{w.ports.join(", ") || "–"}</span> },
  { id: "pods", header: "Pods", align: "end", sortValue: (w) => w.pods, cell: (w) => formatCount(w.pods) },
  {
    id: "sidecar",
    header: "Sidecar",
    sortValue: (w) => w.sidecar,
    cell: (w) => (
      <span className={w.sidecar ? "pill pill-yes" : "pill pill-no"} title={w.sidecarReason}>
        {w.sidecar ? "yes" : "no"}
      </span>
    ),
  },
];

const searchText = (w: WorkloadRow) => `${w.name} ${w.namespace} ${w.kind} ${w.serviceAccount} ${labelText(w.labels)}`;
const rowKey = (w: WorkloadRow) => w.id;
const namespaceOf = (w: WorkloadRow) => w.namespace;

export function WorkloadsTable({ rows }: { rows: WorkloadRow[] }) {
  return (
    <DataTable
      label="Workloads"
      rows={rows}
      columns={columns}
      rowKey={rowKey}
      searchText={searchText}
      namespaceOf={namespaceOf}
      initialSort={{ column: "namespace", direction: "ascending" }}
    />
  );
}
