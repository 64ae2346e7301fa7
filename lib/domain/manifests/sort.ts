/** Code-unit order: the same on every machine and in every locale (unlike localeCompare). */
export const compare = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/** Sorts objects by their `id`, for deterministic output. */
export const sortById = <T extends { id: string }>(items: Iterable<T>): T[] => [...items].sort((a, b) => compare(a.id, b.id));
