import { route } from "@/lib/server/http";
import { preparedJsonResponse } from "@/lib/server/prepared-json";
import { preparedSnapshotView } from "@/lib/server/snapshots/view-cache";

export const dynamic = "force-dynamic";

type Context = { params: Promise<{ id: string }> };

/** What the snapshot page shows: the table rows (no verbatim policies) and the summary; gzipped when accepted. */
export const GET = route(async (request, { params }: Context) => {
  const { id } = await params;
  return preparedJsonResponse(request, await preparedSnapshotView(id));
});
