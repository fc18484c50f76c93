import { afterEach, describe, expect, it } from '@jest/globals';
import { AddPasskeyCommand } from '../commands/add-passkey.command.js';
import { CreateAccountCommand } from '../commands/create-account.command.js';
import { DeleteAccountCommand } from '../commands/delete-account.command.js';
import { DisableAccountCommand } from '../commands/disable-account.command.js';
import { ForgetSubjectCommand, type ForgetSubjectResult } from '../commands/forget-subject.command.js';
import { SetPasswordCommand } from '../commands/set-password.command.js';
import { UpdateAccountCommand } from '../commands/update-account.command.js';
import { accountsHarness, context, type AccountsHarness } from '../testing/accounts-harness.js';

const harnesses: AccountsHarness[] = [];
afterEach(async () => {
  for (const harness of harnesses.splice(0)) await harness.close();
});
async function setup() {
  const harness = accountsHarness();
  harnesses.push(harness);
  await harness.runner.start();
  return harness;
}
const passkey = { credentialId: 'Y3JlZGVudGlhbC1pZC0xMjM0', publicKey: 'cHVibGljLWtleS1ieXRlcy0xMjM0NTY3OA', counter: 0, transports: ['internal'], name: 'laptop' };

describe('accounts read model', () => {
  it('shows accounts as their commands left them, found by login (any case), subject, id and passkey', async () => {
    const { run, directory, runner } = await setup();
    const { accountId, subject } = await run(new CreateAccountCommand({ login: 'Ada', name: 'Ada', email: 'ada@example.com', groups: ['ops'] }, context));
    await run(new UpdateAccountCommand(accountId, { emailVerified: true, admin: true, groups: ['ops', 'dev'] }, undefined, context));
    await run(new SetPasswordCommand(accountId, 'correct horse battery', context));
    await run(new DisableAccountCommand(accountId, null, context));
    const last = await run(new AddPasskeyCommand(accountId, passkey, context));
    await runner.waitFor(last.position, 2000);
    const view = await directory.byLogin('ADA');
    expect(view).toEqual({
      accountId,
      subject,
      login: 'Ada',
      name: 'Ada',
      email: 'ada@example.com',
      emailVerified: true,
      groups: ['ops', 'dev'],
      admin: true,
      disabled: true,
      hasPassword: true,
      hasTotp: false,
      passkeys: [{ credentialId: passkey.credentialId, name: 'laptop', addedAt: expect.any(Number) }],
      createdAt: expect.any(Number),
      lastSignInAt: null,
      revision: '4',
    });
    expect(await directory.bySubject(subject)).toEqual(view);
    expect(await directory.byId(accountId)).toEqual(view);
    expect(await directory.byCredentialId(passkey.credentialId)).toEqual(view);
    expect(await directory.bySubject('tailscale:1')).toBeNull();
    expect(await directory.count()).toBe(1);
  });

  it('pages by login, and deleted accounts disappear', async () => {
    const { run, directory, caughtUp } = await setup();
    const ids: string[] = [];
    for (const login of ['carol', 'Bob', 'alice', 'dave']) ids.push((await run(new CreateAccountCommand({ login, name: login }, context))).accountId);
    await run(new DeleteAccountCommand(ids[3]!, context));
    await caughtUp();
    const first = await directory.list({ limit: 2 });
    expect(first.items.map((a) => a.login)).toEqual(['alice', 'Bob']);
    const second = await directory.list({ limit: 2, after: first.next! });
    expect(second.items.map((a) => a.login)).toEqual(['carol']);
    expect(second.next).toBeNull();
    expect(await directory.count()).toBe(3);
    expect(await directory.byId(ids[3]!)).toBeNull();
  });

  it('blanks an account\'s personal data when its subject is forgotten, also on a rebuild', async () => {
    const { run, directory, caughtUp, runner } = await setup();
    const { accountId, subject } = await run(new CreateAccountCommand({ login: 'ada', name: 'Ada', email: 'ada@example.com', groups: ['ops'] }, context));
    await run(new UpdateAccountCommand(accountId, { name: 'Ada L' }, undefined, context));
    const forgot = (await run(new ForgetSubjectCommand(subject, context) as never)) as ForgetSubjectResult;
    expect(forgot.erasure).not.toBeNull();
    await caughtUp();
    const blank = { accountId, login: '', name: '', email: null, groups: [] };
    expect(await directory.byId(accountId)).toMatchObject(blank);
    expect(await directory.byLogin('ada')).toBeNull();
    await runner.rebuild('accounts');
    await caughtUp();
    expect(await directory.byId(accountId)).toMatchObject(blank);
  });
});
