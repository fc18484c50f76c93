import type Database from 'better-sqlite3';

/** One row that is not the same on both sides, named by its key. */
export interface RowDifference {
  kind: 'only_live' | 'only_rebuilt' | 'differing';
  /** The row's key columns and values (all columns for a table without a primary key). */
  key: Record<string, JsonScalar>;
  /** For `differing`: the columns whose values differ. */
  columns?: string[];
}

export type JsonScalar = string | number | null;

/** How one read-model table compares with its rebuilt twin. */
export interface TableDiff {
  table: string;
  keyColumns: string[];
  equal: boolean;
  /** Set when the two sides do not even have the same columns; the rows are then not compared. */
  schemaDifference?: string;
  onlyLive: number;
  onlyRebuilt: number;
  differing: number;
  /** Every column that differs in at least one row, in table order. */
  differingColumns: string[];
  /** The first `sampleLimit` differences, in key order. */
  samples: RowDifference[];
}

export const DEFAULT_SAMPLE_LIMIT = 20;

interface ColumnInfo {
  name: string;
  pk: number;
}

type Row = Record<string, unknown>;

const quote = (identifier: string): string => `"${identifier.replaceAll('"', '""')}"`;

/**
 * Compares `table` in two databases with the same schema, in constant memory: both sides are
 * iterated ordered by the primary key (every column for a table without one) and merge-walked.
 *
 * Invariant: the walk's comparison (`compareValues`) orders values exactly as SQLite's ORDER BY
 * does with the BINARY collation (NULL < numbers < text by UTF-8 bytes < blobs); a key column with
 * another collation would break the walk, so such a schema is refused rather than misread.
 * Integers are read as bigints so that no 64-bit value is rounded on either side.
 */
export function diffTable(live: Database.Database, rebuilt: Database.Database, table: string, sampleLimit = DEFAULT_SAMPLE_LIMIT): TableDiff {
  const liveColumns = columnsOf(live, table, 'live');
  const rebuiltColumns = columnsOf(rebuilt, table, 'rebuilt');
  const keyColumns = keyColumnsOf(liveColumns);
  const diff: TableDiff = { table, keyColumns, equal: true, onlyLive: 0, onlyRebuilt: 0, differing: 0, differingColumns: [], samples: [] };
  const liveNames = liveColumns.map((column) => column.name);
  const rebuiltNames = rebuiltColumns.map((column) => column.name);
  if (liveNames.join('\u0000') !== rebuiltNames.join('\u0000')) {
    diff.equal = false;
    diff.schemaDifference = `live columns (${liveNames.join(', ')}) differ from rebuilt columns (${rebuiltNames.join(', ')})`;
    return diff;
  }
  assertBinaryCollation(live, table, keyColumns);
  const sql = `SELECT * FROM ${quote(table)} ORDER BY ${keyColumns.map(quote).join(', ')}`;
  const liveRows = live.prepare(sql).safeIntegers(true).iterate() as IterableIterator<Row>;
  const rebuiltRows = rebuilt.prepare(sql).safeIntegers(true).iterate() as IterableIterator<Row>;
  const differingColumns = new Set<string>();
  const record = (difference: RowDifference): void => {
    diff.equal = false;
    if (diff.samples.length < sampleLimit) diff.samples.push(difference);
  };
  try {
    let a = liveRows.next();
    let b = rebuiltRows.next();
    while (!a.done || !b.done) {
      const order = a.done ? 1 : b.done ? -1 : compareKeys(a.value, b.value, keyColumns);
      if (order < 0) {
        diff.onlyLive += 1;
        record({ kind: 'only_live', key: keyOf(a.value!, keyColumns) });
        a = liveRows.next();
      } else if (order > 0) {
        diff.onlyRebuilt += 1;
        record({ kind: 'only_rebuilt', key: keyOf(b.value!, keyColumns) });
        b = rebuiltRows.next();
      } else {
        const columns = liveNames.filter((name) => !sameValue(a.value![name], b.value![name]));
        if (columns.length > 0) {
          diff.differing += 1;
          for (const column of columns) differingColumns.add(column);
          record({ kind: 'differing', key: keyOf(a.value!, keyColumns), columns });
        }
        a = liveRows.next();
        b = rebuiltRows.next();
      }
    }
  } finally {
    liveRows.return?.();
    rebuiltRows.return?.();
  }
  diff.differingColumns = liveNames.filter((name) => differingColumns.has(name));
  return diff;
}

function columnsOf(db: Database.Database, table: string, side: string): ColumnInfo[] {
  const columns = db.prepare(`SELECT name, pk FROM pragma_table_info(?)`).all(table) as ColumnInfo[];
  if (columns.length === 0) throw new Error(`table ${table} does not exist in the ${side} read-model database`);
  return columns;
}

/** The primary key's columns in key order; every column when the table has none (rowid only). */
function keyColumnsOf(columns: ColumnInfo[]): string[] {
  const key = columns.filter((column) => column.pk > 0).sort((x, y) => x.pk - y.pk);
  return (key.length > 0 ? key : columns).map((column) => column.name);
}

function assertBinaryCollation(db: Database.Database, table: string, keyColumns: string[]): void {
  const sql = db.prepare(`SELECT sql FROM sqlite_schema WHERE type = 'table' AND name = ?`).pluck().get(table) as string | undefined;
  if (sql !== undefined && /\bCOLLATE\b/i.test(sql) && !/\bCOLLATE\s+BINARY\b/i.test(sql)) {
    throw new Error(`table ${table} declares a collation on a column; the replay comparison needs BINARY keys (${keyColumns.join(', ')})`);
  }
}

function compareKeys(a: Row, b: Row, keyColumns: string[]): number {
  for (const column of keyColumns) {
    const order = compareValues(a[column], b[column]);
    if (order !== 0) return order;
  }
  return 0;
}

const storageClass = (value: unknown): number =>
  value === null || value === undefined ? 0 : typeof value === 'number' || typeof value === 'bigint' ? 1 : typeof value === 'string' ? 2 : 3;

/** SQLite's ORDER BY on BINARY values: NULL, then numbers, then text (UTF-8 bytes), then blobs. */
export function compareValues(a: unknown, b: unknown): number {
  const classA = storageClass(a);
  const classB = storageClass(b);
  if (classA !== classB) return classA - classB;
  switch (classA) {
    case 0:
      return 0;
    case 1:
      return (a as number | bigint) < (b as number | bigint) ? -1 : (a as number | bigint) > (b as number | bigint) ? 1 : 0;
    case 2:
      // JS compares UTF-16 code units, SQLite UTF-8 bytes: they disagree above U+FFFF.
      return (a as string) === (b as string) ? 0 : Buffer.compare(Buffer.from(a as string, 'utf8'), Buffer.from(b as string, 'utf8'));
    default:
      return Buffer.compare(a as Buffer, b as Buffer);
  }
}

function sameValue(a: unknown, b: unknown): boolean {
  if (Buffer.isBuffer(a) && Buffer.isBuffer(b)) return a.equals(b);
  // A REAL 1.0 and an INTEGER 1 are different values to a read model: compare type and value.
  return typeof a === typeof b && a === b;
}

function keyOf(row: Row, keyColumns: string[]): Record<string, JsonScalar> {
  return Object.fromEntries(keyColumns.map((column) => [column, toJsonScalar(row[column])]));
}

/** Key values as JSON can carry them: integers beyond 2^53 as text, blobs as hex. */
function toJsonScalar(value: unknown): JsonScalar {
  if (value === null || value === undefined) return null;
  if (typeof value === 'bigint') return value >= BigInt(Number.MIN_SAFE_INTEGER) && value <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(value) : value.toString();
  if (Buffer.isBuffer(value)) return `x'${value.toString('hex')}'`;
  return value as string | number;
}

/** `client_id=abc, revision=3`: a row key as the text output names it. */
export function formatRowKey(key: Record<string, JsonScalar>): string {
  return Object.entries(key)
    .map(([column, value]) => `${column}=${value === null ? 'NULL' : String(value)}`)
    .join(', ');
}
