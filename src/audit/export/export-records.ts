import { formatPosition, type RecordedEvent } from '#event-store';
import type { ExportFormat } from './export-filter.js';

/*
 * One event as an export record. Every format carries the same fields: position (as
 * formatPosition writes it, so it can be passed back as `after`), created_at (ISO-8601), stream,
 * revision (a JSON number), type, id, data and metadata (objects). CSV adds `actor`
 * (metadata.actor), the column a spreadsheet user filters on first.
 */

/** The record as a JSON object's text. Written by hand: one template per event is the export's hot path. */
export function recordJson(event: RecordedEvent): string {
  return (
    `{"position":"${formatPosition(event.position)}","created_at":"${event.createdAt.toISOString()}",` +
    `"stream":${JSON.stringify(event.stream)},"revision":${event.revision},"type":${JSON.stringify(event.type)},` +
    `"id":${JSON.stringify(event.id)},"data":${JSON.stringify(event.data)},"metadata":${JSON.stringify(event.metadata)}}`
  );
}

export const CSV_HEADER = 'position,created_at,stream,revision,type,id,actor,data,metadata\r\n';

const NEEDS_QUOTES = /[",\r\n]/;
/**
 * A spreadsheet (Excel, LibreOffice, Sheets) runs a cell that starts with one of these as a
 * formula, so event content written by a client or a person (a client name, a login) could
 * compute or fetch something on the auditor's machine: such a cell is written with a leading
 * `'`, which those programs read as "text", and shown without it.
 */
const FORMULA_START = /^[=+\-@\t\r]/;

/** One CSV field (RFC 4180): quoted when it holds a quote, comma or line break; a formula is neutralised first. */
export function csvField(value: string): string {
  const text = FORMULA_START.test(value) ? `'${value}` : value;
  return NEEDS_QUOTES.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

/** One CSV line, CRLF-terminated as RFC 4180 writes them. */
export function recordCsv(event: RecordedEvent): string {
  const actor = typeof event.metadata.actor === 'string' ? event.metadata.actor : '';
  return (
    `${formatPosition(event.position)},${event.createdAt.toISOString()},${csvField(event.stream)},${event.revision},` +
    `${csvField(event.type)},${csvField(event.id)},${csvField(actor)},${csvField(JSON.stringify(event.data))},` +
    `${csvField(JSON.stringify(event.metadata))}\r\n`
  );
}

/** How a format frames its records: what comes first, between and after them. */
export interface RecordWriter {
  contentType: string;
  extension: string;
  head: string;
  /** The text of one record, `first` telling whether it opens the body (JSON's commas). */
  record(event: RecordedEvent, first: boolean): string;
  tail(empty: boolean): string;
}

export const RECORD_WRITERS: Readonly<Record<ExportFormat, RecordWriter>> = {
  ndjson: {
    contentType: 'application/x-ndjson',
    extension: 'ndjson',
    head: '',
    record: (event) => `${recordJson(event)}\n`,
    tail: () => '',
  },
  // One array, written as it goes: a record per line so that it stays readable and diffable.
  json: {
    contentType: 'application/json',
    extension: 'json',
    head: '[',
    record: (event, first) => `${first ? '\n' : ',\n'}${recordJson(event)}`,
    tail: (empty) => (empty ? ']\n' : '\n]\n'),
  },
  csv: {
    contentType: 'text/csv; charset=utf-8',
    extension: 'csv',
    head: CSV_HEADER,
    record: (event) => recordCsv(event),
    tail: () => '',
  },
};
