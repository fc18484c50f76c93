import { describe, expect, it } from '@jest/globals';
import { AdminApiError } from '../api/admin-api.js';
import { onlineTarget } from './admin-session.js';

const url = new URL('https://idp.example.ts.net');

function refusal(work: () => unknown): AdminApiError {
  try {
    work();
  } catch (error) {
    expect(error).toBeInstanceOf(AdminApiError);
    return error as AdminApiError;
  }
  throw new Error('expected a refusal');
}

describe('onlineTarget', () => {
  it('is offline without --url or MESHID_URL, even with credentials in the environment', () => {
    expect(onlineTarget({}, { MESHID_ADMIN_TOKEN: 't' })).toBeUndefined();
  });

  it('refuses credential flags without a URL: they would otherwise act on the local data directory', () => {
    expect(refusal(() => onlineTarget({ token: 't' }, {}))).toMatchObject({ code: 'invalid_request', description: expect.stringContaining('need --url') });
  });

  it('takes --url before MESHID_URL, and --token before MESHID_ADMIN_TOKEN', async () => {
    const target = onlineTarget({ url, token: 'from-flag' }, { MESHID_URL: 'https://other.example', MESHID_ADMIN_TOKEN: 'from-env' });
    expect(target?.url.href).toBe('https://idp.example.ts.net/');
    expect(await target?.token()).toBe('from-flag');
    const fromEnv = onlineTarget({}, { MESHID_URL: 'https://other.example/meshid', MESHID_ADMIN_TOKEN: 'from-env' });
    expect(fromEnv?.url.href).toBe('https://other.example/meshid');
    expect(await fromEnv?.token()).toBe('from-env');
  });

  it('refuses a bad MESHID_URL, naming the variable', () => {
    expect(refusal(() => onlineTarget({}, { MESHID_URL: 'ftp://x', MESHID_ADMIN_TOKEN: 't' })).description).toBe('MESHID_URL: expected an http or https URL');
  });

  it('asks for credentials when a URL has none', () => {
    expect(refusal(() => onlineTarget({ url }, {})).description).toContain('--url needs credentials');
    expect(refusal(() => onlineTarget({}, { MESHID_URL: 'https://x.example' })).description).toContain('MESHID_URL needs credentials');
  });

  it('refuses a token and client credentials together, and half a pair of client credentials', () => {
    expect(refusal(() => onlineTarget({ url, token: 't', adminClientId: 'c' }, {})).description).toContain('not both');
    expect(refusal(() => onlineTarget({ url, adminClientId: 'c' }, {})).description).toContain('--admin-client-secret');
    expect(refusal(() => onlineTarget({}, { MESHID_URL: 'https://x.example', MESHID_ADMIN_CLIENT_SECRET: 's' })).description).toContain('--admin-client-id');
  });

  it('completes a client id flag with the secret from the environment (secrets are better kept off the command line)', () => {
    expect(onlineTarget({ url, adminClientId: 'ops' }, { MESHID_ADMIN_CLIENT_SECRET: 's' })).toBeDefined();
  });

  it('refuses a token that cannot be one without repeating it', () => {
    const error = refusal(() => onlineTarget({ url, token: 'secret value\n' }, {}));
    expect(error.description).toBe('the token from --token is not a token: expected 1 to 8192 visible ASCII characters');
  });
});
