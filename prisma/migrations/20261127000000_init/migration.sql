-- CreateSchema
CREATE SCHEMA IF NOT EXISTS "public";

-- CreateTable
CREATE TABLE "Snapshot" (
    "id" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "cluster" TEXT NOT NULL,
    "capturedAt" TIMESTAMPTZ(3) NOT NULL,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "sourceKind" TEXT NOT NULL,
    "contentHash" TEXT NOT NULL,
    "namespaceCount" INTEGER NOT NULL,
    "workloadCount" INTEGER NOT NULL,
    "serviceCount" INTEGER NOT NULL,
    "policyCount" INTEGER NOT NULL,
    "edgeCount" INTEGER NOT NULL,
    "findingCount" INTEGER NOT NULL,
    "warningCount" INTEGER NOT NULL,

    CONSTRAINT "Snapshot_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "SnapshotContent" (
    "snapshotId" TEXT NOT NULL,
    "document" JSON NOT NULL,

    CONSTRAINT "SnapshotContent_pkey" PRIMARY KEY ("snapshotId")
);

-- CreateIndex
CREATE INDEX "Snapshot_createdAt_id_idx" ON "Snapshot"("createdAt" DESC, "id" DESC);

-- CreateIndex
CREATE INDEX "Snapshot_cluster_idx" ON "Snapshot"("cluster");

-- AddForeignKey
ALTER TABLE "SnapshotContent" ADD CONSTRAINT "SnapshotContent_snapshotId_fkey" FOREIGN KEY ("snapshotId") REFERENCES "Snapshot"("id") ON DELETE CASCADE ON UPDATE CASCADE;


-- Snapshots are immutable once written (they can be deleted): refuse every UPDATE, whoever
-- issues it, so no code path (or hand-run SQL) can change evidence after the fact.
-- Prisma's migration runner splits statements at every semicolon, even inside quotes, so the
-- PL/pgSQL body spells its semicolons as the octal escape \073 of an E'' string.
CREATE FUNCTION meshlens_refuse_update() RETURNS trigger LANGUAGE plpgsql AS E'
BEGIN
  RAISE EXCEPTION ''snapshots are immutable: % rows cannot be updated'', TG_TABLE_NAME\073
END\073
';

CREATE TRIGGER "Snapshot_immutable" BEFORE UPDATE ON "Snapshot"
  FOR EACH ROW EXECUTE FUNCTION meshlens_refuse_update();
CREATE TRIGGER "SnapshotContent_immutable" BEFORE UPDATE ON "SnapshotContent"
  FOR EACH ROW EXECUTE FUNCTION meshlens_refuse_update();
