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
