/**
 * Opaque page cursors for keyset paging: the sort key of the last item of a page, as base64url
 * JSON. A cursor is only a position, never a permission, so it needs no signature; what comes
 * back is checked for shape like any other input.
 */
export function encodeCursor(key: readonly string[]): string {
  return Buffer.from(JSON.stringify(key)).toString('base64url');
}

/** The key of `cursor`, or null when it is not one this server made (`arity` strings). */
export function decodeCursor(cursor: string, arity: number): string[] | null {
  if (cursor.length > 2048 || !/^[A-Za-z0-9_-]+$/.test(cursor)) return null;
  try {
    const key: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    return Array.isArray(key) && key.length === arity && key.every((part) => typeof part === 'string') ? (key as string[]) : null;
  } catch {
    return null;
  }
}
