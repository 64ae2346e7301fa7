import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import type { ReactNode } from "react";
import { formatCount, formatUtc } from "@/components/format";
import type { Bounded } from "@/lib/domain/diff";
import { diffOverlay } from "@/lib/domain/diff/overlay";
import { diffCounts } from "@/lib/domain/diff/text";
import { AppError } from "@/lib/domain/errors";
import { DiffQuerySchema, snapshotDiff, type SnapshotDiffResult } from "@/lib/server/snapshots/diff";
import styles from "./diff.module.css";
import { ChangedWorkloadsTable, EdgesTable, EncryptionTable, FindingsTable, PathsTable, WorkloadsTable } from "./diff-tables";
import { DiffGraph } from "./diff-graph";
import { PolicyDiffs } from "./policy-diffs";

export const dynamic = "force-dynamic";
export const metadata: Metadata = { title: "Compare snapshots" };

type Props = { searchParams: Promise<Record<string, string | string[] | undefined>> };

/** `/diff?from=A&to=B`: what changed between two snapshots of one cluster. */
export default async function DiffPage({ searchParams }: Props) {
  const params = await searchParams;
  const one = (v: string | string[] | undefined) => (Array.isArray(v) ? v[0] : v);
  const query = DiffQuerySchema.safeParse({ from: one(params.from), to: one(params.to), limit: one(params.limit) });
  if (!query.success) {
    return <Problem>Pick two snapshots to compare: open a snapshot and use “Compare with…”, or go to /diff?from=ID&amp;to=ID.</Problem>;
  }
  let result: SnapshotDiffResult;
  try {
    result = await snapshotDiff(query.data);
  } catch (error) {
    if (error instanceof AppError && error.code === "not_found") notFound();
    if (error instanceof AppError && error.code === "unprocessable") return <Problem>{error.message}</Problem>;
    throw error;
  }
  const { diff } = result;
  const { workloads, policies, paths, edges, findings } = diff;
  const overlay = diffOverlay(diff);
  return (
    <>
      <DiffHeader result={result} />
      <section className="panel" aria-labelledby="diff-summary">
        <h2 id="diff-summary">Summary</h2>
        <dl className={styles.counts}>
          {diffCounts(diff).map((s) => (
            <div key={s.title} style={{ display: "contents" }}>
              <dt>{s.title}</dt>
              <dd>{s.parts.map((p) => `${formatCount(p.total)} ${p.label}`).join(", ")}</dd>
            </div>
          ))}
        </dl>
        <p className="hint">Each list shows at most {formatCount(diff.limit)} items; the counts include everything.</p>
      </section>

      <Section title="Graph of the changes" hint={`The graph of ${result.to.name}, with what appeared or changed since ${result.from.name} ringed (see the legend). What disappeared is in the lists below.`}>
        <DiffGraph id={result.to.id} nodes={[...overlay.nodes]} edges={[...overlay.edges]} />
      </Section>
      <Section title="Workloads">
        <List title="Added" list={workloads.added}>{(rows) => <WorkloadsTable label="Workloads added" rows={rows} />}</List>
        <List title="Removed" list={workloads.removed}>{(rows) => <WorkloadsTable label="Workloads removed" rows={rows} />}</List>
        <List title="Changed" list={workloads.changed}>{(rows) => <ChangedWorkloadsTable label="Workloads changed" rows={rows} />}</List>
      </Section>
      <Section title="Policies">
        <List title="Added" list={policies.added}>{(items) => <PolicyDiffs label="Policies added" items={items} />}</List>
        <List title="Removed" list={policies.removed}>{(items) => <PolicyDiffs label="Policies removed" items={items} />}</List>
        <List title="Changed" list={policies.changed}>{(items) => <PolicyDiffs label="Policies changed" items={items} open={items.length <= 10} />}</List>
      </Section>
      <Section title="Allowed paths" hint="What the policies allow (NetworkPolicies, then Istio), from each workload to each workload and to and from outside addresses.">
        <List title="Gained" list={paths.gained}>{(rows) => <PathsTable label="Allowed paths gained" rows={rows} />}</List>
        <List title="Lost" list={paths.lost}>{(rows) => <PathsTable label="Allowed paths lost" rows={rows} />}</List>
        <List title="Changed" list={paths.changed}>{(rows) => <PathsTable label="Allowed paths changed" rows={rows} changed />}</List>
      </Section>
      <Section title="Observed traffic" hint="Traffic Istio observed in each snapshot's telemetry window, by source and destination.">
        <List title="Appeared" list={edges.appeared}>{(rows) => <EdgesTable label="Traffic appeared" rows={rows} />}</List>
        <List title="Disappeared" list={edges.disappeared}>{(rows) => <EdgesTable label="Traffic disappeared" rows={rows} />}</List>
        <List title="Encryption changed" list={edges.encryptionChanged}>{(rows) => <EncryptionTable label="Encryption changed" rows={rows} />}</List>
      </Section>
      <Section title="Findings">
        <List title="Introduced" list={findings.introduced}>{(rows) => <FindingsTable label="Findings introduced" rows={rows} />}</List>
        <List title="Resolved" list={findings.resolved}>{(rows) => <FindingsTable label="Findings resolved" rows={rows} />}</List>
        <List title="Unchanged" list={findings.unchanged}>{(rows) => <FindingsTable label="Findings unchanged" rows={rows} />}</List>
      </Section>
    </>
  );
}

function DiffHeader({ result }: { result: SnapshotDiffResult }) {
  const side = (label: string, s: SnapshotDiffResult["from"]) => (
    <div>
      <dt>{label}</dt>
      <dd>
        <Link href={`/snapshots/${s.id}`}>{s.name}</Link>, captured <time dateTime={s.capturedAt}>{formatUtc(s.capturedAt)}</time>
      </dd>
    </div>
  );
  return (
    <div className="page-header">
      <div>
        <p className="back-link">
          <Link href={`/snapshots/${result.to.id}`}>← Back to the snapshot</Link>
        </p>
        <h1>Compare snapshots</h1>
        <dl className="meta">
          <div>
            <dt>Cluster</dt>
            <dd>{result.from.cluster}</dd>
          </div>
          {side("From", result.from)}
          {side("To", result.to)}
        </dl>
      </div>
    </div>
  );
}

function Section({ title, hint, children }: { title: string; hint?: string; children: ReactNode }) {
  const id = `diff-${title.toLowerCase().replace(/\W+/g, "-")}`;
  return (
    <section className="panel" aria-labelledby={id}>
      <h2 id={id}>{title}</h2>
      {hint && <p className="hint">{hint}</p>}
      {children}
    </section>
  );
}

/** One list of a section: its heading with the count, then its items (or "None"). */
function List<T>({ title, list, children }: { title: string; list: Bounded<T>; children: (items: T[]) => ReactNode }) {
  const cut = list.items.length < list.total;
  return (
    <div className={styles.list}>
      <h3>
        {title} ({formatCount(list.total)}){cut && <span className="muted"> (first {formatCount(list.items.length)} shown)</span>}
      </h3>
      {list.total === 0 ? <p className="muted">None.</p> : children(list.items)}
    </div>
  );
}

function Problem({ children }: { children: ReactNode }) {
  return (
    <>
      <div className="page-header">
        <div>
          <p className="back-link">
            <Link href="/">← All snapshots</Link>
          </p>
          <h1>Compare snapshots</h1>
        </div>
      </div>
      <p role="alert" className="alert alert-error">
        {children}
      </p>
    </>
  );
}
