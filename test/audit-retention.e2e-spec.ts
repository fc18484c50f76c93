import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import * as oauth from 'oauth4webapi';
import { SqliteEventStore } from '#event-store';
import { auditStream } from '../src/audit/domain/audit.events.js';
import { RetentionService } from '../src/audit/retention/retention.service.js';
import { ProjectionsService } from '../src/storage/projections.service.js';
import { codeLogin } from './support/code-login.js';
import { runCli } from './support/run-cli.js';
import { startTestServer, type TestServer } from './support/test-server.js';

// Retention (issue F §5) on a real SQLite data directory: sign-ins and refused admin calls create
// authcode and audit-day streams, the retention reactor gives them their configured max age, and
// compaction (the server's, then `meshid audit retention`) removes exactly the events past it,
// never another category's, with the log summary rebuilt to match.
const CALLBACK = 'http://127.0.0.1:9999/callback';
const DEV_IDENTITY = JSON.stringify({ login: 'ada@example.com', name: 'Ada Admin', caps: [{ allow_admin_ui: true }] });
const DAY_MS = 86_400_000;

let meshid: TestServer;
let dataDir: string;
let serverClosed = false;

interface LoggedEvent {
  stream: string;
  type: string;
}

/**
 * Every event the data directory's log holds, opened read-only by a second connection; but the
 * log's seals, which the sealer appends whenever it runs (the CLI included), and which are no
 * business of retention.
 */
function logOf(dir: string): LoggedEvent[] {
  const db = new Database(join(dir, 'meshid.db'), { readonly: true });
  try {
    return db.prepare(`SELECT stream, type FROM events WHERE stream <> 'log-seals' ORDER BY position`).all() as LoggedEvent[];
  } finally {
    db.close();
  }
}

/** The log-summary read model next to what the log holds, per category. */
function summaryAndLog(dir: string): { summary: Record<string, { streams: number; events: number }>; log: Record<string, { streams: number; events: number }> } {
  const db = new Database(join(dir, 'meshid.db'), { readonly: true });
  try {
    const rows = db.prepare('SELECT category, streams, events FROM log_summary').all() as Array<{ category: string; streams: number; events: number }>;
    const log = db.prepare(`SELECT substr(stream, 1, instr(stream, '-') - 1) AS category, count(DISTINCT stream) AS streams, count(*) AS events FROM events GROUP BY 1`).all() as typeof rows;
    const byCategory = (list: typeof rows) => Object.fromEntries(list.map((r) => [r.category, { streams: r.streams, events: r.events }]));
    return { summary: byCategory(rows), log: byCategory(log) };
  } finally {
    db.close();
  }
}

const streamsOf = (events: LoggedEvent[], prefix: string) => [...new Set(events.filter((e) => e.stream.startsWith(prefix)).map((e) => e.stream))];

beforeAll(async () => {
  meshid = await startTestServer({ MESHID_DEV_IDENTITY: DEV_IDENTITY });
  dataDir = meshid.dataDir;
  const { clientId, clientSecret } = await meshid.createClient({ client_name: 'Grafana', redirect_uris: [CALLBACK] });
  for (let i = 0; i < 2; i++) await codeLogin(meshid.issuer, clientId, oauth.ClientSecretBasic(clientSecret!), CALLBACK, 'openid');
  // A refused admin call is recorded in today's audit stream.
  const refused = await fetch(`${meshid.issuer}/api/v1/clients`, { headers: { authorization: 'Bearer not-a-token' } });
  expect(refused.status).toBe(401);
  await meshid.server.app.get(ProjectionsService).caughtUp();
}, 30_000);

afterAll(async () => {
  if (!serverClosed) await meshid?.close();
  else rmSync(dataDir, { recursive: true, force: true });
});

describe('retention of authorization-code and audit-day streams', () => {
  it('gives every sign-in code stream and the audit day its max age, and the server compaction drops codes past 30 days', async () => {
    const before = logOf(dataDir);
    const codes = streamsOf(before, 'authcode-');
    expect(codes).toHaveLength(2);
    expect(streamsOf(before, 'audit-')).toEqual([auditStream(new Date())]);
    const retention = meshid.server.app.get(RetentionService);
    expect(retention.streamsWithMaxAge()).toEqual({ audit: 1, authcode: 2 });

    // 31 days on: the codes are past their 30 days, the audit day is not past its 400.
    const outcome = await retention.compactNow(new Date(Date.now() + 31 * DAY_MS));
    await meshid.server.app.get(ProjectionsService).caughtUp();
    const after = logOf(dataDir);
    expect(outcome).toEqual({ removedEvents: before.length - after.length, logSummaryRebuilt: true });
    expect(after).toEqual(before.filter((e) => !e.stream.startsWith('authcode-')));
    const { summary, log } = summaryAndLog(dataDir);
    expect(summary['authcode']).toBeUndefined();
    expect(summary).toEqual(log);
  });

  it('`meshid audit retention` removes exactly the authcode and audit events past their age, and nothing else', async () => {
    await meshid.server.close();
    serverClosed = true;
    // Events written in the past through the store's clock: what a long-running log would hold.
    const seed = async (daysAgo: number, stream: string, count: number) => {
      const store = new SqliteEventStore({ path: join(dataDir, 'meshid.db'), now: () => Date.now() - daysAgo * DAY_MS });
      try {
        await store.append(stream, Array.from({ length: count }, () => ({ type: 'RetentionProbeRecorded', data: { daysAgo } })), 'no_stream');
      } finally {
        await store.close();
      }
    };
    const oldAudit = auditStream(new Date(Date.now() - 401 * DAY_MS));
    const recentAudit = auditStream(new Date(Date.now() - 100 * DAY_MS));
    await seed(31, 'authcode-old', 2);
    await seed(10, 'authcode-recent', 1);
    await seed(401, oldAudit, 1);
    await seed(100, recentAudit, 1);
    await seed(2000, 'legacy-ancient', 1); // another category: never touched, however old
    const before = logOf(dataDir);

    const result = await runCli(['audit', 'retention', '--json'], { MESHID_DATA_DIR: dataDir, MESHID_DEV_IDENTITY: DEV_IDENTITY });
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toEqual({ streamsWithMaxAge: { audit: 3, authcode: 4 }, removedEvents: 3, logSummaryRebuilt: true });
    const after = logOf(dataDir);
    expect(after).toEqual(before.filter((e) => e.stream !== 'authcode-old' && e.stream !== oldAudit));
    expect(streamsOf(after, 'authcode-')).toEqual(['authcode-recent']);
    expect(streamsOf(after, 'audit-').sort()).toEqual([recentAudit, auditStream(new Date())].sort());
    expect(streamsOf(after, 'legacy-')).toEqual(['legacy-ancient']);
    const { summary, log } = summaryAndLog(dataDir);
    expect(summary).toEqual(log);
    expect(summary['authcode']).toEqual({ streams: 1, events: 1 });

    // Nothing more is past its age: a second run removes nothing and leaves the summary alone.
    const again = await runCli(['audit', 'retention'], { MESHID_DATA_DIR: dataDir, MESHID_DEV_IDENTITY: DEV_IDENTITY });
    expect(again.code).toBe(0);
    expect(again.stdout).toBe('streams with a max age: 7 (audit 3, authcode 4)\nevents removed past their age: 0\n');
    expect(logOf(dataDir)).toEqual(after);
  }, 60_000);

  it('answers --help', async () => {
    const help = await runCli(['audit', 'retention', '--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('--json');
  });
});
