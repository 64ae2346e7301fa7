"use client";

import { DataTable, type Column } from "@/components/data-table";
import { formatBytes, formatCount, formatRate, formatShare } from "@/components/format";
import type { TrafficRow } from "@/lib/domain/snapshot/view";

/** mTLS share, with plaintext called out: the first question a security review asks. */
function Encryption({ row }: { row: TrafficRow }) {
  if (row.mtlsShare === null) return <span className="muted" title="Only the source's proxy reported it: a destination without a sidecar, or outside the mesh">not reported</span>;
  return <span className={row.mtlsShare < 1 ? "text-danger" : undefined}>{formatShare(row.mtlsShare)} mTLS</span>;
}

const columns: Column<TrafficRow>[] = [
  { id: "source", header: "Source", sortValue: (r) => r.source, cell: (r) => <span className="cell-name">{r.source}</span> },
  { id: "destination", header: "Destination", sortValue: (r) => r.destination, cell: (r) => <span className="cell-name">{r.destination}</span> },
  { id: "protocols", header: "Protocols", sortValue: (r) => r.protocols.join(","), cell: (r) => r.protocols.join(", ") },
  { id: "requests", header: "Requests", align: "end", sortValue: (r) => r.requests, cell: (r) => (r.requests ? `${formatCount(Math.round(r.requests))} (${formatRate(r.requestRate)})` : "–") },
  { id: "errors", header: "5xx", align: "end", sortValue: (r) => r.errorShare ?? -1, cell: (r) => formatShare(r.errorShare) },
  { id: "connections", header: "TCP connections", align: "end", sortValue: (r) => r.connections, cell: (r) => (r.connections ? formatCount(Math.round(r.connections)) : "–") },
  { id: "bytes", header: "TCP bytes", align: "end", sortValue: (r) => r.bytes, cell: (r) => (r.bytes ? formatBytes(r.bytes) : "–") },
  { id: "mtls", header: "Encryption", sortValue: (r) => r.mtlsShare ?? -1, cell: (r) => <Encryption row={r} /> },
];

const searchText = (r: TrafficRow) => `${r.source} ${r.destination} ${r.service ?? ""} ${r.protocols.join(" ")}`;
const rowKey = (r: TrafficRow) => r.key;
const namespaceOf = (r: TrafficRow) => r.namespace;

/** The traffic Istio observed over the telemetry window. */
export function TrafficTable({ rows }: { rows: TrafficRow[] }) {
  return (
    <DataTable
      label="Observed traffic"
      rows={rows}
      columns={columns}
      rowKey={rowKey}
      searchText={searchText}
      namespaceOf={namespaceOf}
      initialSort={{ column: "requests", direction: "descending" }}
    />
  );
}
