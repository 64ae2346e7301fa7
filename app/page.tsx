import { dehydrate, HydrationBoundary, QueryClient } from "@tanstack/react-query";
import { SNAPSHOTS_PAGE_SIZE, snapshotsQuery } from "@/components/queries";
import { mayEdit } from "@/lib/domain/auth/roles";
import { env, maxUploadBytes } from "@/lib/env";
import { currentPrincipal } from "@/lib/server/auth/principal";
import { redactUrl } from "@/lib/server/capture/prometheus";
import { ClusterCaptureForm } from "./cluster-capture-form";
import { listSnapshots } from "@/lib/server/snapshots/store";
import { SnapshotList } from "./snapshot-list";
import { UploadForm } from "./upload-form";

// The list lives in the database: render per request, never at build time.
export const dynamic = "force-dynamic";

export default async function HomePage() {
  const configured = env().MESHLENS_PROMETHEUS_URL;
  const defaultPrometheus = configured ? redactUrl(configured) : null;
  const principal = await currentPrincipal();
  // Viewers read; uploading and capturing are for editors (the API refuses viewers too).
  const canEdit = mayEdit(principal);
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
      {canEdit && (
        <>
          <section className="panel" aria-labelledby="upload-heading">
            <h2 id="upload-heading">Upload manifests</h2>
            <UploadForm maxUploadBytes={maxUploadBytes()} defaultPrometheus={defaultPrometheus} />
          </section>
          <section className="panel" aria-labelledby="capture-heading">
            <h2 id="capture-heading">Capture the cluster</h2>
            <p className="hint">
              Reads the cluster this server is configured for (its kubeconfig, or its service account in a pod), read-only,
              never Secrets.
            </p>
            <ClusterCaptureForm defaultPrometheus={defaultPrometheus} />
          </section>
        </>
      )}
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
