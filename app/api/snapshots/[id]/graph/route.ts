import { z } from "zod";
import { route } from "@/lib/server/http";
import { snapshotGraphJson } from "@/lib/server/graph-cache";

export const dynamic = "force-dynamic";

type Context = { params: Promise<{ id: string }> };

const Params = z.object({ id: z.string().min(1).max(100) });

/** The snapshot as a graph with its layout (lib/domain/graph/model.ts). */
export const GET = route(async (_request, { params }: Context) => {
  const { id } = Params.parse(await params);
  return new Response(await snapshotGraphJson(id), {
    headers: { "content-type": "application/json", "cache-control": "private, max-age=300" },
  });
});
