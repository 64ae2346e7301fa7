import "server-only";
/**
 * A small LRU cache kept for the life of the server process, for results derived from a snapshot
 * (they never change: a snapshot is immutable). Kept on globalThis so `next dev` reloads reuse it.
 */
import { LRUCache } from "lru-cache";

export function processCache<V extends object>(name: string, max: number): LRUCache<string, V> {
  const holder = globalThis as unknown as Record<string, LRUCache<string, V> | undefined>;
  return (holder[`__meshlensCache_${name}`] ??= new LRUCache<string, V>({ max }));
}
