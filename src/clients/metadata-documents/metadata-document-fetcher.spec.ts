import type { LookupAddress } from 'node:dns';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { type HostLookup } from './host-addresses.js';
import { MetadataDocumentFetcher, type MetadataDocumentFetcherOptions, type MetadataDocumentResolution } from './metadata-document-fetcher.js';
import { MetadataServer, type Route } from './testing/metadata-server.js';
import { TEST_LOCALHOST_CERTIFICATE_PEM } from './testing/test-certificate.js';

let server: MetadataServer;
beforeAll(async () => {
  server = await MetadataServer.start();
});
afterAll(() => server.close());

let nextPath = 0;
/** A fresh path per test, so that the server's hit counts and the caches never mix tests. */
const freshPath = () => `/clients/${++nextPath}.json`;

const documentFor = (url: string, extra: Record<string, unknown> = {}) => ({
  client_id: url,
  client_name: 'Test MCP client',
  redirect_uris: ['http://127.0.0.1:33418/callback'],
  ...extra,
});

/** A fetcher that trusts the test certificate and may fetch from localhost, which it resolves to 127.0.0.1. */
function setup(options: MetadataDocumentFetcherOptions = {}) {
  const clock = { now: Date.parse('2026-03-01T12:00:00Z') };
  const lookups: string[] = [];
  const answers = new Map<string, LookupAddress[]>([['localhost', [{ address: '127.0.0.1', family: 4 }]]]);
  const lookup: HostLookup = async (hostname) => {
    lookups.push(hostname);
    const answer = answers.get(hostname);
    if (answer === undefined) throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), { code: 'ENOTFOUND' });
    return answer;
  };
  const fetcher = new MetadataDocumentFetcher({
    privateHosts: ['localhost'],
    extraCaPem: TEST_LOCALHOST_CERTIFICATE_PEM,
    lookup,
    now: () => clock.now,
    ...options,
  });
  return { fetcher, clock, lookups, answers };
}

function reasonOf(resolution: MetadataDocumentResolution): string {
  if (resolution.ok) throw new Error(`expected a failure, got client ${resolution.client.clientId}`);
  return resolution.reason;
}

describe('MetadataDocumentFetcher', () => {
  it('fetches, validates and returns the client, dated at the fetch', async () => {
    const { fetcher, lookups } = setup();
    const path = freshPath();
    const url = server.url(path);
    let request: { method?: string; accept?: string; cookie?: string; authorization?: string } = {};
    server.route(path, (req, res) => {
      request = { method: req.method, accept: req.headers.accept, cookie: req.headers.cookie, authorization: req.headers.authorization };
      res.writeHead(200, { 'content-type': 'application/json; charset=utf-8' }).end(JSON.stringify(documentFor(url, { logo_uri: 'https://x/logo.png' })));
    });

    const resolution = await fetcher.resolve(url);

    expect(resolution.ok && resolution.client).toMatchObject({
      clientId: url,
      confidential: false,
      revision: 0n,
      createdAt: '2026-03-01T12:00:00.000Z',
      updatedAt: '2026-03-01T12:00:00.000Z',
      metadata: { client_name: 'Test MCP client', token_endpoint_auth_method: 'none', require_pkce: true },
    });
    expect(request).toEqual({ method: 'GET', accept: 'application/json', cookie: undefined, authorization: undefined });
    expect(lookups).toEqual(['localhost']);
  });

  it('accepts a +json content type', async () => {
    const { fetcher } = setup();
    const path = freshPath();
    server.json(path, documentFor(server.url(path)), { 'content-type': 'application/vnd.example.client+json' });
    expect((await fetcher.resolve(server.url(path))).ok).toBe(true);
  });

  it('caches a document for 5 minutes without Cache-Control', async () => {
    const { fetcher, clock, lookups } = setup();
    const path = freshPath();
    server.json(path, documentFor(server.url(path)));

    const first = await fetcher.resolve(server.url(path));
    clock.now += 5 * 60_000 - 1;
    const second = await fetcher.resolve(server.url(path));
    expect(second).toBe(first);
    expect(server.hitsOf(path)).toBe(1);
    expect(lookups).toHaveLength(1);

    clock.now += 1;
    await fetcher.resolve(server.url(path));
    expect(server.hitsOf(path)).toBe(2);
  });

  it('honours Cache-Control max-age', async () => {
    const { fetcher, clock } = setup();
    const path = freshPath();
    server.json(path, documentFor(server.url(path)), { 'cache-control': 'public, max-age=120' });

    await fetcher.resolve(server.url(path));
    clock.now += 119_000;
    await fetcher.resolve(server.url(path));
    expect(server.hitsOf(path)).toBe(1);
    clock.now += 1_000;
    await fetcher.resolve(server.url(path));
    expect(server.hitsOf(path)).toBe(2);
  });

  it('keeps a no-store document for the 60-second floor', async () => {
    const { fetcher, clock } = setup();
    const path = freshPath();
    server.json(path, documentFor(server.url(path)), { 'cache-control': 'no-store' });

    await fetcher.resolve(server.url(path));
    clock.now += 59_999;
    await fetcher.resolve(server.url(path));
    expect(server.hitsOf(path)).toBe(1);
    clock.now += 1;
    await fetcher.resolve(server.url(path));
    expect(server.hitsOf(path)).toBe(2);
  });

  it('caches a failure for 30 seconds', async () => {
    const { fetcher, clock } = setup();
    const path = freshPath();
    const url = server.url(path);

    const first = reasonOf(await fetcher.resolve(url));
    expect(first).toBe('could not fetch the client metadata document: the server answered status 404 (expected 200)');
    clock.now += 29_999;
    expect(reasonOf(await fetcher.resolve(url))).toBe(first);
    expect(server.hitsOf(path)).toBe(1);

    clock.now += 1;
    server.json(path, documentFor(url));
    expect((await fetcher.resolve(url)).ok).toBe(true);
    expect(server.hitsOf(path)).toBe(2);
  });

  it('caches an invalid document as a failure', async () => {
    const { fetcher, clock } = setup();
    const path = freshPath();
    server.json(path, documentFor(server.url(path), { client_secret: 'x' }), { 'cache-control': 'max-age=3600' });

    expect(reasonOf(await fetcher.resolve(server.url(path)))).toContain('client_secret must not be present');
    clock.now += 30_000;
    await fetcher.resolve(server.url(path));
    expect(server.hitsOf(path)).toBe(2);
  });

  it('shares one fetch between concurrent resolves of a URL', async () => {
    const { fetcher } = setup();
    const path = freshPath();
    const url = server.url(path);
    server.route(path, (_req, res) => {
      setTimeout(() => res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(documentFor(url))), 50);
    });

    const resolutions = await Promise.all(Array.from({ length: 5 }, () => fetcher.resolve(url)));

    expect(resolutions.every((resolution) => resolution === resolutions[0] && resolution.ok)).toBe(true);
    expect(server.hitsOf(path)).toBe(1);
  });

  it('refuses at once, uncached, beyond its concurrent fetches', async () => {
    const { fetcher } = setup({ maxConcurrentFetches: 1 });
    const [slow, other] = [freshPath(), freshPath()];
    server.route(slow, (_req, res) => {
      setTimeout(() => res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(documentFor(server.url(slow)))), 50);
    });
    server.json(other, documentFor(server.url(other)));

    const pending = fetcher.resolve(server.url(slow));
    expect(reasonOf(await fetcher.resolve(server.url(other)))).toContain('too many client metadata documents are being fetched');
    expect((await pending).ok).toBe(true);
    expect((await fetcher.resolve(server.url(other))).ok).toBe(true);
  });

  describe('refuses', () => {
    const failures: Array<[string, Route, string]> = [
      ['a redirect', (_req, res) => res.writeHead(302, { location: '/elsewhere.json' }).end(), 'the server redirects (status 302); redirects are not followed'],
      ['a permanent redirect', (_req, res) => res.writeHead(308, { location: '/elsewhere.json' }).end(), 'status 308'],
      ['another 2xx status', (_req, res) => res.writeHead(204).end(), 'the server answered status 204 (expected 200)'],
      ['a server error', (_req, res) => res.writeHead(500, { 'content-type': 'application/json' }).end('{}'), 'status 500'],
      ['HTML', (_req, res) => res.writeHead(200, { 'content-type': 'text/html' }).end('<html></html>'), 'the content type is "text/html" (expected application/json)'],
      ['no content type', (_req, res) => res.writeHead(200).end('{}'), 'the content type is ""'],
      ['JSON-looking text', (_req, res) => res.writeHead(200, { 'content-type': 'text/json' }).end('{}'), 'the content type is "text/json"'],
      ['gzip', (_req, res) => res.writeHead(200, { 'content-type': 'application/json', 'content-encoding': 'gzip' }).end('x'), 'the content is encoded ("gzip")'],
      ['invalid JSON', (_req, res) => res.writeHead(200, { 'content-type': 'application/json' }).end('{"client_id": '), 'the document is not valid JSON'],
      ['non-UTF-8 text', (_req, res) => res.writeHead(200, { 'content-type': 'application/json' }).end(Buffer.from([0x22, 0xff, 0x22])), 'the document is not UTF-8 text'],
      ['a JSON array', (_req, res) => res.writeHead(200, { 'content-type': 'application/json' }).end('[]'), 'invalid client metadata document: it must be a JSON object'],
      ['a declared length over 5 KiB', (_req, res) => res.writeHead(200, { 'content-type': 'application/json', 'content-length': '6144' }).end(' '.repeat(6144)), 'the document is larger than 5120 bytes'],
      ['a streamed body over 5 KiB', (_req, res) => {
        res.writeHead(200, { 'content-type': 'application/json' });
        for (let i = 0; i < 6; i++) res.write(' '.repeat(1024));
        res.end('{}');
      }, 'the document is larger than 5120 bytes'],
      ['an endless body', (_req, res) => {
        res.writeHead(200, { 'content-type': 'application/json' });
        const chunk = ' '.repeat(1024);
        const pump = () => { while (!res.destroyed && res.write(chunk)); };
        res.on('drain', pump);
        pump();
      }, 'the document is larger than 5120 bytes'],
    ];

    it.each(failures)('%s', async (_case, route, reason) => {
      const { fetcher } = setup();
      const path = freshPath();
      server.route(path, route);
      expect(reasonOf(await fetcher.resolve(server.url(path)))).toContain(reason);
      expect(server.hitsOf('/elsewhere.json')).toBe(0);
    });

    it('a document naming another client_id', async () => {
      const { fetcher } = setup();
      const path = freshPath();
      server.json(path, documentFor(server.url('/clients/other.json')));
      expect(reasonOf(await fetcher.resolve(server.url(path)))).toContain(`client_id "${server.url('/clients/other.json')}" is not the URL it was fetched from`);
    });

    it('a server that does not answer in time', async () => {
      const { fetcher } = setup({ timeoutMs: 200 });
      const path = freshPath();
      server.route(path, () => {});
      const started = Date.now();
      expect(reasonOf(await fetcher.resolve(server.url(path)))).toBe('could not fetch the client metadata document: no complete answer within 200 ms');
      expect(Date.now() - started).toBeLessThan(2000);
    });

    it('a body that trickles in past the deadline', async () => {
      const { fetcher } = setup({ timeoutMs: 200 });
      const path = freshPath();
      server.route(path, (_req, res) => {
        res.writeHead(200, { 'content-type': 'application/json' });
        const timer = setInterval(() => res.write(' '), 20);
        res.on('close', () => clearInterval(timer));
      });
      expect(reasonOf(await fetcher.resolve(server.url(path)))).toContain('no complete answer within 200 ms');
    });

    it('a DNS answer slower than the deadline', async () => {
      const { fetcher } = setup({ timeoutMs: 100, lookup: () => new Promise(() => {}) });
      expect(reasonOf(await fetcher.resolve(server.url(freshPath())))).toContain('no complete answer within 100 ms');
    });

    it('localhost when it is not a private host', async () => {
      const { fetcher } = setup({ privateHosts: [] });
      const path = freshPath();
      server.json(path, documentFor(server.url(path)));
      expect(reasonOf(await fetcher.resolve(server.url(path)))).toBe(
        'could not fetch the client metadata document: host localhost resolves to a private address (private addresses are fetched only for hosts in clientIdMetadataPrivateHosts)',
      );
      expect(server.hitsOf(path)).toBe(0);
    });

    it('a host name resolving to 10.0.0.1, without saying so', async () => {
      const { fetcher, answers } = setup();
      answers.set('mcp.example.com', [{ address: '10.0.0.1', family: 4 }]);
      const reason = reasonOf(await fetcher.resolve('https://mcp.example.com/client.json'));
      expect(reason).toBe('could not fetch the client metadata document: host mcp.example.com resolves to a private address (private addresses are fetched only for hosts in clientIdMetadataPrivateHosts)');
      expect(reason).not.toContain('10.0.0.1');
    });

    it('a host name with one public and one private address', async () => {
      const { fetcher, answers } = setup();
      answers.set('mcp.example.com', [{ address: '1.1.1.1', family: 4 }, { address: 'fd7a:115c:a1e0::1', family: 6 }]);
      expect(reasonOf(await fetcher.resolve('https://mcp.example.com/client.json'))).toContain('resolves to a private address');
    });

    it('a private host resolving to a special address', async () => {
      const { fetcher, answers } = setup({ privateHosts: ['mcp.example.com'] });
      answers.set('mcp.example.com', [{ address: '0.0.0.0', family: 4 }]);
      expect(reasonOf(await fetcher.resolve('https://mcp.example.com/client.json'))).toContain('resolves to a reserved or non-unicast address');
    });

    it('a host name that does not resolve', async () => {
      const { fetcher } = setup();
      expect(reasonOf(await fetcher.resolve('https://nowhere.example.com/client.json'))).toBe('could not fetch the client metadata document: host nowhere.example.com does not resolve');
    });

    it('a literal private address unless it is a private host', async () => {
      const path = freshPath();
      const url = server.url(path, '127.0.0.1');
      server.json(path, documentFor(url));
      const refused = reasonOf(await setup({ privateHosts: [] }).fetcher.resolve(url));
      expect(refused).toContain('address 127.0.0.1 is loopback (127.0.0.0/8), which meshid does not fetch from');
      expect(server.hitsOf(path)).toBe(0);
      const { fetcher, lookups } = setup({ privateHosts: ['127.0.0.1'] });
      expect((await fetcher.resolve(url)).ok).toBe(true);
      expect(lookups).toEqual([]);
    });

    it('a literal special address even for a private host', async () => {
      const { fetcher } = setup({ privateHosts: ['[::]'] });
      expect(reasonOf(await fetcher.resolve('https://[::]/client.json'))).toContain('address :: is unspecified');
    });

    it('a certificate not signed by a trusted CA', async () => {
      const { fetcher } = setup({ extraCaPem: undefined });
      const path = freshPath();
      server.json(path, documentFor(server.url(path)));
      expect(reasonOf(await fetcher.resolve(server.url(path)))).toMatch(/^could not fetch the client metadata document: the server's TLS certificate is not trusted \([A-Z_]+\)$/);
    });

    it('a client id that is not a metadata document URL, without fetching', async () => {
      const { fetcher, lookups } = setup();
      expect(reasonOf(await fetcher.resolve('grafana'))).toBe('client_id is not a metadata document URL: it must be an https URL');
      expect(reasonOf(await fetcher.resolve(`${server.url('/c.json')}?v=1`))).toContain('must not contain a query string');
      expect(lookups).toEqual([]);
    });
  });

  it('connects to the address it checked, not to a fresh DNS answer', async () => {
    // The server listens on 127.0.0.1 only; the system resolves localhost to it, but the checked
    // answer says ::1, so a fetch that connects there fails: it did not resolve the name again.
    const { fetcher, answers, lookups } = setup();
    answers.set('localhost', [{ address: '::1', family: 6 }]);
    const path = freshPath();
    server.json(path, documentFor(server.url(path)));
    const reason = reasonOf(await fetcher.resolve(server.url(path)));
    expect(reason).toMatch(/^could not fetch the client metadata document: .*\([A-Z_]+\)$/);
    expect(reason).not.toContain('::1');
    expect(server.hitsOf(path)).toBe(0);
    expect(lookups).toEqual(['localhost']);
  });

  it('reports a bug to onUnexpectedError and shows only a generic reason', async () => {
    const errors: unknown[] = [];
    const { fetcher } = setup({ lookup: async () => null as unknown as LookupAddress[], onUnexpectedError: (error) => errors.push(error) });
    const reason = reasonOf(await fetcher.resolve('https://mcp.example.com/client.json'));
    expect(reason).toBe('could not fetch the client metadata document: an unexpected error occurred');
    expect(errors).toEqual([expect.any(TypeError)]);
  });

  it('refuses a lookup that fails without a known code, naming the code only', async () => {
    const { fetcher } = setup({ lookup: async () => { throw Object.assign(new Error('queryA ESERVFAIL 10.0.0.53'), { code: 'ESERVFAIL' }); } });
    expect(reasonOf(await fetcher.resolve('https://mcp.example.com/client.json'))).toBe('could not fetch the client metadata document: host mcp.example.com could not be resolved (ESERVFAIL)');
  });
});
