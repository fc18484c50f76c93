import { afterEach, describe, expect, it } from '@jest/globals';
import { ACCOUNTS_BOOTSTRAP_STREAM, accountStream } from '../domain/account.events.js';
import {
  AccountCredentialNotFoundError,
  AccountLoginTakenError,
  AccountNotFoundError,
  InvalidAccountInputError,
  SetupLinkInvalidError,
  StaleAccountRevisionError,
  TotpEnrolmentRejectedError,
} from '../domain/account.errors.js';
import { IssueBootstrapLinkCommand } from '../bootstrap/issue-bootstrap-link.command.js';
import { base32Decode } from '../credentials/base32.js';
import { totpCode, totpStep } from '../credentials/totp.js';
import { accountsHarness, context, type AccountsHarness } from '../testing/accounts-harness.js';
import { AddPasskeyCommand, RemovePasskeyCommand } from './add-passkey.command.js';
import { CompleteAccountSetupCommand } from './complete-account-setup.command.js';
import { CompleteBootstrapCommand } from './complete-bootstrap.command.js';
import { CreateAccountCommand } from './create-account.command.js';
import { DeleteAccountCommand } from './delete-account.command.js';
import { DisableAccountCommand, EnableAccountCommand } from './disable-account.command.js';
import { EnrolTotpCommand, RemoveTotpCommand } from './enrol-totp.command.js';
import { IssueSetupLinkCommand } from './issue-setup-link.command.js';
import { RemovePasswordCommand, SetPasswordCommand } from './set-password.command.js';
import { UpdateAccountCommand } from './update-account.command.js';

const harnesses: AccountsHarness[] = [];
afterEach(async () => {
  for (const harness of harnesses.splice(0)) await harness.close();
});
function setup() {
  const harness = accountsHarness();
  harnesses.push(harness);
  return harness;
}
const ada = { login: 'Ada', name: 'Ada Lovelace', email: 'ada@example.com' };
const passkey = { credentialId: 'Y3JlZGVudGlhbC1pZC0xMjM0', publicKey: 'cHVibGljLWtleS1ieXRlcy0xMjM0NTY3OA', counter: 0, transports: ['internal'], name: 'laptop' };
const tokenOf = (url: string) => new URL(url).searchParams.get('token')!;

describe('creating and deleting accounts', () => {
  it('creates an account under a random id; its personal data is sealed in the log', async () => {
    const { run, events } = setup();
    const created = await run(new CreateAccountCommand({ ...ada, groups: ['ops'] }, context));
    expect(created.accountId).toMatch(/^[A-Za-z0-9][A-Za-z0-9_-]{21}$/);
    expect(created.subject).toBe(`account:${created.accountId}`);
    const [opened] = await events(accountStream(created.accountId));
    expect(opened!.data).toMatchObject({ login: 'Ada', name: 'Ada Lovelace', email: 'ada@example.com', groups: ['ops'], admin: false, emailVerified: false });
    const [raw] = await events(accountStream(created.accountId), true);
    expect(JSON.stringify(raw!.data)).not.toMatch(/Ada|ada@example|ops/);
  });

  it('refuses a login taken case-insensitively (NFKC), and invalid input naming the field', async () => {
    const { run } = setup();
    await run(new CreateAccountCommand(ada, context));
    await expect(run(new CreateAccountCommand({ ...ada, login: 'ＡＤＡ' }, context))).rejects.toThrow(AccountLoginTakenError);
    await expect(run(new CreateAccountCommand({ ...ada, login: '1ada' }, context))).rejects.toMatchObject({ field: 'login' });
    await expect(run(new CreateAccountCommand({ ...ada, login: 'bob', name: ' ' }, context))).rejects.toMatchObject({ field: 'name' });
    await expect(run(new CreateAccountCommand({ ...ada, login: 'bob', email: 'nope' }, context))).rejects.toMatchObject({ field: 'email' });
    await expect(run(new CreateAccountCommand({ ...ada, login: 'bob', groups: [''] }, context))).rejects.toThrow(InvalidAccountInputError);
  });

  it('of many creations racing for one login, exactly one succeeds', async () => {
    const { run } = setup();
    const results = await Promise.allSettled(Array.from({ length: 8 }, (_, i) => run(new CreateAccountCommand({ ...ada, login: i % 2 ? 'ada' : 'ADA' }, context))));
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    for (const r of results) if (r.status === 'rejected') expect(r.reason).toBeInstanceOf(AccountLoginTakenError);
  });

  it('a claim whose account was never created counts as free, and that account can never be created after', async () => {
    const { run, creator } = setup();
    const dangling = await creator.claim(ada, context);
    const created = await run(new CreateAccountCommand(ada, context));
    expect(created.accountId).not.toBe(dangling.accountId);
    await expect(creator.commit(dangling, [], context)).rejects.toThrow(AccountLoginTakenError);
  });

  it('a deleted account releases its login and is gone for every command', async () => {
    const { run } = setup();
    const first = await run(new CreateAccountCommand(ada, context));
    await run(new DeleteAccountCommand(first.accountId, context));
    await expect(run(new UpdateAccountCommand(first.accountId, { name: 'x' }, undefined, context))).rejects.toThrow(AccountNotFoundError);
    await expect(run(new DeleteAccountCommand(first.accountId, context))).rejects.toThrow(AccountNotFoundError);
    const second = await run(new CreateAccountCommand(ada, context));
    expect(second.accountId).not.toBe(first.accountId);
  });
});

describe('changing accounts', () => {
  it('updates only what changed, at the revision the caller saw', async () => {
    const { run, events } = setup();
    const { accountId, revision } = await run(new CreateAccountCommand(ada, context));
    const updated = await run(new UpdateAccountCommand(accountId, { name: 'Ada L', admin: true, email: 'ada@example.com' }, revision, context));
    expect(updated.revision).toBe(1n);
    expect((await events(accountStream(accountId)))[1]!.data).toEqual({ accountId, name: 'Ada L', admin: true });
    await expect(run(new UpdateAccountCommand(accountId, { name: 'x' }, revision, context))).rejects.toThrow(StaleAccountRevisionError);
    const same = await run(new UpdateAccountCommand(accountId, { name: 'Ada L' }, undefined, context));
    expect(same.revision).toBe(1n);
  });

  it('disables and enables, each once', async () => {
    const { run } = setup();
    const { accountId } = await run(new CreateAccountCommand(ada, context));
    expect((await run(new DisableAccountCommand(accountId, 'left', context))).revision).toBe(1n);
    expect((await run(new DisableAccountCommand(accountId, null, context))).revision).toBe(1n);
    expect((await run(new EnableAccountCommand(accountId, context))).revision).toBe(2n);
    expect((await run(new EnableAccountCommand(accountId, context))).revision).toBe(2n);
  });

  it('sets a password within the policy, stored only as its hash, and removes it', async () => {
    const { run, events } = setup();
    const { accountId } = await run(new CreateAccountCommand(ada, context));
    await expect(run(new SetPasswordCommand(accountId, 'too short', context))).rejects.toMatchObject({ field: 'password' });
    await run(new SetPasswordCommand(accountId, 'correct horse battery', context));
    const all = JSON.stringify((await events(accountStream(accountId), true)).map((e) => e.data));
    expect(all).not.toContain('correct horse');
    expect(all).toContain('scrypt$N=32768');
    await run(new RemovePasswordCommand(accountId, context));
    await expect(run(new RemovePasswordCommand(accountId, context))).rejects.toThrow(AccountCredentialNotFoundError);
  });

  it('adds a passkey once and removes it', async () => {
    const { run } = setup();
    const { accountId } = await run(new CreateAccountCommand(ada, context));
    await run(new AddPasskeyCommand(accountId, passkey, context));
    await expect(run(new AddPasskeyCommand(accountId, passkey, context))).rejects.toMatchObject({ field: 'passkey' });
    await expect(run(new AddPasskeyCommand(accountId, { ...passkey, credentialId: 'x' }, context))).rejects.toMatchObject({ field: 'passkey' });
    await run(new RemovePasskeyCommand(accountId, passkey.credentialId, context));
    await expect(run(new RemovePasskeyCommand(accountId, passkey.credentialId, context))).rejects.toThrow(AccountCredentialNotFoundError);
  });

  it('enrols TOTP confirmed by a current code; the secret is sealed in the log', async () => {
    const { run, signIn, clock, events } = setup();
    const { accountId } = await run(new CreateAccountCommand(ada, context));
    const other = await run(new CreateAccountCommand({ ...ada, login: 'bob' }, context));
    const enrolment = signIn.totpEnrolment({ accountId, login: 'Ada' });
    const secret = base32Decode(enrolment.secret)!;
    expect(secret).toHaveLength(20);
    const code = totpCode(secret, totpStep(clock.now()));
    await expect(run(new EnrolTotpCommand(accountId, enrolment.enrolmentToken, code === '000000' ? '111111' : '000000', context))).rejects.toThrow(TotpEnrolmentRejectedError);
    await expect(run(new EnrolTotpCommand(other.accountId, enrolment.enrolmentToken, code, context))).rejects.toMatchObject({ reason: 'wrong_account' });
    await expect(run(new EnrolTotpCommand(accountId, `${enrolment.enrolmentToken}x`, code, context))).rejects.toMatchObject({ reason: 'invalid_token' });
    await run(new EnrolTotpCommand(accountId, enrolment.enrolmentToken, code, context));
    expect(JSON.stringify((await events(accountStream(accountId), true)).map((e) => e.data))).not.toContain(enrolment.secret);
    clock.advance(11 * 60_000);
    await expect(run(new EnrolTotpCommand(accountId, enrolment.enrolmentToken, totpCode(secret, totpStep(clock.now())), context))).rejects.toMatchObject({ reason: 'expired' });
    await run(new RemoveTotpCommand(accountId, context));
    await expect(run(new RemoveTotpCommand(accountId, context))).rejects.toThrow(AccountCredentialNotFoundError);
  });
});

describe('setup and bootstrap links', () => {
  it('a setup link opens its account, sets credentials once, and a newer link replaces it', async () => {
    const { run, setupLinks, clock } = setup();
    const { accountId } = await run(new CreateAccountCommand(ada, context));
    const first = await run(new IssueSetupLinkCommand(accountId, context));
    expect(first.url).toMatch(/^http:\/\/localhost:8080\/setup\?token=/);
    expect(first.expiresAt).toBe(clock.now() + 72 * 3_600_000);
    const second = await run(new IssueSetupLinkCommand(accountId, context));
    expect(await setupLinks.open(tokenOf(first.url))).toBeNull();
    expect(await setupLinks.open(tokenOf(second.url))).toMatchObject({ kind: 'account', account: { accountId, login: 'Ada', hasPassword: false } });
    await expect(run(new CompleteAccountSetupCommand(tokenOf(second.url), {}, context))).rejects.toMatchObject({ field: 'credentials' });
    const uses = await Promise.allSettled([1, 2].map(() => run(new CompleteAccountSetupCommand(tokenOf(second.url), { password: 'correct horse battery', passkey }, context))));
    expect(uses.filter((u) => u.status === 'fulfilled')).toHaveLength(1);
    expect(uses.find((u) => u.status === 'rejected')).toMatchObject({ reason: expect.any(SetupLinkInvalidError) });
    expect(await setupLinks.open(tokenOf(second.url))).toBeNull();
  });

  it('a setup link expires after 72 hours', async () => {
    const { run, setupLinks, clock } = setup();
    const { accountId } = await run(new CreateAccountCommand(ada, context));
    const link = await run(new IssueSetupLinkCommand(accountId, context));
    clock.advance(72 * 3_600_000 + 1);
    expect(await setupLinks.open(tokenOf(link.url))).toBeNull();
    await expect(run(new CompleteAccountSetupCommand(tokenOf(link.url), { password: 'correct horse battery' }, context))).rejects.toThrow(SetupLinkInvalidError);
  });

  it('bootstrap links stay valid together until one creates the first administrator', async () => {
    const { run, setupLinks, events } = setup();
    const one = await run(new IssueBootstrapLinkCommand(context));
    const two = await run(new IssueBootstrapLinkCommand(context));
    expect(await setupLinks.open(tokenOf(one.url))).toEqual({ kind: 'bootstrap' });
    expect(JSON.stringify((await events(ACCOUNTS_BOOTSTRAP_STREAM)).map((e) => e.data))).not.toContain(tokenOf(one.url));
    const profile = { login: 'root', name: 'Root' };
    const uses = await Promise.allSettled([one, two].map((link) => run(new CompleteBootstrapCommand(tokenOf(link.url), profile, { password: 'correct horse battery' }, context))));
    const won = uses.filter((u) => u.status === 'fulfilled');
    expect(won).toHaveLength(1);
    expect(await setupLinks.open(tokenOf(one.url))).toBeNull();
    expect(await setupLinks.open(tokenOf(two.url))).toBeNull();
    const rootId = (won[0] as PromiseFulfilledResult<{ accountId: string }>).value.accountId;
    const [created, password] = await events(accountStream(rootId));
    expect(created!.data).toMatchObject({ login: 'root', admin: true });
    expect(password!.type).toBe('PasswordSet');
    await expect(run(new CreateAccountCommand({ ...profile, login: 'ROOT' }, context))).rejects.toThrow(AccountLoginTakenError);
    // Neither the loser's claim nor the deleted winner keeps the name.
    await run(new DeleteAccountCommand(rootId, context));
    await expect(run(new CreateAccountCommand({ ...profile, login: 'ROOT' }, context))).resolves.toMatchObject({ subject: expect.stringMatching(/^account:/) });
  });

  it('a refused bootstrap (bad input, taken login) does not burn the link', async () => {
    const { run, setupLinks } = setup();
    await run(new CreateAccountCommand(ada, context));
    const link = await run(new IssueBootstrapLinkCommand(context));
    await expect(run(new CompleteBootstrapCommand(tokenOf(link.url), { login: 'ada', name: 'x' }, { password: 'correct horse battery' }, context))).rejects.toThrow(AccountLoginTakenError);
    await expect(run(new CompleteBootstrapCommand(tokenOf(link.url), { login: 'root', name: 'x' }, { password: 'short' }, context))).rejects.toMatchObject({ field: 'password' });
    expect(await setupLinks.open(tokenOf(link.url))).toEqual({ kind: 'bootstrap' });
    await expect(run(new CompleteBootstrapCommand('b.nope', { login: 'root', name: 'x' }, { password: 'correct horse battery' }, context))).rejects.toThrow(SetupLinkInvalidError);
  });
});
