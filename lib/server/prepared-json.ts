import "server-only";
/**
 * Bodies derived from a snapshot are the same for every request (snapshots never change), so they
 * are serialized and gzipped once and kept (lib/server/process-cache.ts). A client that accepts
 * `application/gzip` gets the gzip as that type and inflates it itself (components/queries.ts):
 * Next drops a route's own Content-Encoding and would compress the JSON again on every request,
 * which took most of a second for 5,000 workloads. Everyone else gets the JSON.
 */
import { gzipSync } from "node:zlib";

export interface PreparedJson {
  json: string;
  gzip: Buffer;
}

export function prepareJson(value: unknown): PreparedJson {
  const json = JSON.stringify(value);
  return { json, gzip: gzipSync(json, { level: 6 }) };
}

/** The prepared body as the request accepts it. Private: it is one signed-in viewer's. */
export function preparedJsonResponse(request: Request, body: PreparedJson): Response {
  const headers = { "cache-control": "private, max-age=300", vary: "accept" };
  if (/\bapplication\/gzip\b/.test(request.headers.get("accept") ?? "")) {
    return new Response(new Uint8Array(body.gzip), { headers: { ...headers, "content-type": "application/gzip" } });
  }
  return new Response(body.json, { headers: { ...headers, "content-type": "application/json" } });
}
