/**
 * The browser's view of the API: one query-option factory per resource, so a query key is
 * written once and shared by server prefetching, hooks and invalidation.
 */
import { infiniteQueryOptions, queryOptions } from "@tanstack/react-query";
import type { ApiTokenInfo, ShareLinkInfo } from "@/lib/domain/auth/records";
import type { CaptureJob } from "@/lib/domain/capture";
import type { SnapshotGraph } from "@/lib/domain/graph/model";
import type { IngestWarning, Policy } from "@/lib/domain/model";
import type { SnapshotView } from "@/lib/domain/snapshot/view";
import type { SnapshotPage, SnapshotSummary } from "@/lib/domain/snapshot/summary";

export type { ApiTokenInfo, CaptureJob, ShareLinkInfo, SnapshotPage, SnapshotSummary };

/** GET /api/snapshots/{id}/view */
export type SnapshotViewResponse = SnapshotView & { summary: SnapshotSummary };

/** POST /api/snapshots */
export interface UploadResponse {
  snapshot: SnapshotSummary;
  warnings: IngestWarning[];
  url: string;
}

/** An API failure, carrying the server's own message (already written for people). */
export class ApiError extends Error {
  constructor(
    message: string,
    readonly status: number,
    readonly code?: string,
  ) {
    super(message);
    this.name = "ApiError";
  }
}

/** fetch for the JSON API: returns the body, or throws ApiError with the API's message. */
export async function apiFetch<T>(path: string, init?: RequestInit): Promise<T> {
  let response: Response;
  try {
    response = await fetch(path, { ...init, headers: { accept: "application/json", ...init?.headers } });
  } catch {
    throw new ApiError("Could not reach the Meshlens server. Check that it is running and try again.", 0);
  }
  if (response.status === 204) return undefined as T;
  const body: unknown = await readJson(response).catch(() => null);
  if (!response.ok) {
    const error = (body as { error?: { code?: string; message?: string } } | null)?.error;
    throw new ApiError(error?.message ?? `The server answered HTTP ${response.status}.`, response.status, error?.code);
  }
  return body as T;
}

/** A JSON body, or JSON the server sent gzipped as `application/gzip` (see the graph endpoint). */
async function readJson(response: Response): Promise<unknown> {
  if (response.headers.get("content-type") !== "application/gzip" || !response.body) return response.json();
  return new Response(response.body.pipeThrough(new DecompressionStream("gzip"))).json();
}

/**
 * For bodies the server gzips once per snapshot (lib/server/prepared-json.ts): megabytes of JSON,
 * inflated here rather than compressed on every request.
 */
const acceptGzip = (): Record<string, string> =>
  typeof DecompressionStream === "function" ? { accept: "application/gzip, application/json;q=0.9" } : {};

/** Snapshots per page of the list. */
export const SNAPSHOTS_PAGE_SIZE = 50;

/** The snapshot list, newest first, one page per "Load more". */
export const snapshotsQuery = () =>
  infiniteQueryOptions({
    queryKey: ["snapshots", "list"] as const,
    queryFn: ({ pageParam }) => {
      const query = new URLSearchParams({ limit: String(SNAPSHOTS_PAGE_SIZE) });
      if (pageParam) query.set("cursor", pageParam);
      return apiFetch<SnapshotPage>(`/api/snapshots?${query}`);
    },
    initialPageParam: null as string | null,
    getNextPageParam: (last) => last.nextCursor,
  });

/** The rows of one snapshot's page. Snapshots never change, so the data never goes stale. */
export const snapshotViewQuery = (id: string) =>
  queryOptions({
    queryKey: ["snapshots", "view", id] as const,
    queryFn: () => apiFetch<SnapshotViewResponse>(`/api/snapshots/${encodeURIComponent(id)}/view`, { headers: acceptGzip() }),
    staleTime: Infinity,
  });

/** One policy object, verbatim, loaded when someone asks to see it. */
export const policyQuery = (snapshotId: string, ref: string) =>
  queryOptions({
    queryKey: ["snapshots", "policy", snapshotId, ref] as const,
    queryFn: () =>
      apiFetch<{ policy: Policy }>(
        `/api/snapshots/${encodeURIComponent(snapshotId)}/policies?ref=${encodeURIComponent(ref)}`,
      ),
    staleTime: Infinity,
  });

/** GET /api/captures/{id}: a capture job, polled every second while it runs. */
export const captureJobQuery = (id: string) =>
  queryOptions({
    queryKey: ["captures", id] as const,
    queryFn: () => apiFetch<{ job: CaptureJob }>(`/api/captures/${encodeURIComponent(id)}`),
    refetchInterval: (query) => (query.state.data?.job.state === "running" || !query.state.data ? 1000 : false),
  });

/** POST /api/captures */
export interface CaptureStarted {
  job: CaptureJob;
  url: string;
}

/** GET /api/snapshots/{id}/graph: nodes with their layout, namespace boxes and edges. Immutable. */
export const snapshotGraphQuery = (id: string) =>
  queryOptions({
    queryKey: ["snapshots", id, "graph"] as const,
    queryFn: () => apiFetch<SnapshotGraph>(`/api/snapshots/${encodeURIComponent(id)}/graph`, { headers: acceptGzip() }),
    staleTime: Infinity,
  });

/** GET /api/snapshots/{id}/links: the snapshot's share links (editors and viewers). */
export const shareLinksQuery = (id: string) =>
  queryOptions({
    queryKey: ["snapshots", id, "links"] as const,
    queryFn: () => apiFetch<{ items: ShareLinkInfo[] }>(`/api/snapshots/${encodeURIComponent(id)}/links`),
  });

/** POST /api/snapshots/{id}/links */
export interface ShareLinkCreated {
  url: string;
  link: ShareLinkInfo;
}

/** GET /api/admin/tokens */
export const apiTokensQuery = () =>
  queryOptions({
    queryKey: ["admin", "tokens"] as const,
    queryFn: () => apiFetch<{ items: ApiTokenInfo[] }>("/api/admin/tokens"),
  });
