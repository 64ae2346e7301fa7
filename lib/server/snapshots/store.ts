import "server-only";
import { AppError } from "@/lib/domain/errors";
import { countSnapshot, type Snapshot } from "@/lib/domain/model";
import { db, sql } from "@/lib/server/db/client";
import type { Snapshot as SnapshotRow } from "@/lib/server/db/generated/client";
import type { SnapshotPage, SnapshotSummary } from "@/lib/domain/snapshot/summary";
import { randomId } from "../random-id";
import { contentHash } from "./content-hash";

export type { SnapshotPage, SnapshotSummary };

/** 128 random bits, base64url: opaque and unguessable. */
export const newSnapshotId = () => randomId(16);

/** Snapshot ids are 22 base64url characters; anything else cannot exist. */
export const isSnapshotId = (id: string) => /^[A-Za-z0-9_-]{22}$/.test(id);

/** Stores a snapshot in one transaction: either both rows are written or nothing is. */
export async function createSnapshot(snapshot: Snapshot): Promise<SnapshotSummary> {
  const id = newSnapshotId();
  const counts = countSnapshot(snapshot);
  const row = {
    id,
    name: snapshot.name,
    cluster: snapshot.cluster,
    capturedAt: new Date(snapshot.capturedAt),
    sourceKind: snapshot.source.kind,
    contentHash: contentHash(snapshot),
    namespaceCount: counts.namespaces,
    workloadCount: counts.workloads,
    serviceCount: counts.services,
    policyCount: counts.policies,
    edgeCount: counts.edges,
    findingCount: counts.findings,
    warningCount: snapshot.warnings.length,
  };
  // The document goes in as JSON text: Prisma's own JSON parameter handling takes seconds on a
  // snapshot of thousands of workloads and findings (tens of MiB), JSON.stringify a tenth of one.
  const document = JSON.stringify(snapshot);
  const [created] = await db().$transaction([
    db().snapshot.create({ data: row }),
    db().$executeRaw`INSERT INTO "SnapshotContent" ("snapshotId", "document") VALUES (${id}, ${document}::json)`,
  ]);
  return toSummary(created);
}

export async function listSnapshots(options: { limit: number; cursor?: string }): Promise<SnapshotPage> {
  const after = options.cursor ? decodeCursor(options.cursor) : undefined;
  const rows = await db().snapshot.findMany({
    where: after
      ? { OR: [{ createdAt: { lt: after.createdAt } }, { createdAt: after.createdAt, id: { lt: after.id } }] }
      : undefined,
    orderBy: [{ createdAt: "desc" }, { id: "desc" }],
    take: options.limit + 1,
  });
  const items = rows.slice(0, options.limit).map(toSummary);
  const last = rows.length > options.limit ? rows[options.limit - 1] : undefined;
  return { items, nextCursor: last ? encodeCursor(last) : null };
}

/** The other snapshots of one cluster, newest capture first: what a snapshot can be compared with. */
export async function listClusterSnapshots(cluster: string, options: { except: string; limit: number }): Promise<SnapshotSummary[]> {
  // On every snapshot page: plain SQL (see sql()).
  const { rows } = await sql().query<SnapshotRow>({
    name: "cluster-snapshots",
    text: 'SELECT * FROM "Snapshot" WHERE cluster = $1 AND id <> $2 ORDER BY "capturedAt" DESC, id DESC LIMIT $3',
    values: [cluster, options.except, options.limit],
  });
  return rows.map(toSummary);
}

/** Read on every request for a snapshot's page or data (it says whether it still exists): plain SQL. */
export async function getSnapshotSummary(id: string): Promise<SnapshotSummary> {
  const row = isSnapshotId(id)
    ? (await sql().query<SnapshotRow>({ name: "snapshot-summary", text: 'SELECT * FROM "Snapshot" WHERE id = $1', values: [id] })).rows[0]
    : undefined;
  if (!row) throw notFound(id);
  return toSummary(row);
}

/** The stored document with its summary. */
export async function getSnapshot(id: string): Promise<{ summary: SnapshotSummary; snapshot: Snapshot }> {
  const row = isSnapshotId(id)
    ? await db().snapshot.findUnique({ where: { id }, include: { content: true } })
    : null;
  if (!row?.content) throw notFound(id);
  return { summary: toSummary(row), snapshot: row.content.document as unknown as Snapshot };
}

export async function deleteSnapshot(id: string): Promise<void> {
  const { count } = isSnapshotId(id) ? await db().snapshot.deleteMany({ where: { id } }) : { count: 0 };
  if (count === 0) throw notFound(id);
}

const notFound = (id: string) => new AppError("not_found", `No snapshot with id ${JSON.stringify(id)}.`);

function toSummary(row: SnapshotRow): SnapshotSummary {
  return {
    id: row.id,
    name: row.name,
    cluster: row.cluster,
    capturedAt: row.capturedAt.toISOString(),
    createdAt: row.createdAt.toISOString(),
    source: row.sourceKind,
    contentHash: row.contentHash,
    counts: {
      namespaces: row.namespaceCount,
      workloads: row.workloadCount,
      services: row.serviceCount,
      policies: row.policyCount,
      edges: row.edgeCount,
      findings: row.findingCount,
      warnings: row.warningCount,
    },
  };
}

function encodeCursor(row: SnapshotRow): string {
  return Buffer.from(`${row.createdAt.toISOString()}|${row.id}`).toString("base64url");
}

function decodeCursor(cursor: string): { createdAt: Date; id: string } {
  const [at, id] = Buffer.from(cursor, "base64url").toString().split("|");
  const createdAt = new Date(at ?? "");
  if (!id || Number.isNaN(createdAt.getTime())) throw new AppError("bad_request", "Invalid cursor: pass back the nextCursor of a previous page.");
  return { createdAt, id };
}
