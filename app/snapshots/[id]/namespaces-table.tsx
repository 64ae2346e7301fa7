"use client";

import { DataTable, type Column } from "@/components/data-table";
import { formatCount } from "@/components/format";
import { LabelChips, labelText } from "@/components/label-chips";
import type { NamespaceRow } from "@/lib/domain/snapshot/view";

const columns: Column<NamespaceRow>[] = [
  {
    id: "name",
    header: "Name",
    sortValue: (n) => n.name,
    cell: (n) => (
      <>
        <span className="cell-name">{n.name}</span>
        {!n.declared && (
          <>
            {" "}
            <span className="pill pill-no" title="Only referenced by other objects: the input has no Namespace object for it.">
              not declared
            </span>
          </>
        )}
      </>
    ),
  },
  { id: "labels", header: "Labels", cell: (n) => <LabelChips labels={n.labels} /> },
  { id: "workloads", header: "Workloads", align: "end", sortValue: (n) => n.workloads, cell: (n) => formatCount(n.workloads) },
  { id: "services", header: "Services", align: "end", sortValue: (n) => n.services, cell: (n) => formatCount(n.services) },
  { id: "policies", header: "Policies", align: "end", sortValue: (n) => n.policies, cell: (n) => formatCount(n.policies) },
  {
    id: "sidecars",
    header: "Sidecars",
    align: "end",
    sortValue: (n) => n.sidecars,
    cell: (n) => `${formatCount(n.sidecars)} of ${formatCount(n.workloads)}`,
  },
];

const searchText = (n: NamespaceRow) => `${n.name} ${labelText(n.labels)}`;
const rowKey = (n: NamespaceRow) => n.name;

export function NamespacesTable({ rows }: { rows: NamespaceRow[] }) {
  return (
    <DataTable
      label="Namespaces"
      rows={rows}
      columns={columns}
      rowKey={rowKey}
      searchText={searchText}
      initialSort={{ column: "name", direction: "ascending" }}
    />
  );
}
