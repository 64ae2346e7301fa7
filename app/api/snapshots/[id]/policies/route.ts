import { NextResponse } from "next/server";
import { z } from "zod";
import { AppError } from "@/lib/domain/errors";
import { route } from "@/lib/server/http";
import { getSnapshot } from "@/lib/server/snapshots/store";

export const dynamic = "force-dynamic";

type Context = { params: Promise<{ id: string }> };

/** `ref` is a policy id as the snapshot writes it: `namespace/name[Kind]`. */
const PolicyRef = z
  .string({ error: "pass ?ref=<policy id like namespace/name[Kind]>" })
  .min(1, "pass ?ref=<policy id like namespace/name[Kind]>")
  .max(1000);
const PolicyQuery = z.object({ ref: PolicyRef });

/** One policy of a snapshot, verbatim: `?ref=namespace/name[Kind]` -> `{ policy }`. */
export const GET = route(async (request, { params }: Context) => {
  const { id } = await params;
  const { ref } = PolicyQuery.parse({ ref: new URL(request.url).searchParams.get("ref") ?? undefined });
  const { snapshot } = await getSnapshot(id);
  const policy = snapshot.policies.find((p) => p.id === ref);
  if (!policy) throw new AppError("not_found", `Snapshot ${JSON.stringify(id)} has no policy ${JSON.stringify(ref)}.`);
  return NextResponse.json({ policy });
});
