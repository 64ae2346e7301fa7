"use client";

import { useInfiniteQuery } from "@tanstack/react-query";
import Link from "next/link";
import { formatCount, formatUtc } from "@/components/format";
import { snapshotsQuery, type SnapshotSummary } from "@/components/queries";

/** The stored snapshots, newest first, with "Load more" for older ones. */
export function SnapshotList() {
  const { data, error, fetchNextPage, hasNextPage, isFetchingNextPage } = useInfiniteQuery(snapshotsQuery());
  const items = data?.pages.flatMap((p) => p.items);

  if (!items) {
    return error ? <ErrorAlert message={error.message} /> : <p className="muted">Loading snapshots…</p>;
  }
  if (items.length === 0) return <EmptyState />;
  return (
    <>
      <div className="table-scroll">
        <table aria-label="Snapshots">
          <thead>
            <tr>
              <th scope="col">Name</th>
              <th scope="col">Cluster</th>
              <th scope="col">Captured at</th>
              <th scope="col" className="num">Namespaces</th>
              <th scope="col" className="num">Workloads</th>
              <th scope="col" className="num">Services</th>
              <th scope="col" className="num">Policies</th>
              <th scope="col" className="num">Warnings</th>
            </tr>
          </thead>
          <tbody>
            {items.map((s) => (
              <SnapshotRow key={s.id} snapshot={s} />
            ))}
          </tbody>
        </table>
      </div>
      {error && <ErrorAlert message={error.message} />}
      {hasNextPage && (
        <div className="load-more">
          <button type="button" className="button" onClick={() => void fetchNextPage()} disabled={isFetchingNextPage}>
            {isFetchingNextPage ? "Loading…" : "Load more"}
          </button>
        </div>
      )}
    </>
  );
}

function SnapshotRow({ snapshot: s }: { snapshot: SnapshotSummary }) {
  return (
    <tr>
      <td className="cell-name">
        <Link href={`/snapshots/${encodeURIComponent(s.id)}`}>{s.name}</Link>
      </td>
      <td>{s.cluster}</td>
      <td>
        <time dateTime={s.capturedAt}>{formatUtc(s.capturedAt)}</time>
      </td>
      <td className="num">{formatCount(s.counts.namespaces)}</td>
      <td className="num">{formatCount(s.counts.workloads)}</td>
      <td className="num">{formatCount(s.counts.services)}</td>
      <td className="num">{formatCount(s.counts.policies)}</td>
      <td className="num">
        {s.counts.warnings > 0 ? <span className="pill pill-warn">{formatCount(s.counts.warnings)}</span> : "0"}
      </td>
    </tr>
  );
}

function EmptyState() {
  return (
    <div className="panel empty-state">
      <h3>No snapshots yet</h3>
      <p>Upload Kubernetes and Istio manifests (YAML or JSON) with the form above, or import them from a terminal:</p>
      <p>
        <code>npm run meshlens -- import &lt;paths&gt;</code>
      </p>
    </div>
  );
}

const ErrorAlert = ({ message }: { message: string }) => (
  <p role="alert" className="alert alert-error">
    Could not load the snapshots: {message}
  </p>
);
