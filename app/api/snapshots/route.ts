import { NextResponse } from "next/server";
import { z } from "zod";
import { maxUploadBytes } from "@/lib/env";
import { route } from "@/lib/server/http";
import { importManifests } from "@/lib/server/snapshots/import";
import { listSnapshots } from "@/lib/server/snapshots/store";
import { readUpload } from "@/lib/server/upload";

export const dynamic = "force-dynamic";

const ListQuery = z.object({
  limit: z.coerce.number().int().min(1).max(200).default(50),
  cursor: z.string().max(200).optional(),
});

/** Snapshots, newest first: `?limit=50&cursor=<nextCursor of the previous page>`. */
export const GET = route(async (request) => {
  const query = ListQuery.parse(Object.fromEntries(new URL(request.url).searchParams));
  return NextResponse.json(await listSnapshots(query));
});

/**
 * Stores a snapshot from manifests: a raw YAML/JSON body (`?name=&cluster=`), or
 * multipart/form-data with files and `name`/`cluster` fields. 201 with the snapshot summary.
 */
export const POST = route(async (request) => {
  const upload = await readUpload(request, maxUploadBytes());
  const result = await importManifests(upload.files, {
    name: upload.fields.name || undefined,
    cluster: upload.fields.cluster || undefined,
    maxBytes: maxUploadBytes(),
  });
  const location = `/snapshots/${result.snapshot.id}`;
  return NextResponse.json({ ...result, url: location }, { status: 201, headers: { location } });
});
