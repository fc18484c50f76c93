import { afterEach, describe, expect, it } from '@jest/globals';
import { AddPasskeyCommand } from '../commands/add-passkey.command.js';
import { CreateAccountCommand } from '../commands/create-account.command.js';
import { PasskeyRejectedError } from '../domain/account.errors.js';
import { accountsHarness, context, ISSUER, type AccountsHarness } from '../testing/accounts-harness.js';
import { SoftwareAuthenticator } from '../testing/software-authenticator.js';

const harnesses: AccountsHarness[] = [];
afterEach(async () => {
  for (const harness of harnesses.splice(0)) await harness.close();
});
const attempt = { ip: '203.0.113.7', correlationId: 'corr-passkey' };

/** An account with a passkey registered through meshid's own options and verification. */
async function withPasskey(counter = 0) {
  const harness = accountsHarness();
  harnesses.push(harness);
  await harness.runner.start();
  const { accountId } = await harness.run(new CreateAccountCommand({ login: 'ada', name: 'Ada' }, context));
  const authenticator = new SoftwareAuthenticator('localhost', ISSUER);
  authenticator.counter = counter;
  const { options, challengeToken } = await harness.signIn.passkeyRegistrationOptions({ accountId, login: 'ada', name: 'Ada', excludeCredentialIds: [] });
  expect(options.rp.id).toBe('localhost');
  expect(options.authenticatorSelection).toMatchObject({ residentKey: 'required', userVerification: 'required' });
  const credential = await harness.signIn.verifyPasskeyRegistration(authenticator.register(options), challengeToken, ' laptop ');
  expect(credential).toMatchObject({ credentialId: authenticator.id, counter, name: 'laptop', transports: ['internal'] });
  await harness.run(new AddPasskeyCommand(accountId, credential, context));
  await harness.caughtUp();
  const signInOnce = async (mutate?: (a: SoftwareAuthenticator) => void) => {
    const { options: request, challengeToken: token } = await harness.signIn.passkeyOptions();
    mutate?.(authenticator);
    return { outcome: await harness.signIn.passkey(authenticator.assert(request), token, attempt), response: authenticator.assert(request), token };
  };
  return { ...harness, accountId, authenticator, signInOnce };
}

describe('passkey registration', () => {
  it('refuses an answer for another origin, a forged or expired challenge token, or no user verification', async () => {
    const harness = accountsHarness();
    harnesses.push(harness);
    const authenticator = new SoftwareAuthenticator('localhost', ISSUER);
    const request = { accountId: null, login: 'root', name: 'Root', excludeCredentialIds: [] };
    const { options, challengeToken } = await harness.signIn.passkeyRegistrationOptions(request);
    const verify = (response: unknown, token = challengeToken, name = 'key') => harness.signIn.verifyPasskeyRegistration(response, token, name);
    await expect(verify(authenticator.register(options, 'https://evil.example'))).rejects.toThrow(PasskeyRejectedError);
    await expect(verify(authenticator.register(options), `${challengeToken}x`)).rejects.toThrow(/challenge/);
    await expect(verify(authenticator.register(options), challengeToken, '')).rejects.toThrow(/name/);
    await expect(verify({ nonsense: true })).rejects.toThrow(/malformed/);
    authenticator.userVerified = false;
    await expect(verify(authenticator.register(options))).rejects.toThrow(PasskeyRejectedError);
    authenticator.userVerified = true;
    harness.clock.advance(5 * 60_000 + 1);
    await expect(verify(authenticator.register(options))).rejects.toThrow(/expired/);
  });
});

describe('passkey sign-in', () => {
  it('signs in with a registered passkey; the answer cannot be replayed', async () => {
    const { signIn, accountId, signInOnce, authenticator } = await withPasskey(0);
    const first = await signInOnce();
    expect(first.outcome).toMatchObject({ ok: true, method: 'passkey', account: { accountId } });
    expect(await signIn.passkey(first.response, first.token, attempt)).toEqual({ ok: false, reason: 'invalid_credentials' });
    // An authenticator that counts nothing (always 0) keeps working with fresh challenges.
    expect((await signInOnce()).outcome).toMatchObject({ ok: true });
    expect(authenticator.counter).toBe(0);
  });

  it('the signature counter must move forward', async () => {
    const { signInOnce } = await withPasskey(5);
    expect((await signInOnce((a) => (a.counter = 6))).outcome).toMatchObject({ ok: true });
    expect((await signInOnce((a) => (a.counter = 6))).outcome).toEqual({ ok: false, reason: 'invalid_credentials' });
    expect((await signInOnce((a) => (a.counter = 3))).outcome).toEqual({ ok: false, reason: 'invalid_credentials' });
    expect((await signInOnce((a) => (a.counter = 7))).outcome).toMatchObject({ ok: true });
  });

  it('refuses an unknown credential, another origin, a wrong-kind or expired challenge token', async () => {
    const { signIn, clock, authenticator } = await withPasskey(0);
    const stranger = new SoftwareAuthenticator('localhost', ISSUER);
    const { options, challengeToken } = await signIn.passkeyOptions();
    expect(await signIn.passkey(stranger.assert(options), challengeToken, attempt)).toEqual({ ok: false, reason: 'invalid_credentials' });
    const registration = await signIn.passkeyRegistrationOptions({ accountId: null, login: 'x', name: 'x', excludeCredentialIds: [] });
    expect(await signIn.passkey(authenticator.assert(registration.options), registration.challengeToken, attempt)).toEqual({ ok: false, reason: 'invalid_credentials' });
    clock.advance(5 * 60_000 + 1);
    expect(await signIn.passkey(stranger.assert(options), challengeToken, attempt)).toEqual({ ok: false, reason: 'invalid_credentials' });
  });

  it('refuses an assertion made for another origin by the right authenticator', async () => {
    const { signIn, authenticator } = await withPasskey(0);
    const { options, challengeToken } = await signIn.passkeyOptions();
    expect(await signIn.passkey(authenticator.assert(options, 'https://evil.example'), challengeToken, attempt)).toEqual({ ok: false, reason: 'invalid_credentials' });
    expect(await signIn.passkey(authenticator.assert(options), challengeToken, attempt)).toMatchObject({ ok: true });
  });
});
