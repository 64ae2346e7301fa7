import { plural } from "@/components/format";
import type { SnapshotView } from "@/lib/domain/snapshot/view";

/** Open by default while short enough to read at a glance. */
const OPEN_UP_TO = 5;

/** Long lists are cut: thousands of identical "unknown kind" lines help nobody. */
const SHOW_AT_MOST = 200;

/** Ingestion warnings and coverage gaps: what the snapshot may be missing. */
export function SnapshotNotes({ warnings, coverageGaps, telemetry }: Pick<SnapshotView, "warnings" | "coverageGaps" | "telemetry">) {
  const unmatched = telemetry?.unmatched ?? [];
  if (warnings.length === 0 && coverageGaps.length === 0 && telemetry?.state !== "failed" && unmatched.length === 0) return null;
  return (
    <section className="notes" aria-label="Warnings and coverage gaps">
      {telemetry?.state === "failed" && (
        <p role="status" className="alert alert-warning">
          No telemetry: {telemetry.reason} The snapshot holds the topology only; no traffic is shown.
        </p>
      )}
      {unmatched.length > 0 && (
        <details className="notes-warning" open={unmatched.length <= OPEN_UP_TO}>
          <summary>{plural(unmatched.length, "workload")} in the telemetry but not in the topology</summary>
          <ul>
            {unmatched.slice(0, SHOW_AT_MOST).map((name) => (
              <li key={name}>{name}</li>
            ))}
            <More total={unmatched.length} />
          </ul>
        </details>
      )}
      {warnings.length > 0 && (
        <details className="notes-warning" open={warnings.length <= OPEN_UP_TO}>
          <summary>{plural(warnings.length, "warning")} while reading the input</summary>
          <ul>
            {warnings.slice(0, SHOW_AT_MOST).map((w, i) => (
              <li key={i}>
                <strong>
                  {w.file}, document {w.document}
                </strong>
                : {w.message}
              </li>
            ))}
            <More total={warnings.length} />
          </ul>
        </details>
      )}
      {coverageGaps.length > 0 && (
        <details className="notes-warning" open={coverageGaps.length <= OPEN_UP_TO}>
          <summary>{plural(coverageGaps.length, "coverage gap")}: the analysis may be incomplete there</summary>
          <ul>
            {coverageGaps.slice(0, SHOW_AT_MOST).map((g, i) => (
              <li key={i}>
                <strong>
                  {g.resource}
                  {g.namespace ? ` in ${g.namespace}` : ""}
                </strong>
                : {g.reason}
              </li>
            ))}
            <More total={coverageGaps.length} />
          </ul>
        </details>
      )}
    </section>
  );
}

const More = ({ total }: { total: number }) =>
  total > SHOW_AT_MOST ? <li className="muted">and {plural(total - SHOW_AT_MOST, "more", "more")}</li> : null;
