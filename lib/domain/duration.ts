import { AppError } from "./errors";

const UNITS: Record<string, number> = { s: 1, m: 60, h: 3600, d: 86_400, w: 604_800 };

/**
 * A duration as Prometheus writes them ("90s", "15m", "1h", "1h30m", "7d"), in seconds. Throws
 * AppError bad_request naming `what` when the text is not one, or is zero.
 */
export function parseDuration(text: string, what = "duration"): number {
  const trimmed = text.trim();
  const parts = [...trimmed.matchAll(/(\d+)([smhdw])/g)];
  const seconds = parts.reduce((total, [, amount, unit]) => total + Number(amount) * UNITS[unit!]!, 0);
  if (parts.length === 0 || parts.map((p) => p[0]).join("") !== trimmed || seconds <= 0) {
    throw new AppError("bad_request", `${what}: ${JSON.stringify(text)} is not a duration; write e.g. 90s, 15m, 1h, 1h30m or 7d.`);
  }
  return seconds;
}

/** Seconds as the shortest Prometheus duration ("3600" -> "1h", "5400" -> "1h30m"). */
export function formatDuration(seconds: number): string {
  let rest = Math.round(seconds);
  let text = "";
  for (const [unit, size] of Object.entries(UNITS).reverse()) {
    if (rest >= size) {
      text += `${Math.floor(rest / size)}${unit}`;
      rest %= size;
    }
  }
  return text || "0s";
}
