import "server-only";
/**
 * Failed sign-ins are limited per user name and client address (5 in 15 minutes), and per user
 * name alone (50 in 15 minutes, so rotating addresses does not give unlimited guesses). In memory:
 * one server process; a restart forgets, which is acceptable for slowing guessing down.
 */
const WINDOW_MS = 15 * 60_000;
const PER_CLIENT = 5;
const PER_USER = 50;

const failures = new Map<string, number[]>();

function recent(key: string, now: number): number[] {
  const times = (failures.get(key) ?? []).filter((t) => now - t < WINDOW_MS);
  if (times.length) failures.set(key, times);
  else failures.delete(key);
  return times;
}

const keys = (user: string, ip: string) => [`${user.toLowerCase()}|${ip}`, `${user.toLowerCase()}|*`] as const;

/** Seconds to wait before another attempt, or 0 when one is allowed now. */
export function signInRetryAfter(user: string, ip: string, now = Date.now()): number {
  const [client, all] = keys(user, ip);
  const limits: [string, number][] = [[client, PER_CLIENT], [all, PER_USER]];
  let wait = 0;
  for (const [key, limit] of limits) {
    const times = recent(key, now);
    if (times.length >= limit) wait = Math.max(wait, Math.ceil((times[times.length - limit]! + WINDOW_MS - now) / 1000));
  }
  return wait;
}

export function recordFailedSignIn(user: string, ip: string, now = Date.now()): void {
  for (const key of keys(user, ip)) failures.set(key, [...recent(key, now), now]);
}

/** A successful sign-in clears that client's failures. */
export function clearFailedSignIns(user: string, ip: string): void {
  failures.delete(keys(user, ip)[0]);
}
