"use client";

import { useDeferredValue, useId, useMemo, useState, type ReactNode } from "react";
import { formatCount } from "./format";
import { TablePagination } from "./table-pagination";
import { distinctSorted, filterRows, pageOf, sortRows, type SortState, type SortValue } from "./table-model";

/** One column of a {@link DataTable}: how to render a cell and, if sortable, what to sort by. */
export interface Column<T> {
  id: string;
  header: string;
  cell: (row: T) => ReactNode;
  /** Omit for a column that cannot be sorted. */
  sortValue?: (row: T) => SortValue;
  /** "end" right-aligns figures. */
  align?: "start" | "end";
}

export interface DataTableProps<T> {
  /** Names the table (its caption) and its filter box: "Workloads" -> "Filter workloads". */
  label: string;
  rows: readonly T[];
  columns: readonly Column<T>[];
  rowKey: (row: T) => string;
  /** The text the filter box matches, e.g. name, namespace, kind and `k=v` labels. */
  searchText: (row: T) => string;
  /** Adds a namespace drop-down when given. */
  namespaceOf?: (row: T) => string;
  initialSort?: SortState;
  /** Rows per page: a snapshot can hold thousands, and rendering them all at once is slow. */
  pageSize?: number;
}

/** The one sortable, filterable, paginated table of the app. */
export function DataTable<T>({ label, rows, columns, rowKey, searchText, namespaceOf, initialSort, pageSize = 100 }: DataTableProps<T>) {
  const [query, setQuery] = useState("");
  const [namespace, setNamespace] = useState("");
  const [sort, setSort] = useState<SortState | undefined>(initialSort);
  const [page, setPage] = useState(0);
  const deferredQuery = useDeferredValue(query);
  const filterId = useId();
  const namespaceId = useId();
  const noun = label.toLowerCase();

  const namespaces = useMemo(() => (namespaceOf ? distinctSorted(rows.map(namespaceOf)) : []), [rows, namespaceOf]);
  const sorted = useMemo(() => {
    const column = columns.find((c) => c.id === sort?.column);
    // Ties fall back to the row key (e.g. `namespace/name[Kind]`), so equal values read in order.
    return sort && column?.sortValue ? sortRows(rows, column.sortValue, sort.direction, rowKey) : [...rows];
  }, [rows, columns, sort, rowKey]);
  const matching = useMemo(
    () => filterRows(sorted, { query: deferredQuery, searchText, namespace, namespaceOf }),
    [sorted, deferredQuery, searchText, namespace, namespaceOf],
  );
  const { rows: shown, info } = pageOf(matching, page, pageSize);
  const filtered = matching.length !== rows.length;

  const sortBy = (column: string) => {
    setSort((s) => ({
      column,
      direction: s?.column === column && s.direction === "ascending" ? "descending" : "ascending",
    }));
    setPage(0);
  };

  return (
    <div className="data-table">
      <div className="table-toolbar">
        <div className="field">
          <label htmlFor={filterId}>Filter {noun}</label>
          <input
            id={filterId}
            type="search"
            value={query}
            placeholder="name, namespace, kind or k=v"
            autoComplete="off"
            spellCheck={false}
            onChange={(e) => {
              setQuery(e.target.value);
              setPage(0);
            }}
          />
        </div>
        {namespaceOf && (
          <div className="field">
            <label htmlFor={namespaceId}>Namespace</label>
            <select
              id={namespaceId}
              value={namespace}
              onChange={(e) => {
                setNamespace(e.target.value);
                setPage(0);
              }}
            >
              <option value="">All namespaces</option>
              {namespaces.map((ns) => (
                <option key={ns} value={ns}>
                  {ns}
                </option>
              ))}
            </select>
          </div>
        )}
        <p className="table-status" role="status">
          {info.total === 0
            ? `No ${noun} match`
            : `Showing ${formatCount(info.first)}–${formatCount(info.last)} of ${formatCount(info.total)}`}
          {filtered && ` (filtered from ${formatCount(rows.length)})`}
        </p>
      </div>
      <div className="table-scroll">
        <table>
          <caption className="visually-hidden">{label}</caption>
          <thead>
            <tr>
              {columns.map((column) => (
                <th
                  key={column.id}
                  scope="col"
                  className={column.align === "end" ? "num" : undefined}
                  aria-sort={sort?.column === column.id ? sort.direction : undefined}
                >
                  {column.sortValue ? (
                    <button type="button" className="sort-button" onClick={() => sortBy(column.id)}>
                      {column.header}
                      <SortIcon direction={sort?.column === column.id ? sort.direction : undefined} />
                    </button>
                  ) : (
                    column.header
                  )}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {shown.map((row) => (
              <tr key={rowKey(row)}>
                {columns.map((column) => (
                  <td key={column.id} className={column.align === "end" ? "num" : undefined}>
                    {column.cell(row)}
                  </td>
                ))}
              </tr>
            ))}
            {shown.length === 0 && (
              <tr>
                <td colSpan={columns.length} className="empty-cell">
                  {rows.length === 0 ? `This snapshot has no ${noun}.` : `No ${noun} match the filter.`}
                </td>
              </tr>
            )}
          </tbody>
        </table>
      </div>
      <TablePagination label={label} info={info} onPage={setPage} />
    </div>
  );
}

function SortIcon({ direction }: { direction?: SortState["direction"] }) {
  const glyph = direction === "ascending" ? "▲" : direction === "descending" ? "▼" : "↕";
  return (
    <span className={direction ? "sort-icon active" : "sort-icon"} aria-hidden="true">
      {glyph}
    </span>
  );
}
