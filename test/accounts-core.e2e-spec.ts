import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CommandBus } from '@nestjs/cqrs';
import { CompleteBootstrapCommand } from '../src/accounts/commands/complete-bootstrap.command.js';
import { CreateAccountCommand } from '../src/accounts/commands/create-account.command.js';
import { EnrolTotpCommand } from '../src/accounts/commands/enrol-totp.command.js';
import { SetPasswordCommand } from '../src/accounts/commands/set-password.command.js';
import { base32Decode } from '../src/accounts/credentials/base32.js';
import { totpCode, totpStep } from '../src/accounts/credentials/totp.js';
import { AccountLoginTakenError } from '../src/accounts/domain/account.errors.js';
import { AccountDirectory } from '../src/accounts/read-model/account-directory.js';
import { AccountSignIn } from '../src/accounts/sign-in/account-sign-in.js';
import { loadConfig } from '../src/config/load-config.js';
import { type RunningServer, startServer } from '../src/server.js';
import { ProjectionsService } from '../src/storage/projections.service.js';
import { logMessages } from './support/log-lines.js';
import { freePort } from './support/test-server.js';

// Local accounts on two meshid servers sharing one data directory (as two processes would: each
// has its own connections to the store and read models), so that the log's gates are what keeps
// logins unique and TOTP codes single-use, not anything one process holds in memory.
const dataDir = mkdtempSync(join(tmpdir(), 'meshid-accounts-core-'));
const context = { actor: 'e2e', correlationId: 'e2e' };
const attempt = { ip: '203.0.113.9', correlationId: 'e2e' };
const servers: RunningServer[] = [];
let issuer: string;
let printed: string[] = [];

/** Runs `start` while capturing what the server prints (the console logger writes to stdout). */
async function capturingOutput<T>(start: () => Promise<T>): Promise<T> {
  printed = [];
  const spy = jest.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    printed.push(String(chunk));
    return true;
  });
  try {
    return await start();
  } finally {
    spy.mockRestore();
  }
}

async function serve(port: number): Promise<RunningServer> {
  const env = { MESHID_PORT: String(port), MESHID_ISSUER: issuer, MESHID_DATA_DIR: dataDir, MESHID_IDENTITY: 'account', MESHID_LOG_LEVEL: 'log', MESHID_LOG_SEAL_INTERVAL_SECONDS: '3600' };
  const server = await startServer(loadConfig({ env, cwd: dataDir }));
  servers.push(server);
  await server.app.get(ProjectionsService).caughtUp(10_000);
  return server;
}
const bus = (server: RunningServer) => server.app.get(CommandBus);
const signIn = (server: RunningServer) => server.app.get(AccountSignIn);

beforeAll(async () => {
  const ports = [await freePort(), await freePort()];
  issuer = `http://127.0.0.1:${ports[0]}`;
  await capturingOutput(() => serve(ports[0]!));
}, 60_000);

afterAll(async () => {
  for (const server of servers.splice(0)) await server.close();
  rmSync(dataDir, { recursive: true, force: true });
});

describe('local accounts across two servers on one data directory', () => {
  it('the first start prints a one-time link that creates the first administrator', async () => {
    const line = logMessages(printed.join('')).find((l) => l.includes('first run: create the first administrator at'));
    expect(line).toBeDefined();
    const url = new URL(/(http\S+)$/.exec(line!)![1]!);
    expect(url.origin + url.pathname).toBe(`${issuer}/setup`);
    const created = await bus(servers[0]!).execute(new CompleteBootstrapCommand(url.searchParams.get('token')!, { login: 'root', name: 'Root' }, { password: 'correct horse battery' }, context));
    await servers[0]!.app.get(ProjectionsService).waitFor(created.position, 5000);
    expect(await servers[0]!.app.get(AccountDirectory).byLogin('ROOT')).toMatchObject({ admin: true, hasPassword: true });
    // A second start finds an account: no new link.
    const port = await freePort();
    await capturingOutput(() => serve(port));
    expect(printed.join('')).toContain('following the log'); // the second server did log at this level
    expect(printed.join('')).not.toContain('first run');
  }, 60_000);

  it('of two creations of one login on the two servers at once, exactly one succeeds', async () => {
    const results = await Promise.allSettled(servers.map((server, i) => bus(server).execute(new CreateAccountCommand({ login: i === 0 ? 'grace' : 'GRACE', name: 'Grace' }, context))));
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    expect((results.find((r) => r.status === 'rejected') as PromiseRejectedResult).reason).toBeInstanceOf(AccountLoginTakenError);
  });

  it('a TOTP code signs in once, even when both servers are asked with it at the same time', async () => {
    const [a, b] = servers as [RunningServer, RunningServer];
    const { accountId } = await bus(a).execute(new CreateAccountCommand({ login: 'ada', name: 'Ada' }, context));
    await bus(a).execute(new SetPasswordCommand(accountId, 'correct horse battery', context));
    const enrolment = signIn(a).totpEnrolment({ accountId, login: 'ada' });
    const secret = base32Decode(enrolment.secret)!;
    const step = totpStep(Date.now());
    const enrolled = await bus(a).execute(new EnrolTotpCommand(accountId, enrolment.enrolmentToken, totpCode(secret, step), context));
    for (const server of servers) await server.app.get(ProjectionsService).waitFor(enrolled.position, 10_000);
    // The next step's code: accepted within the ±1 window, and later than the enrolment's step.
    const code = totpCode(secret, step + 1);
    const outcomes = await Promise.all([a, b, a, b].map((server) => signIn(server).password('ada', 'correct horse battery', code, attempt)));
    expect(outcomes.filter((o) => o.ok)).toHaveLength(1);
    for (const outcome of outcomes.filter((o) => !o.ok)) expect(outcome).toEqual({ ok: false, reason: 'invalid_credentials' });
    expect(await signIn(b).password('ada', 'correct horse battery', code, attempt)).toEqual({ ok: false, reason: 'invalid_credentials' });
  }, 30_000);
});
