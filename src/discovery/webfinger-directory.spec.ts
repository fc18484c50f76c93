import { describe, expect, it } from '@jest/globals';
import type { AccountDirectory } from '../accounts/read-model/account-directory.js';
import type { AccountView } from '../accounts/read-model/account-view.js';
import { MeshidConfig } from '../config/meshid-config.js';
import type { GrantDirectory } from '../tokens/read-model/grant-directory.js';
import { WebfingerDirectory } from './webfinger-directory.js';
import { type AcctResource, readWebfingerResource } from './webfinger-resource.js';

function acct(address: string): AcctResource {
  const reading = readWebfingerResource(`acct:${address}`);
  if (reading.kind !== 'acct') throw new Error(`not an acct: resource: ${address}`);
  return reading.account;
}

function account(overrides: Partial<AccountView>): AccountView {
  return {
    accountId: 'a1', subject: 'account:a1', login: 'dana', name: 'Dana', email: 'dana@example.com', emailVerified: true, groups: [],
    admin: false, disabled: false, hasPassword: true, hasTotp: false, passkeys: [], createdAt: 0, lastSignInAt: null, revision: '0',
    ...overrides,
  };
}

function directory(options: { identity?: MeshidConfig['identity']; grants?: Array<{ login: string; subject: string }>; accounts?: AccountView[] }) {
  const config = Object.assign(new MeshidConfig(), { identity: options.identity ?? ['tailscale'] });
  const grants = { loginsLike: (login: string) => (options.grants ?? []).filter((g) => g.login.toLowerCase() === login.toLowerCase()) };
  const accounts = { byEmail: async (email: string) => (options.accounts ?? []).filter((a) => a.email?.toLowerCase() === email.toLowerCase()) };
  return new WebfingerDirectory(config, accounts as unknown as AccountDirectory, grants as unknown as GrantDirectory);
}

describe('WebfingerDirectory', () => {
  it('knows tailnet logins that signed in, when they are real mailboxes', async () => {
    const known = directory({ grants: [{ login: 'bob@example.com', subject: 'userid:7' }, { login: 'carol@github', subject: 'userid:8' }] });
    expect(await known.knows(acct('bob@EXAMPLE.com'))).toBe(true);
    expect(await known.knows(acct('Bob@example.com'))).toBe(false);
    expect(await known.knows(acct('carol@github'))).toBe(false);
  });

  it('does not take a local account login that looks like an address for its email', async () => {
    const known = directory({ identity: ['account'], grants: [{ login: 'gina@example.com', subject: 'account:g1' }] });
    expect(await known.knows(acct('gina@example.com'))).toBe(false);
  });

  it('knows the verified email of an enabled account, only with the account resolver on', async () => {
    const accounts = [account({}), account({ accountId: 'a2', email: 'erin@example.com', emailVerified: false }), account({ accountId: 'a3', email: 'frank@example.com', disabled: true })];
    const on = directory({ identity: ['tailscale', 'account'], accounts });
    expect(await on.knows(acct('dana@Example.com'))).toBe(true);
    expect(await on.knows(acct('erin@example.com'))).toBe(false);
    expect(await on.knows(acct('frank@example.com'))).toBe(false);
    expect(await directory({ identity: ['tailscale'], accounts }).knows(acct('dana@example.com'))).toBe(false);
  });
});
