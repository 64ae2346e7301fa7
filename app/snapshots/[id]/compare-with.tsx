import Link from "next/link";
import { formatUtc } from "@/components/format";
import { listClusterSnapshots } from "@/lib/server/snapshots/store";
import styles from "./compare-with.module.css";

/** How many other snapshots of the cluster the list offers (newest first). */
const OFFERED = 20;

/**
 * "Compare with…": the other snapshots of the same cluster, each a link to the diff page, the
 * older capture as the base. Plain links in a disclosure: works without JavaScript.
 */
export async function CompareWith({ id, cluster, capturedAt }: { id: string; cluster: string; capturedAt: string }) {
  const others = await listClusterSnapshots(cluster, { except: id, limit: OFFERED });
  if (others.length === 0) return null;
  const href = (other: { id: string; capturedAt: string }) => {
    const [from, to] = other.capturedAt <= capturedAt ? [other.id, id] : [id, other.id];
    return `/diff?from=${encodeURIComponent(from)}&to=${encodeURIComponent(to)}`;
  };
  return (
    <details className={styles.compare}>
      <summary className="button">Compare with…</summary>
      <nav aria-label={`Other snapshots of ${cluster}`}>
        <ul>
          {others.map((other) => (
            <li key={other.id}>
              <Link href={href(other)}>{other.name}</Link> <span className="muted">{formatUtc(other.capturedAt)}</span>
            </li>
          ))}
        </ul>
      </nav>
    </details>
  );
}
