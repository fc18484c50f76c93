import { describe, expect, it } from '@jest/globals';
import type { RecordedEvent } from '#event-store';
import { recordedEventsOf } from '../../common/event-sourcing/testing/recorded-events.js';
import { erasedPersonalData } from '../../storage/personal-data/personal-data-envelope.js';
import { accountEvolver, type AccountState } from './account.evolver.js';
import { bootstrapEvolver } from './bootstrap.evolver.js';
import { loginNameEvolver } from './login-name.evolver.js';

const fold = <S>(evolver: { initial: S; evolve(s: S, e: RecordedEvent): S }, events: RecordedEvent[]) => events.reduce(evolver.evolve, evolver.initial);
const created = { accountId: 'acc1', login: 'Ada', name: 'Ada L', email: 'ada@example.com', emailVerified: true, groups: ['ops'], admin: false, createdAt: 5, loginRef: 'ref1' };
const sealed = { kekId: 'k', ciphertext: 'c' };

describe('account evolver', () => {
  it('follows an account through its life', () => {
    const e = recordedEventsOf('account-acc1');
    const state = fold(accountEvolver, [
      e('AccountCreated', created),
      e('AccountUpdated', { accountId: 'acc1', name: 'Ada Lovelace', groups: ['ops', 'dev'], admin: true }),
      e('PasswordSet', { hash: 'scrypt$...' }),
      e('TotpEnrolled', { secret: sealed, step: 100 }),
      e('PasskeyAdded', { credentialId: 'cred1', publicKey: 'pk', counter: 3, transports: ['usb'], name: 'key', addedAt: 6 }),
      e('AccountSignedIn', { method: 'passkey', credentialId: 'cred1', counter: 4, challenge: 'ch1', at: 7 }),
      e('AccountSignedIn', { method: 'password', totpStep: 101, at: 8 }),
      e('SetupLinkIssued', { digest: 'd', expiresAt: 9 }),
      e('AccountDisabled', { reason: 'left' }),
    ]);
    expect(state).toMatchObject({
      status: 'active',
      login: 'Ada',
      name: 'Ada Lovelace',
      groups: ['ops', 'dev'],
      admin: true,
      disabled: true,
      disabledReason: 'left',
      passwordHash: 'scrypt$...',
      totpSecret: sealed,
      lastTotpStep: 101,
      passkeys: [{ credentialId: 'cred1', counter: 4 }],
      usedChallenges: ['ch1'],
      setupLink: { digest: 'd', expiresAt: 9 },
      lastSignInAt: 8,
    });
  });

  it('removes credentials, uses the setup link once, and a deletion keeps only the login ref', () => {
    const e = recordedEventsOf('account-acc1');
    const events = [
      e('AccountCreated', created),
      e('PasswordSet', { hash: 'h' }),
      e('TotpEnrolled', { secret: sealed, step: 1 }),
      e('PasskeyAdded', { credentialId: 'cred1', publicKey: 'pk', counter: 0, transports: [], name: 'key', addedAt: 6 }),
      e('SetupLinkIssued', { digest: 'd', expiresAt: 9 }),
      e('SetupLinkUsed', {}),
      e('PasswordRemoved', {}),
      e('TotpRemoved', {}),
      e('PasskeyRemoved', { credentialId: 'cred1' }),
      e('AccountEnabled', {}),
    ];
    expect(fold(accountEvolver, events)).toMatchObject({ passwordHash: null, totpSecret: null, lastTotpStep: 1, passkeys: [], setupLink: null, disabled: false });
    expect(fold(accountEvolver, [...events, e('AccountDeleted', {}), e('PasswordSet', { hash: 'h' })])).toEqual({ status: 'deleted', accountId: 'acc1', loginRef: 'ref1' });
  });

  it('reads erased personal fields as blanks', () => {
    const e = recordedEventsOf('account-acc1');
    const state = fold(accountEvolver, [
      e('AccountCreated', { ...created, login: erasedPersonalData(), name: erasedPersonalData(), email: erasedPersonalData(), groups: erasedPersonalData() }),
    ]) as Extract<AccountState, { status: 'active' }>;
    expect(state).toMatchObject({ status: 'active', login: null, name: '', email: null, groups: [], loginRef: 'ref1' });
  });

  it('a voided stream is never an account; a void after creation changes nothing', () => {
    const e = recordedEventsOf('account-acc1');
    expect(fold(accountEvolver, [e('AccountCreationVoided', { loginRef: 'ref1' })])).toEqual({ status: 'voided' });
    const f = recordedEventsOf('account-acc1');
    expect(fold(accountEvolver, [f('AccountCreated', created), f('AccountCreationVoided', { loginRef: 'ref1' })]).status).toBe('active');
  });

  it('remembers only the last 32 challenges answered', () => {
    const e = recordedEventsOf('account-acc1');
    const signIns = Array.from({ length: 40 }, (_, i) => e('AccountSignedIn', { method: 'passkey', challenge: `c${i}`, at: i }));
    const state = fold(accountEvolver, [e('AccountCreated', created), ...signIns]) as Extract<AccountState, { status: 'active' }>;
    expect(state.usedChallenges).toHaveLength(32);
    expect(state.usedChallenges.at(-1)).toBe('c39');
  });
});

describe('login-name and bootstrap evolvers', () => {
  it('a name is held by its last claim until that holder releases it', () => {
    const e = recordedEventsOf('login-name-r');
    expect(fold(loginNameEvolver, [e('LoginNameClaimed', { accountId: 'a' })])).toEqual({ holder: 'a' });
    expect(fold(loginNameEvolver, [e('LoginNameClaimed', { accountId: 'a' }), e('LoginNameReleased', { accountId: 'a' })])).toEqual({ holder: null });
    const f = recordedEventsOf('login-name-r');
    expect(fold(loginNameEvolver, [f('LoginNameClaimed', { accountId: 'a' }), f('LoginNameClaimed', { accountId: 'b' }), f('LoginNameReleased', { accountId: 'a' })])).toEqual({ holder: 'b' });
  });

  it('bootstrap links accumulate until a completion ends them all', () => {
    const e = recordedEventsOf('accounts-bootstrap');
    const open = fold(bootstrapEvolver, [e('BootstrapLinkIssued', { digest: 'd1', expiresAt: 1 }), e('BootstrapLinkIssued', { digest: 'd2', expiresAt: 2 })]);
    expect(open).toEqual({ links: [{ digest: 'd1', expiresAt: 1 }, { digest: 'd2', expiresAt: 2 }], completedBy: null });
    const f = recordedEventsOf('accounts-bootstrap');
    expect(fold(bootstrapEvolver, [f('BootstrapLinkIssued', { digest: 'd1', expiresAt: 1 }), f('BootstrapCompleted', { accountId: 'a' }), f('BootstrapLinkIssued', { digest: 'd3', expiresAt: 3 })])).toEqual({
      links: [{ digest: 'd3', expiresAt: 3 }],
      completedBy: 'a',
    });
  });
});
