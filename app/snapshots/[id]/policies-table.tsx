"use client";

import { useMemo } from "react";
import { DataTable, type Column } from "@/components/data-table";
import type { PolicyRow } from "@/lib/domain/snapshot/view";
import { PolicyYaml } from "./policy-yaml";

const searchText = (p: PolicyRow) => `${p.name} ${p.namespace} ${p.kind} ${p.apiVersion} ${p.summary}`;
const rowKey = (p: PolicyRow) => p.id;
const namespaceOf = (p: PolicyRow) => p.namespace;

export function PoliciesTable({ snapshotId, rows }: { snapshotId: string; rows: PolicyRow[] }) {
  const columns = useMemo<Column<PolicyRow>[]>(
    () => [
      { id: "kind", header: "Kind", sortValue: (p) => p.kind, cell: (p) => p.kind },
      { id: "namespace", header: "Namespace", sortValue: (p) => p.namespace, cell: (p) => p.namespace },
      { id: "name", header: "Name", sortValue: (p) => p.name, cell: (p) => <span className="cell-name">{p.name}</span> },
      { id: "summary", header: "Summary", cell: (p) => <span className="cell-wide">{p.summary}</span> },
      { id: "yaml", header: "Object", cell: (p) => <PolicyYaml snapshotId={snapshotId} policy={p} /> },
    ],
    [snapshotId],
  );
  return (
    <DataTable
      label="Policies"
      rows={rows}
      columns={columns}
      rowKey={rowKey}
      searchText={searchText}
      namespaceOf={namespaceOf}
      initialSort={{ column: "kind", direction: "ascending" }}
    />
  );
}
