import { afterEach, describe, expect, it } from '@jest/globals';
import { auditStream } from '../../audit/domain/audit.events.js';
import { CreateAccountCommand } from '../commands/create-account.command.js';
import { DisableAccountCommand } from '../commands/disable-account.command.js';
import { EnrolTotpCommand } from '../commands/enrol-totp.command.js';
import { SetPasswordCommand } from '../commands/set-password.command.js';
import { base32Decode } from '../credentials/base32.js';
import { totpCode, totpStep } from '../credentials/totp.js';
import { accountStream } from '../domain/account.events.js';
import { accountsHarness, context, type AccountsHarness } from '../testing/accounts-harness.js';

const harnesses: AccountsHarness[] = [];
afterEach(async () => {
  for (const harness of harnesses.splice(0)) await harness.close();
});
const attempt = { ip: '203.0.113.7', correlationId: 'corr-sign-in', clientId: 'grafana' };
const PASSWORD = 'correct horse battery';

async function withAccount(options: { totp?: boolean } = {}) {
  const harness = accountsHarness();
  harnesses.push(harness);
  await harness.runner.start();
  const { accountId, subject } = await harness.run(new CreateAccountCommand({ login: 'Ada', name: 'Ada' }, context));
  await harness.run(new SetPasswordCommand(accountId, PASSWORD, context));
  let secret: Buffer | undefined;
  if (options.totp) {
    const enrolment = harness.signIn.totpEnrolment({ accountId, login: 'Ada' });
    secret = base32Decode(enrolment.secret)!;
    await harness.run(new EnrolTotpCommand(accountId, enrolment.enrolmentToken, totpCode(secret, totpStep(harness.clock.now())), context));
    harness.clock.advance(30_000);
  }
  await harness.caughtUp();
  const audit = async () => (await harness.events(auditStream(new Date(harness.clock.now())))).map((e) => ({ type: e.type, data: e.data, ip: e.metadata.ip }));
  return { ...harness, accountId, subject, secret: secret!, audit };
}

describe('password sign-in', () => {
  it('signs in with the right password, records it on the account and in the audit trail', async () => {
    const { signIn, accountId, subject, events, audit } = await withAccount();
    const outcome = await signIn.password('ADA', PASSWORD, undefined, attempt);
    expect(outcome).toMatchObject({ ok: true, method: 'password', account: { accountId, subject, login: 'Ada' } });
    expect((await events(accountStream(accountId))).at(-1)).toMatchObject({ type: 'AccountSignedIn', data: { method: 'password' } });
    expect(await audit()).toEqual([{ type: 'LoginSucceeded', data: { subject, method: 'password', clientId: 'grafana' }, ip: attempt.ip }]);
  });

  it('refuses a wrong password and an unknown login alike, recording the account or null, never what was typed', async () => {
    const { signIn, accountId, audit } = await withAccount();
    expect(await signIn.password('ada', 'wrong password!', undefined, attempt)).toEqual({ ok: false, reason: 'invalid_credentials' });
    expect(await signIn.password('nobody', PASSWORD, undefined, attempt)).toEqual({ ok: false, reason: 'invalid_credentials' });
    const trail = await audit();
    expect(trail.map((e) => e.data)).toEqual([
      { accountId, subject: `account:${accountId}`, method: 'password', reason: 'invalid_credentials', suppressed: 0 },
      { accountId: null, subject: null, method: 'password', reason: 'invalid_credentials', suppressed: 0 },
    ]);
    expect(JSON.stringify(trail)).not.toMatch(/nobody|wrong password|correct horse/);
  });

  it('a disabled account is told so only with the right password', async () => {
    const { signIn, run, accountId } = await withAccount();
    await run(new DisableAccountCommand(accountId, null, context));
    expect(await signIn.password('ada', PASSWORD, undefined, attempt)).toEqual({ ok: false, reason: 'disabled' });
    expect(await signIn.password('ada', 'wrong password!', undefined, attempt)).toEqual({ ok: false, reason: 'invalid_credentials' });
  });
});

describe('TOTP', () => {
  it('asks for the second factor, accepts a current code once, and never the enrolment code', async () => {
    const { signIn, secret, clock } = await withAccount({ totp: true });
    expect(await signIn.password('ada', PASSWORD, undefined, attempt)).toEqual({ ok: false, reason: 'second_factor_required' });
    const enrolmentCode = totpCode(secret, totpStep(clock.now()) - 1);
    expect(await signIn.password('ada', PASSWORD, enrolmentCode, attempt)).toEqual({ ok: false, reason: 'invalid_credentials' });
    const code = totpCode(secret, totpStep(clock.now()));
    expect(await signIn.password('ada', PASSWORD, code, attempt)).toMatchObject({ ok: true });
    expect(await signIn.password('ada', PASSWORD, code, attempt)).toEqual({ ok: false, reason: 'invalid_credentials' });
    clock.advance(30_000);
    expect(await signIn.password('ada', PASSWORD, totpCode(secret, totpStep(clock.now())), attempt)).toMatchObject({ ok: true });
  });

  it('of two sign-ins racing with one code, one gets in', async () => {
    const { signIn, secret, clock } = await withAccount({ totp: true });
    const code = totpCode(secret, totpStep(clock.now()));
    const outcomes = await Promise.all([1, 2, 3].map(() => signIn.password('ada', PASSWORD, code, attempt)));
    expect(outcomes.filter((o) => o.ok)).toHaveLength(1);
    expect(outcomes.filter((o) => !o.ok)).toEqual([
      { ok: false, reason: 'invalid_credentials' },
      { ok: false, reason: 'invalid_credentials' },
    ]);
  });
});

describe('rate limits', () => {
  it('locks an account out after 5 failures for 15 minutes, even for the right password', async () => {
    const { signIn, clock, audit } = await withAccount();
    for (let i = 0; i < 5; i++) await signIn.password('ada', 'wrong password!', undefined, { ...attempt, ip: `198.51.100.${i}` });
    const limited = await signIn.password('ada', PASSWORD, undefined, attempt);
    expect(limited).toEqual({ ok: false, reason: 'rate_limited', retryAfterSeconds: 900 });
    expect((await audit()).at(-1)!.data).toMatchObject({ reason: 'rate_limited' });
    clock.advance(15 * 60_000);
    expect(await signIn.password('ada', PASSWORD, undefined, attempt)).toMatchObject({ ok: true });
  });

  it('locks an address out after 20 failures, whatever logins it tries', async () => {
    const { signIn, clock } = await withAccount();
    for (let i = 0; i < 20; i++) {
      await signIn.password(`user${i}`, 'wrong password!', undefined, attempt);
      clock.advance(1000);
    }
    expect(await signIn.password('ada', PASSWORD, undefined, attempt)).toEqual({ ok: false, reason: 'rate_limited', retryAfterSeconds: 880 });
    expect(await signIn.password('ada', PASSWORD, undefined, { ...attempt, ip: '192.0.2.1' })).toMatchObject({ ok: true });
  });
});
