import { z } from "zod";
import { route } from "@/lib/server/http";
import { snapshotGraph } from "@/lib/server/graph-cache";

export const dynamic = "force-dynamic";

type Context = { params: Promise<{ id: string }> };

const Params = z.object({ id: z.string().min(1).max(100) });

/**
 * The snapshot as a graph with its layout (lib/domain/graph/model.ts). A client that accepts
 * `application/gzip` gets the JSON gzipped once per snapshot (cached), as that type: Next drops a
 * route's own Content-Encoding and would compress the JSON again on every request, which took most
 * of a second for 5,000 workloads. Everyone else gets JSON.
 */
export const GET = route(async (request, { params }: Context) => {
  const { id } = Params.parse(await params);
  const graph = await snapshotGraph(id);
  const headers = { "cache-control": "private, max-age=300", vary: "accept" };
  if (/\bapplication\/gzip\b/.test(request.headers.get("accept") ?? "")) {
    return new Response(new Uint8Array(graph.gzip), { headers: { ...headers, "content-type": "application/gzip" } });
  }
  return new Response(graph.json, { headers: { ...headers, "content-type": "application/json" } });
});
