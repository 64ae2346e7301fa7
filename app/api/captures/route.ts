import { NextResponse } from "next/server";
import { z } from "zod";
import { env, maxUploadBytes } from "@/lib/env";
import { route } from "@/lib/server/http";
import { listCaptureJobs, startCapture } from "@/lib/server/capture/jobs";
import { configuredCluster, configuredTelemetry } from "@/lib/server/capture/server-config";
import { readUpload } from "@/lib/server/upload";

export const dynamic = "force-dynamic";

/** A capture of the configured cluster: `{ name?, cluster?, namespaces?, prometheus?: { url?, window?, until? } | false }`. */
const ClusterCapture = z.object({
  name: z.string().optional(),
  cluster: z.string().optional(),
  namespaces: z.array(z.string().regex(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/, "not a namespace name").max(63)).max(500).optional(),
  prometheus: z.union([z.literal(false), z.object({ url: z.string().url().optional(), window: z.string().max(20).optional(), until: z.string().max(40).optional() })]).optional(),
});

/** Capture jobs, newest first (kept in memory until the server restarts). */
export const GET = route(async () => NextResponse.json({ items: listCaptureJobs() }));

/**
 * Starts a capture and answers 202 with its job at once; poll `GET /api/captures/{id}`.
 * - `application/json`: the configured cluster (see ClusterCapture), with telemetry from
 *   `prometheus.url` or MESHLENS_PROMETHEUS_URL unless `prometheus` is false.
 * - `multipart/form-data`: manifest files, with fields `name`, `cluster`, `prometheus` (URL, empty
 *   for none), `window` and `until` (the window's end, ISO 8601; default now).
 * 409 while another capture runs.
 */
export const POST = route(async (request) => {
  const type = (request.headers.get("content-type") ?? "").toLowerCase();
  let job;
  if (type.startsWith("multipart/form-data")) {
    const upload = await readUpload(request, maxUploadBytes());
    const prometheus = upload.fields.prometheus?.trim();
    job = startCapture({
      name: upload.fields.name || undefined,
      cluster: upload.fields.cluster || undefined,
      topology: { kind: "files", files: upload.files, maxBytes: maxUploadBytes() },
      telemetry: prometheus ? await configuredTelemetry({ url: prometheus, window: upload.fields.window, until: upload.fields.until || undefined }) : undefined,
    });
  } else {
    const body = ClusterCapture.parse(await request.json().catch(() => ({})));
    job = startCapture({
      name: body.name || undefined,
      cluster: body.cluster || env().MESHLENS_CLUSTER_NAME,
      topology: configuredCluster(body.namespaces),
      telemetry: body.prometheus === false ? undefined : await configuredTelemetry(body.prometheus ?? {}),
    });
  }
  const location = `/api/captures/${job.id}`;
  return NextResponse.json({ job, url: location }, { status: 202, headers: { location } });
});
