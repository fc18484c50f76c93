import { request as httpRequest } from 'node:http';
import { expect } from '@jest/globals';
import { type EventStore, formatPosition } from '#event-store';

// What the bad-input sweeps (test/bad-input*.e2e-spec.ts) share: how a request is written down
// and sent, where the event log's head is, and what no answer may ever contain.

export type Params = Record<string, string | string[] | undefined>;

export const FORM = 'application/x-www-form-urlencoded';

export interface HttpRequest {
  method?: string;
  path: string;
  /** Query parameters; a list repeats the name, undefined drops it. */
  query?: Params;
  /** Form body parameters, sent as application/x-www-form-urlencoded unless `headers` says otherwise. */
  form?: Params;
  /** A raw body, sent as is (bytes for what is not UTF-8). */
  raw?: string | Uint8Array;
  headers?: Record<string, string>;
  /**
   * Send `path` byte for byte (node:http): fetch would resolve `..` and `%2e%2e` segments
   * before the server could see them.
   */
  exactPath?: true;
}

export function encode(params: Params): string {
  const out = new URLSearchParams();
  for (const [name, value] of Object.entries(params)) {
    if (value === undefined) continue;
    for (const item of Array.isArray(value) ? value : [value]) out.append(name, item);
  }
  return out.toString();
}

/** Sends `request` to the server at `base`, never following a redirect. */
export async function send(base: string, request: HttpRequest): Promise<Response> {
  const query = request.query === undefined ? '' : `?${encode(request.query)}`;
  const headers: Record<string, string> = { ...request.headers };
  let body: string | Uint8Array | undefined;
  if (request.form !== undefined) {
    body = encode(request.form);
    headers['content-type'] ??= FORM;
  } else if (request.raw !== undefined) body = request.raw;
  const method = request.method ?? (body === undefined ? 'GET' : 'POST');
  if (request.exactPath) return sendExact(base, method, `${request.path}${query}`, headers, body);
  return fetch(`${base}${request.path}${query}`, { method, headers, body, redirect: 'manual' });
}

function sendExact(base: string, method: string, path: string, headers: Record<string, string>, body: string | Uint8Array | undefined): Promise<Response> {
  return new Promise((resolve, reject) => {
    const { hostname, port } = new URL(base);
    const outgoing = httpRequest({ host: hostname, port, method, path, headers }, (incoming) => {
      const chunks: Buffer[] = [];
      incoming.on('data', (chunk: Buffer) => chunks.push(chunk));
      incoming.on('error', reject);
      incoming.on('end', () => {
        const answer = new Headers();
        for (const [name, value] of Object.entries(incoming.headers)) for (const item of [value ?? []].flat()) answer.append(name, item);
        // A 101/204/205/304 Response may not be given a body, not even an empty one.
        const status = incoming.statusCode!;
        resolve(new Response([101, 204, 205, 304].includes(status) ? null : Buffer.concat(chunks), { status, headers: answer }));
      });
    });
    outgoing.on('error', reject);
    outgoing.end(body);
  });
}

/** The position and type of the last event of the log. */
export async function logHead(store: EventStore): Promise<string> {
  for await (const event of store.readAll({ direction: 'backwards', maxCount: 1 })) return `${formatPosition(event.position)} ${event.type}`;
  return 'empty';
}

/** The types of the events appended after `head` (a logHead answer), oldest first. */
export async function appendedSince(store: EventStore, head: string): Promise<string[]> {
  const types: string[] = [];
  for await (const event of store.readAll({ direction: 'backwards' })) {
    if (`${formatPosition(event.position)} ${event.type}` === head) break;
    types.unshift(event.type);
  }
  return types;
}

/**
 * Nothing of the server's insides in an answer: no stack frame, no source or install path, no
 * JavaScript engine message (a TypeError's text is a bug showing, not an answer).
 */
export function expectNoInternals(text: string): void {
  expect(text).not.toMatch(/\n\s+at .+[(:]\d+/);
  expect(text).not.toMatch(/node_modules|file:\/\/|\/(?:src|dist|libs)\/[\w/.-]+\.[jt]s\b/);
  expect(text).not.toMatch(/Cannot read propert|is not a function|is not iterable|Unexpected token .* in JSON|undefined \(reading/);
}
