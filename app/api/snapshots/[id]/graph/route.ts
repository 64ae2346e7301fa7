import { z } from "zod";
import { route } from "@/lib/server/http";
import { snapshotGraph } from "@/lib/server/graph-cache";

export const dynamic = "force-dynamic";

type Context = { params: Promise<{ id: string }> };

const Params = z.object({ id: z.string().min(1).max(100) });

/**
 * The snapshot as a graph with its layout (lib/domain/graph/model.ts), gzipped once and cached
 * when the client accepts gzip (the server then leaves it alone: it is already encoded).
 */
export const GET = route(async (request, { params }: Context) => {
  const { id } = Params.parse(await params);
  const graph = await snapshotGraph(id);
  const headers = { "content-type": "application/json", "cache-control": "private, max-age=300", vary: "accept-encoding" };
  if (/\bgzip\b/.test(request.headers.get("accept-encoding") ?? "")) {
    return new Response(new Uint8Array(graph.gzip), { headers: { ...headers, "content-encoding": "gzip" } });
  }
  return new Response(graph.json, { headers });
});
