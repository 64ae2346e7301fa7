"use client";

import { useQuery } from "@tanstack/react-query";
import type { ReactNode } from "react";
import { formatCount } from "@/components/format";
import { snapshotViewQuery } from "@/components/queries";
import { Tabs } from "@/components/tabs";
import { FindingsPanel } from "./findings-panel";
import { GraphView } from "./graph-view";
import { NamespacesTable } from "./namespaces-table";
import { PoliciesTable } from "./policies-table";
import { ServicesTable } from "./services-table";
import { TrafficTable } from "./traffic-table";
import { WorkloadsTable } from "./workloads-table";

/** Rows per table: the tab badges, known on the server before the rows reach the browser. */
export interface TableCounts {
  findings: number;
  namespaces: number;
  workloads: number;
  services: number;
  policies: number;
  traffic: number;
}

/**
 * The tables of a snapshot, one tab each. The rows come from the view endpoint (one cached JSON
 * body per snapshot), not inside the page: the first tab is the graph, which needs them only for
 * its side panel, and every viewer would otherwise pay for them in the page's render.
 */
export function SnapshotTables({ id, counts }: { id: string; counts: TableCounts }) {
  const { data, error } = useQuery(snapshotViewQuery(id));
  const rows = (content: (view: NonNullable<typeof data>) => ReactNode) =>
    data ? content(data)
    : error ? (
      <p role="alert" className="alert alert-error">
        Could not load the snapshot: {error.message}
      </p>
    ) : (
      <p className="muted">Loading…</p>
    );
  return (
    <section aria-labelledby="contents-heading">
      <h2 id="contents-heading" className="visually-hidden">
        Contents
      </h2>
      <Tabs
        label="Snapshot contents"
        id="snapshot-tabs"
        tabs={[
          { id: "graph", label: "Graph", content: <GraphView id={id} /> },
          { id: "findings", label: "Findings", badge: formatCount(counts.findings), content: rows((v) => <FindingsPanel rows={v.findings} summary={v.findingsSummary} />) },
          { id: "namespaces", label: "Namespaces", badge: formatCount(counts.namespaces), content: rows((v) => <NamespacesTable rows={v.namespaces} />) },
          { id: "workloads", label: "Workloads", badge: formatCount(counts.workloads), content: rows((v) => <WorkloadsTable rows={v.workloads} />) },
          { id: "services", label: "Services", badge: formatCount(counts.services), content: rows((v) => <ServicesTable rows={v.services} />) },
          { id: "policies", label: "Policies", badge: formatCount(counts.policies), content: rows((v) => <PoliciesTable snapshotId={id} rows={v.policies} />) },
          { id: "traffic", label: "Traffic", badge: formatCount(counts.traffic), content: rows((v) => <TrafficTable rows={v.traffic} />) },
        ]}
      />
    </section>
  );
}
