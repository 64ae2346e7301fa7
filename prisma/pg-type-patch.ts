/**
 * Work-around for prisma/prisma#27403: `prisma migrate` over the pg driver adapter fails with
 * "Column type 'name' could not be deserialized" (then 'char') because the adapter does not know
 * PostgreSQL's internal catalog types. We rewrite their type ids in query results to plain
 * `text` (and `text[]`), which is what those values are. Only the Prisma CLI loads this file
 * (through prisma.config.ts); the app itself never queries catalog columns.
 */
import pg from "pg";

// name, char, int2vector, regproc, pg_node_tree -> text; _char -> text[]
const AS_TEXT = new Set([18, 19, 22, 24, 194]);
const TEXT = 25;
const CHAR_ARRAY = 1003;
const TEXT_ARRAY = 1009;

type Field = { dataTypeID: number };
type Result = { fields?: Field[] } | undefined;

function retype(result: Result): Result {
  for (const field of result?.fields ?? []) {
    if (AS_TEXT.has(field.dataTypeID)) field.dataTypeID = TEXT;
    else if (field.dataTypeID === CHAR_ARRAY) field.dataTypeID = TEXT_ARRAY;
  }
  return result;
}

let patched = false;

export function patchPgCatalogTypes(): void {
  if (patched) return;
  patched = true;
  const original = pg.Client.prototype.query as (...args: unknown[]) => unknown;
  pg.Client.prototype.query = function patchedQuery(this: unknown, ...args: unknown[]) {
    const last = args.length - 1;
    const callback = args[last];
    if (typeof callback === "function") {
      args[last] = (error: unknown, result: Result) => callback(error, retype(result));
      return original.apply(this, args);
    }
    const returned = original.apply(this, args);
    if (returned instanceof Promise) return returned.then((r: Result) => retype(r));
    return returned;
  } as typeof pg.Client.prototype.query;
}
