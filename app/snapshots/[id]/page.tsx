import { dehydrate, HydrationBoundary, QueryClient } from "@tanstack/react-query";
import type { Metadata } from "next";
import { snapshotViewQuery } from "@/components/queries";
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
  // The tables are interactive, so they read the view through react-query; seed it here so the
  // browser does not fetch again what the server just loaded.
  const queryClient = new QueryClient();
  queryClient.setQueryData(snapshotViewQuery(id).queryKey, view);

  return (
    <>
      <SnapshotHeader view={view} canEdit={canEdit} shared={shared} />
      <SnapshotFigures figures={view.figures} />
      <SnapshotNotes warnings={view.warnings} coverageGaps={view.coverageGaps} telemetry={view.telemetry} />
      <HydrationBoundary state={dehydrate(queryClient)}>
        <SnapshotTables id={id} />
      </HydrationBoundary>
      {!shared && <ShareLinksPanel id={id} canEdit={canEdit} />}
    </>
  );
}
