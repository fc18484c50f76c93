import type { EventFilter, RecordedEvent } from '#event-store';
import { streamCategory } from '../read-model/log-summary.projection.js';
import type { ExportFilter } from './export-filter.js';

/**
 * The grants of a subject or of a client, by id, as the grants read model knows them. Called once
 * per export, before the first event: its size is that subject's or client's grants, never the log's.
 */
export type GrantsOf = (owner: { subject: string } | { clientId: string }) => Iterable<string>;

const GRANT_PREFIX = 'grant-';
const GRANT_ISSUED = 'GrantIssued';

/** The content criteria of an export (types, categories, subject, client) as one predicate. */
export interface EventMatcher {
  /** A server-side pre-filter for `readAll`, when one helps; `matches` still decides every event. */
  readonly storeFilter: EventFilter | undefined;
  matches(event: RecordedEvent): boolean;
}

/**
 * Compiles the content criteria. A grant's later events (RefreshTokenRotated, GrantRevoked) do not
 * repeat its subject or client, so they match through the grant's stream: the grants the read model
 * knows at the start, plus any whose GrantIssued the export itself passes (the read model lags the
 * log, and a grant issued during a long export is still the subject's).
 */
export function compileMatcher(filter: ExportFilter, grantsOf?: GrantsOf): EventMatcher {
  const types = filter.types ? new Set(filter.types) : undefined;
  const categories = filter.categories ? new Set(filter.categories) : undefined;
  const subject = filter.subject === undefined ? undefined : owner('subject', filter.subject, grantsOf?.({ subject: filter.subject }));
  const client = filter.client === undefined ? undefined : owner('clientId', filter.client, grantsOf?.({ clientId: filter.client }));
  const clientStream = filter.client === undefined ? undefined : `client-${filter.client}`;
  return {
    storeFilter: storeFilterOf(filter),
    matches(event) {
      if (types && !types.has(event.type)) return false;
      if (categories && !categories.has(streamCategory(event.stream))) return false;
      if (subject && !subject(event)) return false;
      if (client && !(event.stream === clientStream || client(event))) return false;
      return true;
    },
  };
}

/** Matches events that name `value` in `data[field]`, and every event of a grant stream of theirs. */
function owner(field: 'subject' | 'clientId', value: string, known: Iterable<string> | undefined): (event: RecordedEvent) => boolean {
  const grants = new Set(known ?? []);
  return (event) => {
    const named = event.data[field] === value;
    if (!event.stream.startsWith(GRANT_PREFIX)) return named;
    const grantId = event.stream.slice(GRANT_PREFIX.length);
    if (named && event.type === GRANT_ISSUED) grants.add(grantId);
    return named || grants.has(grantId);
  };
}

/**
 * KurrentDB filters `$all` by one kind of prefix. Types are exact, so their prefixes are the types;
 * a category's prefix is the bare category (not `category-`): streamCategory calls a name without
 * a dash its own category, and `matches` re-checks exactly what a prefix lets through. Subject and
 * client need the event's data, which no server-side filter sees.
 */
function storeFilterOf(filter: ExportFilter): EventFilter | undefined {
  if (filter.types) return { eventTypePrefixes: filter.types };
  if (filter.categories) return { streamNamePrefixes: filter.categories };
  return undefined;
}
