import type { Labels } from "@/lib/domain/model";

/** Labels as small `k=v` chips. Cluster data is hostile: rendered as text only. */
export function LabelChips({ labels, empty = "none" }: { labels: Labels | null; empty?: string }) {
  const entries = Object.entries(labels ?? {});
  if (entries.length === 0) return <span className="muted">{empty}</span>;
  return (
    <ul className="chips">
      {entries.map(([key, value]) => (
        <li key={key} className="chip" title={`${key}=${value}`}>
          {key}={value}
        </li>
      ))}
    </ul>
  );
}

/** The text a filter box matches labels against: `k=v k2=v2`. */
export const labelText = (labels: Labels | null) =>
  Object.entries(labels ?? {})
    .map(([k, v]) => `${k}=${v}`)
    .join(" ");
