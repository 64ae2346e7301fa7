import { formatCount } from "./format";
import type { PageInfo } from "./table-model";

/** Previous / next for a {@link DataTable}; hidden when everything fits on one page. */
export function TablePagination({ label, info, onPage }: { label: string; info: PageInfo; onPage: (page: number) => void }) {
  if (info.pages <= 1) return null;
  return (
    <nav className="pagination" aria-label={`${label} pages`}>
      <button type="button" onClick={() => onPage(0)} disabled={info.page === 0}>
        First
      </button>
      <button type="button" onClick={() => onPage(info.page - 1)} disabled={info.page === 0}>
        Previous
      </button>
      <span>
        Page {formatCount(info.page + 1)} of {formatCount(info.pages)}
      </span>
      <button type="button" onClick={() => onPage(info.page + 1)} disabled={info.page >= info.pages - 1}>
        Next
      </button>
      <button type="button" onClick={() => onPage(info.pages - 1)} disabled={info.page >= info.pages - 1}>
        Last
      </button>
    </nav>
  );
}
