import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { appendFileSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as oauth from 'oauth4webapi';
import { EVENT_STORE, type EventStore } from '#event-store';
import { ProjectionsService } from '../src/storage/projections.service.js';
import { clientCredentialsToken, codeLogin, discover, INSECURE } from './support/code-login.js';
import { runCli } from './support/run-cli.js';
import { startTestServer, type TestServer } from './support/test-server.js';

/*
 * GET /api/v1/audit/events and `meshid audit export`, on a log written by real sign-ins: two
 * clients, a person signed in to both, one refresh. Comparisons bound the log with `until`, so
 * events appended meanwhile (refusals recorded by the 401/403 tests) change nothing.
 */

const CALLBACK = 'http://127.0.0.1:9/cb';
const ADMIN = JSON.stringify({ login: 'ada@example.com', name: 'Ada Admin', caps: [{ allow_admin_ui: true }] });

interface ExportRecord {
  position: string;
  created_at: string;
  stream: string;
  revision: number;
  type: string;
  id: string;
  data: Record<string, unknown>;
  metadata: Record<string, unknown>;
}

let meshid: TestServer;
let store: EventStore;
let subject = '';
let grafana = '';
let wiki = '';
let ops = { clientId: '', clientSecret: '' };
let personToken = '';
let all: ExportRecord[] = [];
let head = '';

const exportUrl = (query = '') => `${meshid.issuer}/api/v1/audit/events${query === '' ? '' : `?${query}`}`;
/** As the signed-in administrator (the dev identity), unless headers say otherwise. */
const get = (query = '', headers: Record<string, string> = {}) => fetch(exportUrl(query), { headers });
const ndjson = (text: string) => text.split('\n').filter((line) => line !== '').map((line) => JSON.parse(line) as ExportRecord);
const records = async (query: string) => ndjson(await (await get(`${query}&until=${head}`)).text());

/** RFC 4180, enough for the export's CSV: quoted fields with doubled quotes, CRLF records. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const char = text[i]!;
    if (quoted) {
      if (char === '"' && text[i + 1] === '"') (field += '"'), i++;
      else if (char === '"') quoted = false;
      else field += char;
    } else if (char === '"') quoted = true;
    else if (char === ',') row.push(field), (field = '');
    else if (char === '\r' && text[i + 1] === '\n') row.push(field), rows.push(row), (row = []), (field = ''), i++;
    else field += char;
  }
  return rows;
}

beforeAll(async () => {
  meshid = await startTestServer({ MESHID_DEV_IDENTITY: ADMIN });
  store = meshid.server.app.get<EventStore>(EVENT_STORE);
  const admin = await meshid.createClient({ client_name: 'ops', grant_types: ['client_credentials'], scope: 'meshid:admin', redirect_uris: [] });
  ops = { clientId: admin.clientId, clientSecret: admin.clientSecret! };
  const first = await meshid.createClient({ client_name: 'Grafana', redirect_uris: [CALLBACK] });
  const second = await meshid.createClient({ client_name: 'Wiki', redirect_uris: [CALLBACK] });
  [grafana, wiki] = [first.clientId, second.clientId];
  const tokens = await codeLogin(meshid.issuer, grafana, oauth.ClientSecretBasic(first.clientSecret!), CALLBACK, 'openid offline_access');
  subject = oauth.getValidatedIdTokenClaims(tokens)!.sub;
  personToken = tokens.access_token;
  const as = await discover(meshid.issuer);
  const refreshed = await oauth.refreshTokenGrantRequest(as, { client_id: grafana }, oauth.ClientSecretBasic(first.clientSecret!), tokens.refresh_token!, INSECURE);
  await oauth.processRefreshTokenResponse(as, { client_id: grafana }, refreshed);
  await codeLogin(meshid.issuer, wiki, oauth.ClientSecretBasic(second.clientSecret!), CALLBACK, 'openid');
  await meshid.server.app.get(ProjectionsService).caughtUp();
  all = ndjson(await (await get()).text());
  head = all[all.length - 1]!.position;
}, 30_000);

afterAll(async () => {
  await meshid?.close();
});

describe('GET /api/v1/audit/events', () => {
  it('streams the whole log as NDJSON, in $all order, as the store holds it', async () => {
    const response = await get(`until=${head}`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('application/x-ndjson');
    expect(response.headers.get('cache-control')).toBe('no-store');
    expect(response.headers.get('content-disposition')).toMatch(/^attachment; filename="meshid-events-\d{8}T\d{6}Z\.ndjson"$/);
    const exported = ndjson(await response.text());
    const stored = [];
    for await (const event of store.readAll()) if (stored.length < exported.length) stored.push(event);
    expect(exported).toEqual(
      stored.map((event) => ({
        position: `${event.position.commit}/${event.position.prepare}`,
        created_at: event.createdAt.toISOString(),
        stream: event.stream,
        revision: Number(event.revision),
        type: event.type,
        id: event.id,
        data: event.data,
        metadata: event.metadata,
      })),
    );
    expect(exported.map((record) => record.type)).toEqual(expect.arrayContaining(['ClientRegistered', 'GrantIssued', 'RefreshTokenRotated', 'AuthorizationCodeRedeemed']));
  });

  it('gives the same records as one JSON array and as CSV', async () => {
    const json = await get(`format=json&until=${head}`);
    expect(json.headers.get('content-type')).toBe('application/json');
    expect(json.headers.get('content-disposition')).toMatch(/\.json"$/);
    expect(await json.json()).toEqual(all);

    const csv = await get(`format=csv&until=${head}`);
    expect(csv.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    const [header, ...rows] = parseCsv(await csv.text());
    expect(header).toEqual(['position', 'created_at', 'stream', 'revision', 'type', 'id', 'actor', 'data', 'metadata']);
    expect(
      rows.map(([position, createdAt, stream, revision, type, id, actor, data, metadata]) => ({
        position,
        created_at: createdAt,
        stream,
        revision: Number(revision),
        type,
        id,
        actor,
        data: JSON.parse(data!),
        metadata: JSON.parse(metadata!),
      })),
    ).toEqual(all.map((record) => ({ ...record, actor: (record.metadata['actor'] as string | undefined) ?? '' })));
  });

  it('filters by time: from inclusive, to exclusive, on created_at', async () => {
    const from = all[2]!.created_at;
    const to = all[all.length - 2]!.created_at;
    const expected = all.filter((record) => record.created_at >= from && record.created_at < to);
    expect(expected.length).toBeGreaterThan(0);
    expect(await records(`from=${from}&to=${to}`)).toEqual(expected);
  });

  it('filters by position: after exclusive, until inclusive', async () => {
    expect(ndjson(await (await get(`after=${all[1]!.position}&until=${all[4]!.position}`)).text())).toEqual(all.slice(2, 5));
  });

  it('resumes after the last position received with exactly the remainder', async () => {
    const first = await records('limit=3');
    expect(first).toEqual(all.slice(0, 3));
    const rest = await records(`after=${first[2]!.position}`);
    expect([...first, ...rest]).toEqual(all);
  });

  it('filters by event type and by stream category (repeated or comma-separated)', async () => {
    expect(await records('type=GrantIssued&type=ClientRegistered')).toEqual(all.filter((record) => ['GrantIssued', 'ClientRegistered'].includes(record.type)));
    const byCategory = await records('category=client,grant');
    expect(byCategory).toEqual(all.filter((record) => /^(client|grant)-/.test(record.stream)));
    expect(new Set(byCategory.map((record) => record.stream.split('-')[0]))).toEqual(new Set(['client', 'grant']));
  });

  it("filters by subject: events naming it and its grants' events, also when resuming past the grant's issue", async () => {
    const grantStreams = new Set(all.filter((record) => record.type === 'GrantIssued' && record.data['subject'] === subject).map((record) => record.stream));
    const grantStream = all.find((record) => record.type === 'GrantIssued' && record.data['clientId'] === grafana)!.stream;
    expect(grantStreams.has(grantStream)).toBe(true);
    const expected = all.filter((record) => record.data['subject'] === subject || grantStreams.has(record.stream));
    const bySubject = await records(`subject=${encodeURIComponent(subject)}`);
    expect(bySubject).toEqual(expected);
    expect(bySubject.map((record) => record.type)).toContain('RefreshTokenRotated');
    expect(bySubject.map((record) => record.stream)).not.toContain(`client-${grafana}`);
    // The rotation does not name the subject: only the grants read model ties it to them.
    const issued = all.find((record) => record.stream === grantStream && record.type === 'GrantIssued')!;
    expect((await records(`subject=${encodeURIComponent(subject)}&after=${issued.position}&type=RefreshTokenRotated`)).map((record) => record.stream)).toEqual([grantStream]);
  });

  it("filters by client: its stream, events naming it, and its grants' events", async () => {
    const grantStreams = new Set(all.filter((record) => record.type === 'GrantIssued' && record.data['clientId'] === grafana).map((record) => record.stream));
    const byClient = await records(`client=${grafana}`);
    expect(byClient).toEqual(all.filter((record) => record.stream === `client-${grafana}` || record.data['clientId'] === grafana || grantStreams.has(record.stream)));
    expect(byClient.map((record) => record.type)).toEqual(expect.arrayContaining(['ClientRegistered', 'GrantIssued', 'RefreshTokenRotated']));
    expect(byClient.some((record) => record.stream === `client-${wiki}` || record.data['clientId'] === wiki)).toBe(false);
  });

  it('answers bad parameters with a 400 naming each field, before anything streams', async () => {
    const response = await get('from=yesterday&limit=0&format=xml&colour=red');
    expect(response.status).toBe(400);
    expect(response.headers.get('cache-control')).toBe('no-store');
    expect(response.headers.get('content-type')).toMatch(/^application\/json/);
    const body = (await response.json()) as { error: string; fields: Array<{ field: string }> };
    expect(body.error).toBe('invalid_request');
    expect(body.fields.map((problem) => problem.field).sort()).toEqual(['colour', 'format', 'from', 'limit']);
  });

  it('refuses callers who may not administer', async () => {
    const invalid = await get('', { authorization: 'Bearer not-a-token' });
    expect(invalid.status).toBe(401);
    expect(invalid.headers.get('cache-control')).toBe('no-store');
    // A person's own access token is not an admin token.
    expect((await get('', { authorization: `Bearer ${personToken}` })).status).toBe(403);
    const opsToken = await clientCredentialsToken(meshid.issuer, ops.clientId, ops.clientSecret, 'meshid:admin');
    expect((await get(`limit=1`, { authorization: `Bearer ${opsToken}` })).status).toBe(200);
  });

  it('reads a log of several pages in order', async () => {
    for (let batch = 0; batch < 4; batch++) {
      await store.append('bulk-export', Array.from({ length: 500 }, (_, n) => ({ type: 'BulkExported', data: { n: batch * 500 + n } })), 'any');
    }
    const bulk = await (await get('category=bulk')).text();
    const lines = ndjson(bulk);
    expect(lines.map((record) => record.revision)).toEqual(Array.from({ length: 2000 }, (_, n) => n));
    expect(lines.map((record) => record.data['n'])).toEqual(Array.from({ length: 2000 }, (_, n) => n));
    const csv = parseCsv(await (await get('category=bulk&format=csv')).text());
    expect(csv).toHaveLength(2001);
    // A client that goes away mid-export ends it; the server carries on serving.
    const aborted = new AbortController();
    const partial = await fetch(exportUrl('category=bulk'), { signal: aborted.signal });
    await partial.body!.getReader().read();
    aborted.abort();
    expect((await get('category=bulk&limit=1')).status).toBe(200);
  });

  it('is described in the OpenAPI document', async () => {
    const document = (await (await fetch(`${meshid.issuer}/api/docs/openapi.json`)).json()) as { paths: Record<string, { get?: { parameters?: Array<{ name: string }> } }> };
    expect(document.paths['/api/v1/audit/events']?.get?.parameters?.map((parameter) => parameter.name)).toEqual(
      expect.arrayContaining(['format', 'from', 'to', 'after', 'until', 'type', 'category', 'subject', 'client', 'limit']),
    );
  });
});

describe('meshid audit export', () => {
  const dir = mkdtempSync(join(tmpdir(), 'meshid-export-cli-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('writes a file offline, then resumes it after a torn last line', async () => {
    const file = join(dir, 'log.ndjson');
    const env = { MESHID_DATA_DIR: meshid.dataDir };
    const first = await runCli(['audit', 'export', '--until', head, '--limit', '4', '--output', file], env);
    expect(first).toMatchObject({ code: 0, stdout: '' });
    expect(ndjson(readFileSync(file, 'utf8'))).toEqual(all.slice(0, 4));
    appendFileSync(file, '{"position":"99/9');
    const resumed = await runCli(['audit', 'export', '--until', head, '--output', file, '--resume'], env);
    expect(resumed).toMatchObject({ code: 0, stderr: `resuming after position ${all[3]!.position}\n` });
    expect(ndjson(readFileSync(file, 'utf8'))).toEqual(all);
    const again = await runCli(['audit', 'export', '--until', head, '--output', file, '--resume'], env);
    expect(again).toMatchObject({ code: 0, stderr: `nothing to resume: ${file} already reaches --until ${head}\n` });
    expect(ndjson(readFileSync(file, 'utf8'))).toEqual(all);
  }, 30_000);

  it('streams from a running meshid with --url, as CSV to stdout', async () => {
    const env = { MESHID_ADMIN_CLIENT_ID: ops.clientId, MESHID_ADMIN_CLIENT_SECRET: ops.clientSecret };
    const result = await runCli(['audit', 'export', '--url', meshid.issuer, '--format', 'csv', '--category', 'grant', '--until', head], env);
    expect(result).toMatchObject({ code: 0, stderr: '' });
    expect(result.stdout).toBe(await (await get(`format=csv&category=grant&until=${head}`)).text());
    expect(parseCsv(result.stdout).length).toBeGreaterThan(3);
  }, 30_000);

  it('refuses bad flags with exit 1 naming them', async () => {
    const [badTime, resumeStdout, online] = await Promise.all([
      runCli(['audit', 'export', '--from', 'yesterday'], { MESHID_DATA_DIR: dir }),
      runCli(['audit', 'export', '--resume'], { MESHID_DATA_DIR: dir }),
      runCli(['audit', 'export', '--url', meshid.issuer, '--token', 'not-a-token', '--limit', '1']),
    ]);
    expect(badTime).toMatchObject({ code: 1, stdout: '' });
    expect(badTime.stderr).toMatch(/^meshid: --from must be an ISO-8601 instant/);
    expect(resumeStdout).toMatchObject({ code: 1, stderr: 'meshid: --resume needs --output FILE: the file to continue\n' });
    expect(online).toMatchObject({ code: 4, stdout: '' });
  }, 30_000);
});
