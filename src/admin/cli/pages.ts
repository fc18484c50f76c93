import type { Page } from '../api/admin-api.js';
import { MAX_LIMIT } from './arguments.js';

export interface PageFlags {
  limit?: number;
  cursor?: string;
}

/**
 * `--limit n`: one page of at most n, with its next_cursor for `--cursor`. No limit: every page,
 * followed to the end, as one page whose next_cursor is null, so the JSON has the API's shape
 * either way.
 */
export async function readPages<T>(flags: PageFlags, fetchPage: (limit: number, cursor?: string) => Promise<Page<T>>): Promise<Page<T>> {
  if (flags.limit !== undefined) return fetchPage(flags.limit, flags.cursor);
  const items: T[] = [];
  const seen = new Set<string>();
  let cursor = flags.cursor;
  for (;;) {
    const page = await fetchPage(MAX_LIMIT, cursor);
    items.push(...page.items);
    // A cursor seen before would loop for ever; a well-behaved server never sends one.
    if (page.next_cursor === null || page.next_cursor === undefined || seen.has(page.next_cursor)) break;
    seen.add(page.next_cursor);
    cursor = page.next_cursor;
  }
  return { items, next_cursor: null };
}

/** The hint printed (on stderr) under a partial list in text. */
export function nextPageHint(page: Page<unknown>): string | undefined {
  return page.next_cursor ? `(more: repeat with --cursor ${page.next_cursor})` : undefined;
}
