import { route } from "@/lib/server/http";
import { snapshotGraph } from "@/lib/server/graph-cache";
import { preparedJsonResponse } from "@/lib/server/prepared-json";

export const dynamic = "force-dynamic";

type Context = { params: Promise<{ id: string }> };

/** The snapshot as a graph with its layout (lib/domain/graph/model.ts), gzipped when accepted. */
export const GET = route(async (request, { params }: Context) => {
  const { id } = await params;
  return preparedJsonResponse(request, await snapshotGraph(id));
});
