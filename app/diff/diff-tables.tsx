"use client";

import { DataTable, type Column } from "@/components/data-table";
import { formatBytes, formatCount, formatShare } from "@/components/format";
import type { EdgeItem, EncryptionChange, FindingItem, PathItem, WorkloadChange, WorkloadItem } from "@/lib/domain/diff";
import { fieldChangeText } from "@/lib/domain/diff/text";
import { SEVERITY_RANK } from "@/lib/domain/model";
import styles from "./diff.module.css";

// The tables of the diff page: one DataTable per list, named by its label (e.g. "Workloads
// added"). Everything shown is cluster data: rendered as text by React, never as HTML.

const mono = (text: string) => <span className="cell-mono">{text}</span>;
const byEnds = (r: { source: string; destination: string }) => `${r.source}>${r.destination}`;
const endsText = (r: { source: string; destination: string }) => `${r.source} ${r.destination}`;

const workloadColumns: Column<WorkloadItem>[] = [
  { id: "workload", header: "Workload", sortValue: (w) => w.id, cell: (w) => <span className="cell-name">{w.id}</span> },
  { id: "kind", header: "Kind", sortValue: (w) => w.kind, cell: (w) => w.kind },
  { id: "sidecar", header: "Sidecar", sortValue: (w) => String(w.sidecar), cell: (w) => (w.sidecar ? "yes" : "no") },
];

export function WorkloadsTable({ label, rows }: { label: string; rows: WorkloadItem[] }) {
  return <DataTable label={label} rows={rows} columns={workloadColumns} rowKey={(w) => w.id} searchText={(w) => w.id} namespaceOf={(w) => w.namespace} />;
}

const changedColumns: Column<WorkloadChange>[] = [
  { id: "workload", header: "Workload", sortValue: (w) => w.id, cell: (w) => <span className="cell-name">{w.id}</span> },
  {
    id: "changes",
    header: "What changed",
    cell: (w) => (
      <ul className={styles.changes}>
        {w.changes.map((c) => (
          <li key={c.field}>{fieldChangeText(c)}</li>
        ))}
      </ul>
    ),
  },
];

export function ChangedWorkloadsTable({ label, rows }: { label: string; rows: WorkloadChange[] }) {
  const searchText = (w: WorkloadChange) => `${w.id} ${w.changes.map(fieldChangeText).join(" ")}`;
  return <DataTable label={label} rows={rows} columns={changedColumns} rowKey={(w) => w.id} searchText={searchText} namespaceOf={(w) => w.namespace} />;
}

const pathColumns = (changed: boolean): Column<PathItem>[] => [
  { id: "source", header: "Source", sortValue: (p) => p.source, cell: (p) => mono(p.source) },
  { id: "destination", header: "Destination", sortValue: (p) => p.destination, cell: (p) => mono(p.destination) },
  ...(changed ? [{ id: "before", header: "Before", sortValue: (p: PathItem) => p.before ?? "", cell: (p: PathItem) => p.before ?? "" }] : []),
  { id: "connections", header: changed ? "Now" : "Connections", sortValue: (p) => p.connections, cell: (p) => p.connections },
  ...(changed ? [] : [{ id: "note", header: "Note", cell: (p: PathItem) => (p.endpointChanged ? "workload added or removed" : "") }]),
];

export function PathsTable({ label, rows, changed = false }: { label: string; rows: PathItem[]; changed?: boolean }) {
  return <DataTable label={label} rows={rows} columns={pathColumns(changed)} rowKey={byEnds} searchText={(p) => `${endsText(p)} ${p.connections}`} />;
}

const edgeColumns: Column<EdgeItem>[] = [
  { id: "source", header: "Source", sortValue: (e) => e.source, cell: (e) => mono(e.source) },
  { id: "destination", header: "Destination", sortValue: (e) => e.destination, cell: (e) => mono(e.destination) },
  { id: "protocols", header: "Protocols", cell: (e) => e.protocols.join(", ") },
  { id: "requests", header: "Requests", align: "end", sortValue: (e) => e.requests, cell: (e) => formatCount(e.requests) },
  { id: "connections", header: "Connections", align: "end", sortValue: (e) => e.connections, cell: (e) => formatCount(e.connections) },
  { id: "bytes", header: "Bytes", align: "end", sortValue: (e) => e.bytes, cell: (e) => formatBytes(e.bytes) },
  { id: "encryption", header: "Encryption", sortValue: (e) => e.encryption, cell: (e) => e.encryption },
];

export function EdgesTable({ label, rows }: { label: string; rows: EdgeItem[] }) {
  return <DataTable label={label} rows={rows} columns={edgeColumns} rowKey={byEnds} searchText={endsText} />;
}

const encryptionColumns: Column<EncryptionChange>[] = [
  { id: "source", header: "Source", sortValue: (e) => e.source, cell: (e) => mono(e.source) },
  { id: "destination", header: "Destination", sortValue: (e) => e.destination, cell: (e) => mono(e.destination) },
  { id: "before", header: "Before", sortValue: (e) => e.before, cell: (e) => `${e.before} (mTLS ${formatShare(e.mtlsShareBefore)})` },
  { id: "after", header: "Now", sortValue: (e) => e.after, cell: (e) => `${e.after} (mTLS ${formatShare(e.mtlsShareAfter)})` },
];

export function EncryptionTable({ label, rows }: { label: string; rows: EncryptionChange[] }) {
  return <DataTable label={label} rows={rows} columns={encryptionColumns} rowKey={byEnds} searchText={endsText} />;
}

const findingColumns: Column<FindingItem>[] = [
  {
    id: "severity",
    header: "Severity",
    sortValue: (f) => SEVERITY_RANK[f.severity],
    cell: (f) => (
      <>
        <span className={`severity severity-${f.severity}`}>{f.severity}</span>
        {f.severityBefore && <span className="muted"> (was {f.severityBefore})</span>}
      </>
    ),
  },
  { id: "kind", header: "Kind", sortValue: (f) => f.kind, cell: (f) => mono(f.kind) },
  { id: "finding", header: "Finding", sortValue: (f) => f.title, cell: (f) => <span className="finding">{f.title}</span> },
];

export function FindingsTable({ label, rows }: { label: string; rows: FindingItem[] }) {
  return (
    <DataTable
      label={label}
      rows={rows}
      columns={findingColumns}
      rowKey={(f) => f.id}
      searchText={(f) => `${f.id} ${f.title} ${f.subjects.join(" ")}`}
      initialSort={{ column: "severity", direction: "ascending" }}
    />
  );
}
