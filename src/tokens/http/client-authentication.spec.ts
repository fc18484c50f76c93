import { describe, expect, it } from '@jest/globals';
import { OAuthError } from '../../common/http/oauth-error.js';
import { parseBasic, presentedCredentials } from './client-authentication.js';
import type { FormParameters } from './form-parameters.js';

const form = (values: Record<string, string>): FormParameters => ({ get: (name) => values[name], all: (name) => (values[name] ? [values[name]!] : []) });
const basic = (raw: string) => `Basic ${Buffer.from(raw, 'utf8').toString('base64')}`;

function oauthError(run: () => unknown): OAuthError {
  try {
    run();
  } catch (error) {
    if (error instanceof OAuthError) return error;
    throw error;
  }
  throw new Error('expected an OAuthError');
}

describe('client authentication parsing (RFC 6749 §2.3)', () => {
  it('form-decodes both halves of Basic credentials: %3A is a colon, + a space, %25 a percent', () => {
    expect(parseBasic(basic('my%3Aclient:s%3Ae+c%2Bret%25'))).toEqual({ clientId: 'my:client', secret: 's:e c+ret%' });
  });

  it('accepts the scheme in any case and splits at the first colon only', () => {
    expect(parseBasic(`bAsIc ${Buffer.from('app:a:b').toString('base64')}`)).toEqual({ clientId: 'app', secret: 'a:b' });
  });

  it('ignores other schemes (no client authentication)', () => {
    expect(parseBasic('Bearer abc')).toBeNull();
  });

  it.each([
    ['not base64', 'Basic !!!'],
    ['no colon', basic('justanid')],
    ['empty secret', basic('app:')],
    ['empty id', basic(':secret')],
    ['bad percent-encoding', basic('app:%zz')],
    ['no credentials', 'Basic'],
  ])('refuses malformed Basic credentials (%s) with 401 invalid_client and a Basic challenge', (_, header) => {
    const error = oauthError(() => parseBasic(header));
    expect(error).toMatchObject({ error: 'invalid_client', status: 401 });
    expect(error.headers['www-authenticate']).toBe('Basic realm="meshid"');
  });

  it('recognises client_secret_basic, client_secret_post and none', () => {
    expect(presentedCredentials(basic('app:pw'), form({}))).toEqual({ method: 'client_secret_basic', clientId: 'app', secret: 'pw' });
    expect(presentedCredentials(basic('app:pw'), form({ client_id: 'app' }))).toMatchObject({ method: 'client_secret_basic' });
    expect(presentedCredentials(undefined, form({ client_id: 'app', client_secret: 'pw' }))).toEqual({ method: 'client_secret_post', clientId: 'app', secret: 'pw' });
    expect(presentedCredentials(undefined, form({ client_id: 'app' }))).toEqual({ method: 'none', clientId: 'app' });
  });

  it('refuses two methods at once, or a body client_id naming another client, as invalid_request', () => {
    expect(oauthError(() => presentedCredentials(basic('app:pw'), form({ client_id: 'app', client_secret: 'pw' })))).toMatchObject({ error: 'invalid_request', status: 400 });
    expect(oauthError(() => presentedCredentials(basic('app:pw'), form({ client_id: 'other' })))).toMatchObject({ error: 'invalid_request' });
  });

  it('refuses a request with no client (or only a secret) as 401 invalid_client', () => {
    expect(oauthError(() => presentedCredentials(undefined, form({})))).toMatchObject({ error: 'invalid_client', status: 401 });
    expect(oauthError(() => presentedCredentials(undefined, form({ client_secret: 'pw' })))).toMatchObject({ error: 'invalid_client', status: 401 });
  });
});
