import { describe, expect, it } from '@jest/globals';
import { OAuthError } from '../../common/http/oauth-error.js';
import type { FormParameters } from './form-parameters.js';
import { readTokenExchangeRequest } from './token-exchange-request.js';

const AT = 'urn:ietf:params:oauth:token-type:access_token';

function form(values: Record<string, string | string[]>): FormParameters {
  const lists = new Map(Object.entries(values).map(([name, value]) => [name, [value].flat()]));
  return { get: (name) => lists.get(name)?.[0], all: (name) => lists.get(name) ?? [] };
}

function errorOf(values: Record<string, string | string[]>): { error: string; description: string } {
  try {
    readTokenExchangeRequest(form(values));
  } catch (error) {
    if (error instanceof OAuthError) return { error: error.error, description: error.description };
    throw error;
  }
  throw new Error('expected a refusal');
}

describe('readTokenExchangeRequest', () => {
  const base = { subject_token: 'tok', subject_token_type: AT };

  it('collects audiences then resources, distinct, with an optional scope and actor', () => {
    expect(readTokenExchangeRequest(form({ ...base, audience: ['billing', 'billing'], resource: 'https://api.example.com', scope: 'openid  email openid' }))).toEqual({
      subjectToken: 'tok',
      targets: ['billing', 'https://api.example.com'],
      scope: ['openid', 'email'],
    });
    const withActor = readTokenExchangeRequest(form({ ...base, audience: 'x', actor_token: 'act', actor_token_type: 'urn:ietf:params:oauth:token-type:jwt' }));
    expect(withActor).toMatchObject({ actorToken: 'act' });
  });

  it.each([
    [{ subject_token_type: AT, audience: 'x' }, 'invalid_request', 'subject_token is required'],
    [{ subject_token: 't', audience: 'x' }, 'invalid_request', 'subject_token_type is required'],
    [{ ...base, subject_token_type: 'urn:ietf:params:oauth:token-type:refresh_token', audience: 'x' }, 'invalid_request', 'subject_token_type'],
    [{ ...base, audience: 'x', actor_token: 'a' }, 'invalid_request', 'actor_token_type is required'],
    [{ ...base, audience: 'x', actor_token_type: AT }, 'invalid_request', 'without actor_token'],
    [{ ...base, audience: 'x', requested_token_type: 'urn:ietf:params:oauth:token-type:id_token' }, 'invalid_request', 'requested_token_type'],
    [base, 'invalid_request', 'audience or resource is required'],
    [{ ...base, resource: 'relative/path' }, 'invalid_target', 'absolute URI'],
    [{ ...base, audience: 'a\u0000b' }, 'invalid_target', 'control characters'],
    [{ ...base, audience: Array.from({ length: 11 }, (_, i) => `a${i}`) }, 'invalid_target', 'at most 10'],
  ])('refuses %j with %s', (values, error, description) => {
    expect(errorOf(values as Record<string, string | string[]>)).toMatchObject({ error, description: expect.stringContaining(description) });
  });
});
