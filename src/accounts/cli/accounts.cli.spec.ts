import { afterEach, beforeEach, describe, expect, it, jest } from '@jest/globals';
import { Command, CommanderError } from 'commander';
import { type AdminAccount, type AdminApi, AdminApiError } from '../../admin/api/admin-api.js';
import type { AdminSession } from '../../admin/cli/admin-session.js';
import { describeAdminError, exitCodeFor } from '../../admin/cli/exit-codes.js';
import { registerAccountCommands } from './accounts.cli.js';

/* The `meshid accounts` wiring against a fake AdminApi: flags become the right calls and output. */

const alice: AdminAccount = {
  account_id: 'acc1',
  subject: 'account:acc1',
  login: 'alice',
  name: 'Alice',
  email: 'alice@example.com',
  email_verified: false,
  groups: ['eng'],
  admin: false,
  disabled: false,
  has_password: true,
  has_totp: false,
  passkeys: [{ id: 'pk1', name: 'laptop', added_at: '2026-01-01T00:00:00.000Z' }],
  created_at: '2026-01-01T00:00:00.000Z',
  last_sign_in_at: null,
  revision: 3,
};
const link = { account_id: 'acc1', url: 'https://id.example.com/setup?token=T0KEN', expires_at: '2026-01-04T00:00:00.000Z' };

let stdout = '';
let stderr = '';
beforeEach(() => {
  jest.spyOn(process.stdout, 'write').mockImplementation((chunk) => ((stdout += String(chunk)), true));
  jest.spyOn(process.stderr, 'write').mockImplementation((chunk) => ((stderr += String(chunk)), true));
});
afterEach(() => {
  jest.restoreAllMocks();
});

async function run(args: string[], answers: Partial<Record<keyof AdminApi, (...args: never[]) => unknown>> = {}) {
  stdout = '';
  stderr = '';
  const calls: unknown[][] = [];
  const api = new Proxy({} as AdminApi, {
    get: (_, name: string) => async (...callArgs: unknown[]) => {
      calls.push([name, ...callArgs]);
      const answer = answers[name as keyof AdminApi];
      if (!answer) throw new Error(`unexpected call ${name}`);
      return (answer as (...a: unknown[]) => unknown)(...callArgs);
    },
  });
  const session: AdminSession = async (_flags, work) => work(api);
  const program = new Command('meshid').exitOverride().configureOutput({ writeErr: (text) => void (stderr += text), writeOut: (text) => void (stdout += text) });
  registerAccountCommands(program, session);
  let code = 0;
  try {
    await program.parseAsync(args, { from: 'user' });
  } catch (error) {
    if (error instanceof AdminApiError) {
      stderr += describeAdminError(error);
      code = exitCodeFor(error);
    } else if (error instanceof CommanderError) code = error.exitCode;
    else throw error;
  }
  return { code, calls, stdout, stderr };
}

describe('meshid accounts', () => {
  it('create sends the profile and prints the setup link with what to do with it', async () => {
    const result = await run(['accounts', 'create', '--login', 'alice', '--name', 'Alice', '--group', 'eng', '--group', 'ops', '--email-verified', '--email', 'a@example.com', '--admin'], {
      createAccount: () => ({ ...alice, setup_link: link }),
    });
    expect(result.calls).toEqual([['createAccount', { login: 'alice', name: 'Alice', email: 'a@example.com', groups: ['eng', 'ops'], email_verified: true, admin: true }]]);
    expect(result.stdout).toMatch(/^created account alice \(Alice\)\naccount_id: acc1\nsubject: account:acc1\nsetup link: https:\/\/id\.example\.com\/setup\?token=T0KEN\n\(valid until 2026-01-04T00:00:00\.000Z, once;/);
  });

  it('update maps --no-admin, --clear-email and --clear-groups, sending the revision just read', async () => {
    const result = await run(['accounts', 'update', 'alice', '--no-admin', '--clear-email', '--clear-groups', '--no-email-verified', '--json'], {
      getAccount: () => alice,
      updateAccount: () => ({ ...alice, revision: 4 }),
    });
    expect(result.calls).toEqual([['getAccount', 'alice'], ['updateAccount', 'alice', { email: null, email_verified: false, groups: [], admin: false }, 3]]);
    expect(JSON.parse(result.stdout)).toMatchObject({ revision: 4 });
  });

  it('refuses contradictory or empty updates, and a delete without --yes, before any call', async () => {
    expect(await run(['accounts', 'update', 'alice', '--email', 'x@example.com', '--clear-email'])).toMatchObject({ code: 1, calls: [] });
    expect(await run(['accounts', 'update', 'alice'])).toMatchObject({ code: 1, calls: [] });
    const refused = await run(['accounts', 'delete', 'alice']);
    expect(refused).toMatchObject({ code: 1, calls: [] });
    expect(refused.stderr).toContain('--yes');
  });

  it('show prints which credentials exist, by passkey id and name', async () => {
    const result = await run(['accounts', 'show', 'alice'], { getAccount: () => alice });
    expect(result.stdout).toContain('credentials: password, 1 passkey\n');
    expect(result.stdout).toContain('passkey: pk1  laptop  added 2026-01-01T00:00:00.000Z\n');
  });

  it('an unknown account exits 2', async () => {
    const result = await run(['accounts', 'disable', 'nobody'], { disableAccount: () => Promise.reject(new AdminApiError('not_found', 'unknown account "nobody"')) });
    expect(result).toMatchObject({ code: 2, stderr: 'meshid: unknown account "nobody"\n' });
  });
});
