import { dehydrate, HydrationBoundary, QueryClient } from "@tanstack/react-query";
import { SNAPSHOTS_PAGE_SIZE, snapshotsQuery } from "@/components/queries";
import { maxUploadBytes } from "@/lib/env";
import { listSnapshots } from "@/lib/server/snapshots/store";
import { SnapshotList } from "./snapshot-list";
import { UploadForm } from "./upload-form";

// The list lives in the database: render per request, never at build time.
export const dynamic = "force-dynamic";

export default async function HomePage() {
  const queryClient = new QueryClient();
  // fetch (not prefetch) so a database failure reaches the error page instead of the browser.
  await queryClient.fetchInfiniteQuery({
    ...snapshotsQuery(),
    queryFn: ({ pageParam }) => listSnapshots({ limit: SNAPSHOTS_PAGE_SIZE, cursor: pageParam ?? undefined }),
  });

  return (
    <>
      <div className="page-header">
        <div>
          <h1>Snapshots</h1>
          <p>Frozen copies of a cluster&apos;s namespaces, workloads, services and policies, ready to inspect.</p>
        </div>
      </div>
      <section className="panel" aria-labelledby="upload-heading">
        <h2 id="upload-heading">Upload manifests</h2>
        <UploadForm maxUploadBytes={maxUploadBytes()} />
      </section>
      <section aria-labelledby="list-heading">
        <h2 id="list-heading" className="visually-hidden">
          Stored snapshots
        </h2>
        <HydrationBoundary state={dehydrate(queryClient)}>
          <SnapshotList />
        </HydrationBoundary>
      </section>
    </>
  );
}
