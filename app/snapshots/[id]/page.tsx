import type { Metadata } from "next";
import { mayEdit } from "@/lib/domain/auth/roles";
import { currentPrincipal } from "@/lib/server/auth/principal";
import { loadSnapshotView } from "./load";
import { SnapshotFigures } from "./snapshot-figures";
import { SnapshotHeader } from "./snapshot-header";
import { SnapshotNotes } from "./snapshot-notes";
import { ShareLinksPanel } from "./share-links-panel";
import { SnapshotTables } from "./snapshot-tables";

type Props = { params: Promise<{ id: string }> };

export async function generateMetadata({ params }: Props): Promise<Metadata> {
  const { id } = await params;
  return { title: (await loadSnapshotView(id)).name };
}

export default async function SnapshotPage({ params }: Props) {
  const { id } = await params;
  const view = await loadSnapshotView(id);
  const principal = await currentPrincipal();
  // Share-link visitors see the snapshot only; editors may delete and share.
  const shared = principal?.kind === "share";
  const canEdit = mayEdit(principal);
  const counts = {
    findings: view.findings.length,
    namespaces: view.namespaces.length,
    workloads: view.workloads.length,
    services: view.services.length,
    policies: view.policies.length,
    traffic: view.traffic.length,
  };

  return (
    <>
      <SnapshotHeader view={view} canEdit={canEdit} shared={shared} />
      <SnapshotFigures figures={view.figures} />
      <SnapshotNotes warnings={view.warnings} coverageGaps={view.coverageGaps} telemetry={view.telemetry} />
      <SnapshotTables id={id} counts={counts} />
      {!shared && <ShareLinksPanel id={id} canEdit={canEdit} />}
    </>
  );
}
