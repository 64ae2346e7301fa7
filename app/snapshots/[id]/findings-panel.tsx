"use client";

import { useId, useMemo, useState } from "react";
import { DataTable, type Column } from "@/components/data-table";
import { formatShare } from "@/components/format";
import { FINDING_KINDS, SEVERITIES, SEVERITY_RANK, type FindingsSummary } from "@/lib/domain/model";
import type { FindingRow } from "@/lib/domain/snapshot/view";


function FindingDetails({ finding }: { finding: FindingRow }) {
  const yaml = finding.remediation.yaml;
  const [copied, setCopied] = useState(false);
  const download = () => {
    const url = URL.createObjectURL(new Blob([yaml ?? ""], { type: "application/yaml" }));
    const a = document.createElement("a");
    a.href = url;
    a.download = `${finding.id.replace(/[^A-Za-z0-9.-]+/g, "_")}.yaml`;
    a.click();
    URL.revokeObjectURL(url);
  };
  return (
    <details className="finding">
      <summary>
        <span className="cell-name">{finding.title}</span>
      </summary>
      <p>
        <strong>Fix:</strong> {finding.remediation.summary}
      </p>
      <p className="hint">Subjects: {finding.subjects.join(", ")}</p>
      <pre className="yaml" role="region" tabIndex={0} aria-label={`Evidence of ${finding.id}`}>
        {JSON.stringify(finding.evidence, null, 2)}
      </pre>
      {yaml && (
        <>
          <div className="actions">
            <button
              type="button"
              className="button"
              onClick={() => void navigator.clipboard?.writeText(yaml).then(() => setCopied(true))}
            >
              {copied ? "Copied" : "Copy YAML"}
            </button>
            <button type="button" className="button" onClick={download}>
              Download YAML
            </button>
          </div>
          <pre className="yaml" role="region" tabIndex={0} aria-label={`Remediation of ${finding.id}`}>
            {yaml}
          </pre>
        </>
      )}
    </details>
  );
}

const columns: Column<FindingRow>[] = [
  { id: "severity", header: "Severity", sortValue: (f) => SEVERITY_RANK[f.severity], cell: (f) => <span className={`severity severity-${f.severity}`}>{f.severity}</span> },
  { id: "kind", header: "Kind", sortValue: (f) => f.kind, cell: (f) => <span className="cell-mono">{f.kind}</span> },
  { id: "finding", header: "Finding", sortValue: (f) => f.title, cell: (f) => <FindingDetails finding={f} /> },
];

const searchText = (f: FindingRow) => `${f.title} ${f.kind} ${f.subjects.join(" ")}`;
const rowKey = (f: FindingRow) => f.id;
const namespaceOf = (f: FindingRow) => f.namespace;

/** The snapshot's findings, worst first, filterable by kind, severity and namespace. */
export function FindingsPanel({ rows, summary }: { rows: FindingRow[]; summary: FindingsSummary | null }) {
  const [kind, setKind] = useState("");
  const [severity, setSeverity] = useState("");
  const ids = useId();
  const shown = useMemo(() => rows.filter((f) => (!kind || f.kind === kind) && (!severity || f.severity === severity)), [rows, kind, severity]);
  return (
    <>
      {summary && (
        <p className="hint findings-summary">
          mTLS: {formatShare(summary.mtlsRequestShare)} of observed requests, {formatShare(summary.mtlsByteShare)} of TCP bytes · isolated workloads:{" "}
          {formatShare(summary.isolatedForIngress)} ingress, {formatShare(summary.isolatedForEgress)} egress · paths: {summary.allowedPaths} allowed,{" "}
          {summary.observedPaths ?? "n/a"} observed · {summary.externallyReachable} workloads may reach outside, {summary.externalObserved ?? "n/a"} did
        </p>
      )}
      <div className="filters">
        <div className="field">
          <label htmlFor={`${ids}-kind`}>Kind</label>
          <select id={`${ids}-kind`} value={kind} onChange={(e) => setKind(e.target.value)}>
            <option value="">All kinds</option>
            {FINDING_KINDS.map((k) => (
              <option key={k} value={k}>
                {k}
              </option>
            ))}
          </select>
        </div>
        <div className="field">
          <label htmlFor={`${ids}-severity`}>Severity</label>
          <select id={`${ids}-severity`} value={severity} onChange={(e) => setSeverity(e.target.value)}>
            <option value="">All severities</option>
            {SEVERITIES.map((s) => (
              <option key={s} value={s}>
                {s}
              </option>
            ))}
          </select>
        </div>
      </div>
      <DataTable label="Findings" rows={shown} columns={columns} rowKey={rowKey} searchText={searchText} namespaceOf={namespaceOf} initialSort={{ column: "severity", direction: "ascending" }} />
    </>
  );
}
