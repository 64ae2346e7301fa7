/** @jsxImportSource @/lib/server/report/html */
import type { Html } from "./html/jsx-runtime";

/** A table with a header row; a header starting with "#" is a count: right-aligned, "#" dropped. */
export function Table({ headers, rows }: { headers: string[]; rows: (Html | string | number)[][] }) {
  const numeric = headers.map((h) => h.startsWith("#"));
  return (
    <table>
      <thead>
        <tr>
          {headers.map((h, i) => (
            <th key={h} className={numeric[i] ? "num" : undefined}>
              {numeric[i] ? h.slice(1) : h}
            </th>
          ))}
        </tr>
      </thead>
      <tbody>
        {rows.map((row, r) => (
          <tr key={r}>
            {row.map((cell, i) => (
              <td key={i} className={numeric[i] ? "num" : undefined}>
                {cell}
              </td>
            ))}
          </tr>
        ))}
      </tbody>
    </table>
  );
}

