/** The pure half of the data table: filter, sort and page rows. No React here. */

export type SortDirection = "ascending" | "descending";
export interface SortState {
  column: string;
  direction: SortDirection;
}

export type SortValue = string | number | boolean;

const collator = new Intl.Collator("en", { numeric: true, sensitivity: "base" });

/** Rows whose text contains every whitespace-separated term of the query (case-insensitive). */
export function filterRows<T>(
  rows: readonly T[],
  options: { query: string; searchText: (row: T) => string; namespace?: string; namespaceOf?: (row: T) => string },
): T[] {
  const terms = options.query.toLowerCase().split(/\s+/).filter(Boolean);
  const { namespace, namespaceOf } = options;
  return rows.filter((row) => {
    if (namespace && namespaceOf && namespaceOf(row) !== namespace) return false;
    if (terms.length === 0) return true;
    const text = options.searchText(row).toLowerCase();
    return terms.every((term) => text.includes(term));
  });
}

export function compareValues(a: SortValue, b: SortValue): number {
  if (typeof a === "number" && typeof b === "number") return a - b;
  if (typeof a === "boolean" && typeof b === "boolean") return Number(a) - Number(b);
  return collator.compare(String(a), String(b));
}

/** A sorted copy; ties are ordered by `tieBreak` (ascending), else keep their input order. */
export function sortRows<T>(
  rows: readonly T[],
  value: (row: T) => SortValue,
  direction: SortDirection,
  tieBreak?: (row: T) => string,
): T[] {
  const sign = direction === "ascending" ? 1 : -1;
  const keyed = rows.map((row) => ({ row, key: value(row), tie: tieBreak?.(row) ?? "" }));
  keyed.sort((a, b) => sign * compareValues(a.key, b.key) || collator.compare(a.tie, b.tie));
  return keyed.map((k) => k.row);
}

export interface PageInfo {
  /** 0-based page, clamped to the pages there are. */
  page: number;
  pages: number;
  /** 1-based first and last row shown; 0 and 0 when there are none. */
  first: number;
  last: number;
  total: number;
}

export function pageOf<T>(rows: readonly T[], page: number, size: number): { rows: T[]; info: PageInfo } {
  const total = rows.length;
  const pages = Math.max(1, Math.ceil(total / size));
  const current = Math.min(Math.max(0, page), pages - 1);
  const start = current * size;
  const shown = rows.slice(start, start + size);
  return {
    rows: shown,
    info: { page: current, pages, first: total ? start + 1 : 0, last: start + shown.length, total },
  };
}

/** Distinct values, sorted: the options of a namespace filter. */
export const distinctSorted = (values: Iterable<string>) => [...new Set(values)].sort(collator.compare);
