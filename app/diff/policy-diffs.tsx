import type { PolicyItem } from "@/lib/domain/diff";
import styles from "./diff.module.css";

/** Each line of a unified diff with its role: added, removed, a hunk header, or context. */
function lineClass(line: string): string | undefined {
  if (line.startsWith("+")) return styles.added;
  if (line.startsWith("-")) return styles.removed;
  if (line.startsWith("@@")) return styles.hunk;
  return undefined;
}

/**
 * Policies with their YAML diff, one disclosure each. The diff is cluster data: each line is
 * a text node in a span (styled by its first character), never HTML.
 */
export function PolicyDiffs({ label, items, open = false }: { label: string; items: PolicyItem[]; open?: boolean }) {
  return (
    <ul className={styles.policies} aria-label={label}>
      {items.map((p) => (
        <li key={p.id}>
          <details open={open}>
            <summary>
              <span className="cell-name">{p.id}</span>{" "}
              <span className="muted">
                (+{p.added} −{p.removed})
              </span>
            </summary>
            <pre className={`yaml ${styles.diff}`} role="region" tabIndex={0} aria-label={`Diff of ${p.id}`}>
              {p.diff.split("\n").map((line, i) => (
                <span key={i} className={lineClass(line)}>
                  {line}
                  {"\n"}
                </span>
              ))}
            </pre>
          </details>
        </li>
      ))}
    </ul>
  );
}
