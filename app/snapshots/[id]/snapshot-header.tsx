import Link from "next/link";
import { formatUtc, plural } from "@/components/format";
import type { SnapshotViewResponse } from "@/components/queries";
import { CompareWith } from "./compare-with";
import { DeleteSnapshotButton } from "./delete-snapshot-button";
import { DownloadReportButton } from "./download-report-button";

/**
 * Name, where the snapshot came from, its PDF report, and the one change allowed: deleting it
 * (editors). A share-link visitor has no way back to the list or to other snapshots: the link
 * grants this snapshot (and its report) only.
 */
export function SnapshotHeader({ view, canEdit, shared }: { view: SnapshotViewResponse; canEdit: boolean; shared: boolean }) {
  const { summary, source, meshConfig } = view;
  return (
    <div className="page-header">
      <div>
        {!shared && (
          <p className="back-link">
            <Link href="/">← All snapshots</Link>
          </p>
        )}
        <h1>{view.name}</h1>
        <dl className="meta">
          <div>
            <dt>Cluster</dt>
            <dd>{view.cluster}</dd>
          </div>
          <div>
            <dt>Captured</dt>
            <dd>
              <time dateTime={view.capturedAt}>{formatUtc(view.capturedAt)}</time>
            </dd>
          </div>
          <div>
            <dt>Source</dt>
            {source.kind === "upload" ? (
              <dd title={source.files.join("\n")}>Upload of {plural(source.files.length, "file")}</dd>
            ) : (
              <dd>Live cluster{source.context ? ` (context ${source.context})` : ""}</dd>
            )}
          </div>
          <div>
            <dt>Telemetry</dt>
            <dd>
              {view.telemetry === null
                ? "none requested"
                : view.telemetry.state === "failed"
                  ? "failed (see below)"
                  : `${formatUtc(view.telemetry.window.start)} to ${formatUtc(view.telemetry.window.end)}, from ${view.telemetry.prometheus}`}
            </dd>
          </div>
          <div>
            <dt>Mesh</dt>
            <dd>
              root namespace {meshConfig.rootNamespace}, outbound {meshConfig.outboundTrafficPolicy}
              {meshConfig.source ? "" : " (defaults)"}
            </dd>
          </div>
          <div>
            <dt>Snapshot id</dt>
            <dd>
              <code>{summary.id}</code>
            </dd>
          </div>
        </dl>
      </div>
      {!shared && <CompareWith id={summary.id} cluster={view.cluster} capturedAt={view.capturedAt} />}
      <div className="header-actions">
        <DownloadReportButton id={summary.id} />
        {canEdit && <DeleteSnapshotButton id={summary.id} name={view.name} />}
      </div>
    </div>
  );
}
