"use client";

import { useQuery } from "@tanstack/react-query";
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

/** The tables of a snapshot, one tab each. */
export function SnapshotTables({ id }: { id: string }) {
  const { data, error } = useQuery(snapshotViewQuery(id));
  if (!data) {
    return error ? (
      <p role="alert" className="alert alert-error">
        Could not load the snapshot: {error.message}
      </p>
    ) : (
      <p className="muted">Loading…</p>
    );
  }
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
          { id: "findings", label: "Findings", badge: formatCount(data.findings.length), content: <FindingsPanel rows={data.findings} summary={data.findingsSummary} /> },
          { id: "namespaces", label: "Namespaces", badge: formatCount(data.namespaces.length), content: <NamespacesTable rows={data.namespaces} /> },
          { id: "workloads", label: "Workloads", badge: formatCount(data.workloads.length), content: <WorkloadsTable rows={data.workloads} /> },
          { id: "services", label: "Services", badge: formatCount(data.services.length), content: <ServicesTable rows={data.services} /> },
          { id: "policies", label: "Policies", badge: formatCount(data.policies.length), content: <PoliciesTable snapshotId={id} rows={data.policies} /> },
          { id: "traffic", label: "Traffic", badge: formatCount(data.traffic.length), content: <TrafficTable rows={data.traffic} /> },
        ]}
      />
    </section>
  );
}
