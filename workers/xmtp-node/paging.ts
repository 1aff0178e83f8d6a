/**
 * node-go's paging rules (docs/local-xmtp-node.md §6.6), shared by group-message, welcome and
 * commit-log queries:
 * - direction: ascending only when asked; absent or unspecified means DESCENDING;
 * - limit: 1..100 as asked, otherwise 100;
 * - id_cursor is exclusive (ascending: ids > cursor, descending: ids < cursor; 0 = no bound);
 * - the response cursor is the last id returned only when the page is full, else 0.
 */
import type { PagingInfo } from "./schema.ts";

export const ASCENDING = 1;
export const DESCENDING = 2;
const MAX_LIMIT = 100;

export interface Page<T> {
  items: T[];
  paging_info: { direction: number; limit: number; id_cursor: string };
}

/** Index of the first row whose id is greater than `id` (rows sorted ascending). */
export function firstAbove<T>(rows: readonly T[], id: number, idOf: (row: T) => number): number {
  let lo = 0;
  let hi = rows.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (idOf(rows[mid]) <= id) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** One page of `rows` (sorted by ascending id) under node-go's rules; `forceAscending` for the commit log. */
export function page<T>(
  rows: readonly T[],
  idOf: (row: T) => number,
  paging: PagingInfo | undefined,
  forceAscending = false,
): Page<T> {
  const direction = forceAscending || paging?.direction === ASCENDING ? ASCENDING : DESCENDING;
  const asked = paging?.limit ?? 0;
  const limit = asked >= 1 && asked <= MAX_LIMIT ? asked : MAX_LIMIT;
  const cursor = Number(paging?.id_cursor ?? 0);
  let items: T[];
  if (direction === ASCENDING) {
    const start = firstAbove(rows, cursor, idOf);
    items = rows.slice(start, start + limit);
  } else {
    // ids < cursor: everything below the first id >= cursor.
    const end = cursor === 0 ? rows.length : firstAbove(rows, cursor - 1, idOf);
    items = rows.slice(Math.max(0, end - limit), end).reverse();
  }
  const full = items.length === limit;
  return {
    items,
    paging_info: { direction, limit, id_cursor: full ? String(idOf(items[items.length - 1])) : "0" },
  };
}
