import type { LookupAddress } from 'node:dns';
import type { IncomingMessage } from 'node:http';
import { request } from 'node:https';
import type { LookupFunction } from 'node:net';
import type { SecureContext } from 'node:tls';
import { FetchRefusal, networkFailure } from './fetch-refusal.js';

export interface PinnedGet {
  url: URL;
  /** Addresses already checked for `url`'s host: the connection goes to these and no others. */
  addresses: readonly LookupAddress[];
  /** The TLS context holding the trusted CAs, or undefined for Node's defaults. */
  secureContext: SecureContext | undefined;
  maxBytes: number;
  /** Aborted when the whole fetch's time is up; its reason, if a FetchRefusal, is the failure. */
  signal: AbortSignal;
}

export interface JsonBody {
  body: Buffer;
  cacheControl: string | undefined;
}

/**
 * One GET of a JSON document, within strict limits: no redirect followed (3xx fails), status 200
 * and a JSON content type required, at most `maxBytes` read (the rest is never downloaded), no
 * cookies or credentials sent, no connection reused. TLS is verified (against `secureContext`'s
 * CAs) for the URL's host name, while the TCP connection goes to the pinned addresses: a DNS
 * answer changed between the check and the connection (rebinding) is never asked for.
 */
export function pinnedHttpsGet({ url, addresses, secureContext, maxBytes, signal }: PinnedGet): Promise<JsonBody> {
  return new Promise<JsonBody>((resolve, reject) => {
    let settled = false;
    const finish = (failure: FetchRefusal | null, body?: JsonBody) => {
      if (settled) return;
      settled = true;
      signal.removeEventListener('abort', onAbort);
      req.destroy();
      if (failure === null) resolve(body!);
      else reject(failure);
    };
    const onAbort = () => finish(signal.reason instanceof FetchRefusal ? signal.reason : new FetchRefusal('the fetch was aborted'));

    const pinned: LookupFunction = (_hostname, options, callback) => {
      if (options.all) callback(null, [...addresses]);
      else callback(null, addresses[0]!.address, addresses[0]!.family);
    };
    const req = request({
      method: 'GET',
      protocol: 'https:',
      hostname: url.hostname.startsWith('[') ? url.hostname.slice(1, -1) : url.hostname,
      port: url.port === '' ? 443 : Number(url.port),
      path: url.pathname + url.search,
      headers: { accept: 'application/json', 'user-agent': 'meshid (OAuth Client ID Metadata Document fetch)' },
      agent: false,
      lookup: pinned,
      ...(secureContext === undefined ? {} : { secureContext }),
      maxHeaderSize: 8192,
    });
    req.on('error', (error) => finish(networkFailure(error)));
    req.on('response', (res) => {
      const problem = responseProblem(res, maxBytes);
      if (problem !== null) return finish(new FetchRefusal(problem));
      const chunks: Buffer[] = [];
      let size = 0;
      res.on('data', (chunk: Buffer) => {
        size += chunk.length;
        if (size > maxBytes) return finish(new FetchRefusal(`the document is larger than ${maxBytes} bytes`));
        chunks.push(chunk);
      });
      res.on('end', () => finish(null, { body: Buffer.concat(chunks), cacheControl: header(res, 'cache-control') }));
      res.on('error', (error) => finish(networkFailure(error)));
    });
    if (signal.aborted) onAbort();
    else signal.addEventListener('abort', onAbort, { once: true });
    req.end();
  });
}

/** Why the response's status line and headers already rule it out, or null. */
function responseProblem(res: IncomingMessage, maxBytes: number): string | null {
  const status = res.statusCode ?? 0;
  if (status >= 300 && status < 400) return `the server redirects (status ${status}); redirects are not followed`;
  if (status !== 200) return `the server answered status ${status} (expected 200)`;
  const type = (header(res, 'content-type') ?? '').split(';')[0]!.trim().toLowerCase();
  if (!/^application\/([a-z0-9!#$&^_.-]+\+)?json$/.test(type)) return `the content type is ${JSON.stringify(type.slice(0, 100))} (expected application/json)`;
  const encoding = (header(res, 'content-encoding') ?? 'identity').trim().toLowerCase();
  if (encoding !== 'identity') return `the content is encoded (${JSON.stringify(encoding.slice(0, 100))}), though no encoding was accepted`;
  const length = header(res, 'content-length');
  if (length !== undefined && Number(length) > maxBytes) return `the document is larger than ${maxBytes} bytes`;
  return null;
}

function header(res: IncomingMessage, name: string): string | undefined {
  const value = res.headers[name];
  return Array.isArray(value) ? value.join(', ') : value;
}
