/** Formatting shared by server and client renders: fixed locale and time zone, so they agree. */

const numbers = new Intl.NumberFormat("en-US");

/** 5000 -> "5,000" */
export const formatCount = (n: number) => numbers.format(n);

/** An ISO timestamp as "2026-11-20 09:00 UTC" (UTC, never the viewer's zone: no hydration mismatch). */
export function formatUtc(iso: string): string {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  const text = date.toISOString();
  return `${text.slice(0, 10)} ${text.slice(11, 16)} UTC`;
}

/** "1 warning", "2 warnings" */
export const plural = (n: number, one: string, many = `${one}s`) => `${formatCount(n)} ${n === 1 ? one : many}`;

/** 0.756 -> "76%"; null -> "–" */
export const formatShare = (share: number | null) => (share === null ? "–" : `${Math.round(share * 100)}%`);

/** 1536 -> "1.5 KiB" */
export function formatBytes(bytes: number): string {
  const units = ["B", "KiB", "MiB", "GiB", "TiB"];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit += 1;
  }
  return unit === 0 ? `${value} B` : `${value.toFixed(1)} ${units[unit]}`;
}

/** Requests per second, to two significant figures: 0.0083 -> "0.0083/s", 12.4 -> "12/s" */
export const formatRate = (perSecond: number) => `${Number(perSecond.toPrecision(2))}/s`;
