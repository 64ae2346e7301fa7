"use client";

import { DataTable, type Column } from "@/components/data-table";
import { LabelChips, labelText } from "@/components/label-chips";
import type { ServiceRow } from "@/lib/domain/snapshot/view";

const columns: Column<ServiceRow>[] = [
  { id: "name", header: "Name", sortValue: (s) => s.name, cell: (s) => <span className="cell-name">{s.name}</span> },
  { id: "namespace", header: "Namespace", sortValue: (s) => s.namespace, cell: (s) => s.namespace },
  { id: "type", header: "Type", sortValue: (s) => s.type, cell: (s) => s.type },
  { id: "selector", header: "Selector", cell: (s) => <LabelChips labels={s.selector} empty="no selector" /> },
  { id: "ports", header: "Ports", cell: (s) => <span className="cell-mono">{s.ports.join(", ") || "–"}</span> },
];

const searchText = (s: ServiceRow) => `${s.name} ${s.namespace} ${s.type} ${labelText(s.selector)}`;
const rowKey = (s: ServiceRow) => s.id;
const namespaceOf = (s: ServiceRow) => s.namespace;

export function ServicesTable({ rows }: { rows: ServiceRow[] }) {
  return (
    <DataTable
      label="Services"
      rows={rows}
      columns={columns}
      rowKey={rowKey}
      searchText={searchText}
      namespaceOf={namespaceOf}
      initialSort={{ column: "namespace", direction: "ascending" }}
    />
  );
}
