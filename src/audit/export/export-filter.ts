import { comparePositions, parsePosition, type Position } from '#event-store';
import { AdminApiError, type FieldProblem } from '../../admin/api/admin-api.js';

/**
 * What an export selects. Every criterion given must hold (AND); within `types` and `categories`
 * any one listed is enough (OR).
 */
export interface ExportFilter {
  /** Inclusive lower bound on the event's created_at. */
  from?: Date;
  /** Exclusive upper bound on the event's created_at. */
  to?: Date;
  /** Exclusive: the last position already received; the export resumes right after it. */
  after?: Position;
  /** Inclusive: the read stops past this position. */
  until?: Position;
  /** Exact event types. */
  types?: readonly string[];
  /** Stream categories, as streamCategory gives them (`client`, `grant`, `audit`...). */
  categories?: readonly string[];
  /** A person: data.subject, or the stream of one of their grants. */
  subject?: string;
  /** A client: data.clientId, its `client-<id>` stream, or the stream of one of its grants. */
  client?: string;
  /** At most this many records. */
  limit?: number;
}

export const EXPORT_FORMATS = ['ndjson', 'json', 'csv'] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

export interface ExportRequest {
  filter: ExportFilter;
  format: ExportFormat;
}

/** A query value as Fastify's parser gives it (a repeated key is an array) or as the CLI collects it. */
export type RawExportQuery = Record<string, string | readonly string[] | undefined>;

/** The names the endpoint and the CLI accept; anything else is refused, a typo must not widen an export. */
export const EXPORT_PARAMETERS = ['format', 'from', 'to', 'after', 'until', 'type', 'category', 'subject', 'client', 'limit'] as const;

const KNOWN = new Set<string>(EXPORT_PARAMETERS);
const LIST_ITEM = /^[\x21-\x2b\x2d-\x7e]{1,200}$/;
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/;
const INSTANT = /^(\d{4})-(\d{2})-(\d{2})(?:T(\d{2}):(\d{2})(?::(\d{2})(?:\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2}))?$/;
const MAX_LIST = 100;

/**
 * Checks an export's parameters, all of them, before anything is read: one invalid_request
 * naming every field at fault (`name` spells the field as the caller's surface does, `--from`
 * on the command line). Shared by the HTTP endpoint and the CLI so both accept exactly the same.
 */
export function parseExportQuery(query: RawExportQuery, name: (field: string) => string = (field) => field): ExportRequest {
  const problems: FieldProblem[] = [];
  const fail = (field: string, message: string): undefined => void problems.push({ field: name(field), message });
  for (const key of Object.keys(query)) {
    if (!KNOWN.has(key) && query[key] !== undefined) fail(key, `is not an export parameter (expected ${EXPORT_PARAMETERS.join(', ')})`);
  }
  const single = (field: string): string | undefined => {
    const value = query[field];
    if (value === undefined) return undefined;
    if (typeof value !== 'string') return fail(field, 'may be given only once');
    if (value === '') return fail(field, 'must not be empty');
    return value;
  };
  const format = parseFormat(single('format'), (message) => fail('format', message));
  const filter: ExportFilter = {};
  const from = instant(single('from'), (message) => fail('from', message));
  const to = instant(single('to'), (message) => fail('to', message));
  const after = position(single('after'), (message) => fail('after', message));
  const until = position(single('until'), (message) => fail('until', message));
  const types = list(query['type'], 'an event type', (message) => fail('type', message));
  const categories = list(query['category'], 'a stream category', (message) => fail('category', message));
  const subject = identifier(single('subject'), (message) => fail('subject', message));
  const client = identifier(single('client'), (message) => fail('client', message));
  const limit = positiveInteger(single('limit'), (message) => fail('limit', message));
  if (from && to && from.getTime() >= to.getTime()) fail('to', 'must be later than from');
  if (after && until && comparePositions(after, until) >= 0) fail('until', 'must be a later position than after');
  if (problems.length > 0) {
    throw new AdminApiError('invalid_request', problems.map((problem) => `${problem.field} ${problem.message}`).join('; '), problems);
  }
  Object.assign(filter, from && { from }, to && { to }, after && { after }, until && { until }, types && { types }, categories && { categories });
  Object.assign(filter, subject && { subject }, client && { client }, limit && { limit });
  return { filter, format: format ?? 'ndjson' };
}

function parseFormat(value: string | undefined, fail: (message: string) => void): ExportFormat | undefined {
  if (value === undefined) return undefined;
  if ((EXPORT_FORMATS as readonly string[]).includes(value)) return value as ExportFormat;
  fail(`must be one of ${EXPORT_FORMATS.join(', ')}`);
  return undefined;
}

/**
 * An ISO-8601 instant: a date (UTC midnight) or a date and time with `Z` or an offset. A time
 * without a zone is refused: it would mean the server's local time, which the caller cannot see.
 */
function instant(value: string | undefined, fail: (message: string) => void): Date | undefined {
  if (value === undefined) return undefined;
  const match = INSTANT.exec(value);
  const problem = 'must be an ISO-8601 instant, e.g. 2025-01-31 or 2025-01-31T12:00:00Z (a time needs Z or an offset)';
  if (!match) return void fail(problem);
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  const calendar = new Date(Date.UTC(year, month - 1, day));
  const time = Date.parse(value);
  // Date.parse rolls 2025-02-30 over to March 2nd; a day that does not exist is a typo.
  if (calendar.getUTCMonth() !== month - 1 || calendar.getUTCDate() !== day || Number.isNaN(time)) return void fail(problem);
  return new Date(time);
}

function position(value: string | undefined, fail: (message: string) => void): Position | undefined {
  if (value === undefined) return undefined;
  try {
    return parsePosition(value);
  } catch {
    return void fail('must be a log position "<commit>/<prepare>", as the export records it');
  }
}

/** A repeatable parameter: given several times, as a comma-separated list, or both. */
function list(value: string | readonly string[] | undefined, what: string, fail: (message: string) => void): string[] | undefined {
  if (value === undefined) return undefined;
  const items = (typeof value === 'string' ? [value] : value).flatMap((item) => item.split(','));
  if (items.length > MAX_LIST) return void fail(`may list at most ${MAX_LIST} values`);
  const bad = items.find((item) => !LIST_ITEM.test(item));
  if (bad !== undefined) return void fail(`must list ${what} per value: 1 to 200 visible characters, no spaces or commas`);
  return [...new Set(items)];
}

function identifier(value: string | undefined, fail: (message: string) => void): string | undefined {
  if (value === undefined) return undefined;
  if (value.length > 2048 || CONTROL.test(value)) return void fail('must be 1 to 2048 characters without control characters');
  return value;
}

function positiveInteger(value: string | undefined, fail: (message: string) => void): number | undefined {
  if (value === undefined) return undefined;
  if (!/^[1-9][0-9]{0,15}$/.test(value) || !Number.isSafeInteger(Number(value))) return void fail('must be a whole number from 1');
  return Number(value);
}
