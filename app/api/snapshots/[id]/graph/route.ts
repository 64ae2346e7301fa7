import { z } from "zod";
import { route } from "@/lib/server/http";
import { snapshotGraph } from "@/lib/server/graph-cache";
import { preparedJsonResponse } from "@/lib/server/prepared-json";

export const dynamic = "force-dynamic";

type Context = { params: Promise<{ id: string }> };

const Params = z.object({ id: z.string().min(1).max(100) });

/** The snapshot as a graph with its layout (lib/domain/graph/model.ts), gzipped when accepted. */
export const GET = route(async (request, { params }: Context) => {
  const { id } = Params.parse(await params);
  return preparedJsonResponse(request, await snapshotGraph(id));
});
