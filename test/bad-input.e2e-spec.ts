import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { CommandBus } from '@nestjs/cqrs';
import { createHash, randomBytes } from 'node:crypto';
import { SignJWT } from 'jose';
import { EVENT_STORE, type EventStore } from '#event-store';
import { IssueAuthorizationCodeCommand, type AuthorizationCodeRequest } from '../src/authorization/commands/issue-authorization-code.command.js';
import { Clock } from '../src/common/clock.js';
import { KeyRing } from '../src/keys/read-model/key-ring.js';
import { IssueGrantCommand } from '../src/tokens/commands/issue-grant.command.js';
import { encode, expectNoInternals, FORM, type HttpRequest, logHead, type Params, send as sendTo } from './support/bad-input.js';
import { startTestServer, type TestServer } from './support/test-server.js';

// A sweep of bad input over every endpoint: each refused request gets the protocol's error
// (JSON `{error, error_description}` with no-store on the back channel; the HTML page or the
// error redirect on the front channel), never a 5xx or a stack trace, and leaves the event log
// exactly as it was (its head position does not move). The fixtures the bad requests aim at (a
// live code, a live refresh token) are checked at the end to still work: nothing was burned.

const CALLBACK = 'http://127.0.0.1:9999/callback';
const LOGGED_OUT = 'http://127.0.0.1:9999/logged-out';
const VERIFIER = 'v'.repeat(20) + randomBytes(24).toString('base64url');
const CHALLENGE = createHash('sha256').update(VERIFIER).digest('base64url');
const OTHER_VERIFIER = 'w'.repeat(43);
const BIG = 'x'.repeat(10_000);
const context = { actor: 'test', correlationId: 'bad-input' };
const claims = { name: 'Alice', email: 'alice@example.com', email_verified: true };

type Expected =
  /** An OAuth error body with no-store. */
  | { json: number; error: string }
  /** A meshid HTML page, never a redirect. */
  | { page: number }
  /** A 303 back to the client's redirect URI carrying `error` (and `state` only if given). */
  | { redirect: string; state?: string }
  /** A 200 whose JSON (or, for `''`, empty) body is exactly this: inactive introspection, RFC 7009 revocation. */
  | { ok: unknown };

interface Case {
  name: string;
  request: () => HttpRequest;
  expect: Expected;
  /** The refusal is itself recorded (a replayed code revokes its grant): the log may grow. */
  appends?: true;
}

interface Fixtures {
  conf: { id: string; secret: string };
  other: { id: string; secret: string };
  pub: { id: string };
  machine: { id: string; secret: string };
  /** Unredeemed, S256 challenge of VERIFIER, for `conf`: every bad /token request aims at it. */
  liveCode: string;
  expiredCode: string;
  redeemedCode: string;
  accessToken: string;
  refreshToken: string;
  idToken: string;
  expiredAccessToken: string;
  expiredRefreshToken: string;
  /** A client_credentials token: no openid scope. */
  machineToken: string;
}

let meshid: TestServer;
let issuer: string;
let store: EventStore;
const f = {} as Fixtures;
let ran = 0;

const basic = (id: string, secret: string) => `Basic ${Buffer.from(`${encodeURIComponent(id)}:${encodeURIComponent(secret)}`).toString('base64')}`;
const confAuth = () => ({ authorization: basic(f.conf.id, f.conf.secret) });

const send = (request: HttpRequest): Promise<Response> => sendTo(issuer, request);

async function check(response: Response, expected: Expected): Promise<void> {
  const text = await response.text();
  expect(response.status).toBeLessThan(500);
  expectNoInternals(text);
  if ('json' in expected) {
    expect({ status: response.status, body: JSON.parse(text) }).toEqual({
      status: expected.json,
      body: { error: expected.error, error_description: expect.any(String) },
    });
    expect(response.headers.get('content-type')).toContain('application/json');
    expect(response.headers.get('cache-control')).toBe('no-store');
  } else if ('page' in expected) {
    expect(response.status).toBe(expected.page);
    expect(response.headers.get('location')).toBeNull();
    expect(response.headers.get('content-type')).toContain('text/html');
    expect(response.headers.get('cache-control')).toBe('no-store');
  } else if ('redirect' in expected) {
    expect(response.status).toBe(303);
    const location = response.headers.get('location') ?? '';
    expect(location.startsWith(`${CALLBACK}?`)).toBe(true);
    const params = new URL(location).searchParams;
    expect({ error: params.get('error'), state: params.get('state'), iss: params.get('iss'), code: params.get('code') }).toEqual({
      error: expected.redirect,
      state: expected.state ?? null,
      iss: issuer,
      code: null,
    });
    expect(typeof params.get('error_description')).toBe('string');
  } else {
    expect(response.status).toBe(200);
    expect(response.headers.get('cache-control')).toBe('no-store');
    expect(expected.ok === '' ? text : JSON.parse(text)).toEqual(expected.ok);
  }
}

async function run(testCase: Case): Promise<void> {
  ran++;
  const before = await logHead(store);
  await check(await send(testCase.request()), testCase.expect);
  if (!testCase.appends) expect(await logHead(store)).toBe(before);
}

const methods = (path: string, list: string[]): Case[] =>
  list.map((method) => ({ name: `${method} ${path}`, request: () => ({ method, path }), expect: { json: 405, error: 'invalid_request' } }));

// ---------------------------------------------------------------- /authorize

const authorizeBase = (): Params => ({ client_id: f.conf.id, redirect_uri: CALLBACK, response_type: 'code', scope: 'openid', state: 's1' });
const authorize = (params: Params): HttpRequest => ({ path: '/authorize', query: { ...authorizeBase(), ...params } });
const page = (name: string, params: Params): Case => ({ name, request: () => authorize(params), expect: { page: 400 } });
/** `state: null`: the redirect must not echo one. */
const back = (name: string, params: Params, error = 'invalid_request', state: string | null = 's1'): Case => ({
  name,
  request: () => authorize(params),
  expect: { redirect: error, ...(state === null ? {} : { state }) },
});

const AUTHORIZE: Case[] = [
  page('redirect_uri missing', { redirect_uri: undefined }),
  page('redirect_uri repeated', { redirect_uri: [CALLBACK, CALLBACK] }),
  page('redirect_uri oversized', { redirect_uri: `${CALLBACK}?${BIG}` }),
  page('redirect_uri not a URI', { redirect_uri: 'not a uri' }),
  page('redirect_uri javascript:', { redirect_uri: 'javascript:alert(1)' }),
  page('redirect_uri with a fragment', { redirect_uri: `${CALLBACK}#x` }),
  page('redirect_uri differing in case', { redirect_uri: CALLBACK.toUpperCase() }),
  page('redirect_uri with a trailing slash', { redirect_uri: `${CALLBACK}/` }),
  page('client_id missing', { client_id: undefined }),
  page('client_id repeated', { client_id: [randomBytes(4).toString('hex'), 'x'] }),
  page('client_id unknown', { client_id: 'nobody' }),
  page('client_id oversized', { client_id: BIG }),
  page('client_id with control characters', { client_id: '\u0000\u001f<script>' }),
  page('client_id and redirect_uri both missing', { client_id: undefined, redirect_uri: undefined }),
  back('response_type missing', { response_type: undefined }),
  back('response_type repeated', { response_type: ['code', 'code'] }),
  back('response_type token', { response_type: 'token' }, 'unsupported_response_type'),
  back('response_type code id_token', { response_type: 'code id_token' }, 'unsupported_response_type'),
  back('response_type oversized', { response_type: BIG }, 'unsupported_response_type'),
  back('scope repeated', { scope: ['openid', 'email'] }),
  back('state repeated (not echoed)', { state: ['a', 'b'] }, 'invalid_request', null),
  back('state oversized (not echoed)', { state: BIG }, 'invalid_request', null),
  back('nonce repeated', { nonce: ['a', 'b'] }),
  back('nonce oversized', { nonce: BIG }),
  back('code_challenge repeated', { code_challenge: [CHALLENGE, CHALLENGE] }),
  back('code_challenge too short', { code_challenge: 'short' }),
  back('code_challenge oversized', { code_challenge: BIG }),
  back('code_challenge with characters outside [A-Za-z0-9-._~]', { code_challenge: '+/='.repeat(15) }),
  back('code_challenge_method plain', { code_challenge: CHALLENGE, code_challenge_method: 'plain' }),
  back('code_challenge_method S512', { code_challenge: CHALLENGE, code_challenge_method: 'S512' }),
  back('code_challenge_method lower-case s256', { code_challenge: CHALLENGE, code_challenge_method: 's256' }),
  back('code_challenge_method repeated', { code_challenge: CHALLENGE, code_challenge_method: ['S256', 'S256'] }),
  back('code_challenge_method oversized', { code_challenge: CHALLENGE, code_challenge_method: BIG }),
  back('code_challenge_method without code_challenge', { code_challenge_method: 'S256' }),
  { name: 'public client without code_challenge', request: () => authorize({ client_id: f.pub.id }), expect: { redirect: 'invalid_request', state: 's1' } },
  back('prompt none with login', { prompt: 'none login' }),
  back('prompt repeated', { prompt: ['login', 'consent'] }),
  back('max_age negative', { max_age: '-1' }),
  back('max_age not a number', { max_age: 'abc' }),
  back('max_age fractional', { max_age: '1.5' }),
  back('max_age with an exponent', { max_age: '1e3' }),
  back('max_age of 11 digits', { max_age: '12345678901' }),
  back('max_age oversized', { max_age: '9'.repeat(10_000) }),
  back('max_age repeated', { max_age: ['1', '2'] }),
  back('response_mode form_post', { response_mode: 'form_post' }),
  back('response_mode fragment', { response_mode: 'fragment' }),
  back('response_mode repeated', { response_mode: ['query', 'query'] }),
  back('request object', { request: 'eyJhbGciOiJub25lIn0.e30.' }, 'request_not_supported'),
  back('request_uri', { request_uri: 'urn:example:1' }, 'request_uri_not_supported'),
  back('request_uri oversized', { request_uri: BIG }, 'request_uri_not_supported'),
  { name: 'client not registered for the code grant', request: () => authorize({ client_id: f.machine.id }), expect: { redirect: 'unauthorized_client', state: 's1' } },
  {
    name: 'POST with the parameters in a JSON body',
    request: () => ({ path: '/authorize', raw: JSON.stringify(authorizeBase()), headers: { 'content-type': 'application/json' } }),
    expect: { page: 400 },
  },
  { name: 'POST with the parameters in the query string', request: () => ({ method: 'POST', path: '/authorize', query: authorizeBase(), form: {} }), expect: { page: 400 } },
  { name: 'POST with an empty form body', request: () => ({ method: 'POST', path: '/authorize', form: {} }), expect: { page: 400 } },
  { name: 'POST with no body and no content type', request: () => ({ method: 'POST', path: '/authorize' }), expect: { page: 400 } },
  { name: 'POST a text/plain body', request: () => ({ path: '/authorize', raw: encode(authorizeBase()), headers: { 'content-type': 'text/plain' } }), expect: { page: 400 } },
  { name: 'POST form, response_type token', request: () => ({ path: '/authorize', form: { ...authorizeBase(), response_type: 'token' } }), expect: { redirect: 'unsupported_response_type', state: 's1' } },
  { name: 'POST form, a repeated client_id', request: () => ({ path: '/authorize', form: { ...authorizeBase(), client_id: [f.conf.id, f.conf.id] } }), expect: { page: 400 } },
  ...methods('/authorize', ['PUT', 'DELETE', 'PATCH']),
];

// ---------------------------------------------------------------- /token

const token = (form: Params, headers: Record<string, string> = confAuth()): HttpRequest => ({ path: '/token', form, headers });
const codeGrant = (): Params => ({ grant_type: 'authorization_code', code: f.liveCode, redirect_uri: CALLBACK, code_verifier: VERIFIER });
const refreshGrant = (): Params => ({ grant_type: 'refresh_token', refresh_token: f.refreshToken });
const tokenCase = (name: string, request: () => HttpRequest, status: number, error: string): Case => ({ name, request, expect: { json: status, error } });
/** `params` (or what it returns, for values known only once the fixtures exist) override the grant's. */
type Overrides = Params | (() => Params);
const resolve = (params: Overrides): Params => (typeof params === 'function' ? params() : params);
const codeCase = (name: string, params: Overrides, status: number, error: string, headers?: () => Record<string, string>): Case =>
  tokenCase(name, () => token({ ...codeGrant(), ...resolve(params) }, headers ? headers() : confAuth()), status, error);
const refreshCase = (name: string, params: Overrides, status: number, error: string, headers?: () => Record<string, string>): Case =>
  tokenCase(name, () => token({ ...refreshGrant(), ...resolve(params) }, headers ? headers() : confAuth()), status, error);
const machineAuth = () => ({ authorization: basic(f.machine.id, f.machine.secret) });
const otherAuth = () => ({ authorization: basic(f.other.id, f.other.secret) });
const noAuth = () => ({});

const TOKEN: Case[] = [
  tokenCase('an empty form body', () => token({}), 400, 'invalid_request'),
  tokenCase('no body and no content type', () => ({ method: 'POST', path: '/token', headers: confAuth() }), 400, 'invalid_request'),
  tokenCase('a JSON body', () => ({ path: '/token', raw: JSON.stringify(codeGrant()), headers: { ...confAuth(), 'content-type': 'application/json' } }), 400, 'invalid_request'),
  tokenCase('a JSON body that does not parse', () => ({ path: '/token', raw: '{"grant_type":', headers: { ...confAuth(), 'content-type': 'application/json' } }), 400, 'invalid_request'),
  tokenCase('a text/plain body', () => ({ path: '/token', raw: encode(codeGrant()), headers: { ...confAuth(), 'content-type': 'text/plain' } }), 400, 'invalid_request'),
  tokenCase('an XML body', () => ({ path: '/token', raw: '<grant_type/>', headers: { ...confAuth(), 'content-type': 'application/xml' } }), 415, 'invalid_request'),
  tokenCase('a multipart body', () => ({ path: '/token', raw: '--b\r\n\r\n--b--', headers: { ...confAuth(), 'content-type': 'multipart/form-data; boundary=b' } }), 415, 'invalid_request'),
  tokenCase('a body over the limit', () => ({ path: '/token', raw: `${encode(codeGrant())}&pad=${'x'.repeat(1_100_000)}`, headers: { ...confAuth(), 'content-type': FORM } }), 413, 'invalid_request'),
  tokenCase('a __proto__ parameter', () => ({ path: '/token', raw: `${encode(codeGrant())}&__proto__=x`, headers: { ...confAuth(), 'content-type': FORM } }), 400, 'invalid_request'),
  tokenCase('the parameters in the query string, none in the body', () => ({ method: 'POST', path: '/token', query: codeGrant(), form: {}, headers: confAuth() }), 400, 'invalid_request'),
  tokenCase('client credentials in the query string', () => ({ method: 'POST', path: '/token', query: { client_id: f.conf.id, client_secret: f.conf.secret }, form: codeGrant(), headers: {} }), 401, 'invalid_client'),
  tokenCase('grant_type missing', () => token({ ...codeGrant(), grant_type: undefined }), 400, 'invalid_request'),
  tokenCase('grant_type repeated', () => token({ ...codeGrant(), grant_type: ['authorization_code', 'authorization_code'] }), 400, 'invalid_request'),
  tokenCase('grant_type password', () => token({ grant_type: 'password', username: 'alice', password: 'pw' }), 400, 'unsupported_grant_type'),
  tokenCase('grant_type implicit', () => token({ grant_type: 'implicit' }), 400, 'unsupported_grant_type'),
  tokenCase('grant_type token-exchange (not enabled)', () => token({ grant_type: 'urn:ietf:params:oauth:grant-type:token-exchange' }), 400, 'unsupported_grant_type'),
  tokenCase('grant_type device_code', () => token({ grant_type: 'urn:ietf:params:oauth:grant-type:device_code', device_code: 'x' }), 400, 'unsupported_grant_type'),
  tokenCase('grant_type in another case', () => token({ ...codeGrant(), grant_type: 'Authorization_Code' }), 400, 'unsupported_grant_type'),
  tokenCase('grant_type oversized', () => token({ grant_type: BIG }), 400, 'unsupported_grant_type'),
  // authorization_code: every refusal leaves the live code redeemable.
  codeCase('code missing', { code: undefined }, 400, 'invalid_request'),
  codeCase('code repeated', { code: ['a', 'b'] }, 400, 'invalid_request'),
  codeCase('code unknown', { code: 'no-such-code' }, 400, 'invalid_grant'),
  codeCase('code oversized', { code: BIG }, 400, 'invalid_grant'),
  tokenCase('code expired', () => token({ ...codeGrant(), code: f.expiredCode, code_verifier: undefined }), 400, 'invalid_grant'),
  codeCase('code issued to another client', {}, 400, 'invalid_grant', otherAuth),
  codeCase('redirect_uri missing', { redirect_uri: undefined }, 400, 'invalid_grant'),
  codeCase('redirect_uri different', { redirect_uri: `${CALLBACK}/` }, 400, 'invalid_grant'),
  codeCase('redirect_uri repeated', { redirect_uri: [CALLBACK, CALLBACK] }, 400, 'invalid_request'),
  codeCase('redirect_uri oversized', { redirect_uri: `${CALLBACK}?${BIG}` }, 400, 'invalid_grant'),
  codeCase('code_verifier missing', { code_verifier: undefined }, 400, 'invalid_grant'),
  codeCase('code_verifier wrong', { code_verifier: OTHER_VERIFIER }, 400, 'invalid_grant'),
  codeCase('code_verifier = the challenge (plain downgrade)', { code_verifier: CHALLENGE }, 400, 'invalid_grant'),
  codeCase('code_verifier too short', { code_verifier: VERIFIER.slice(0, 42) }, 400, 'invalid_grant'),
  codeCase('code_verifier oversized', { code_verifier: 'a'.repeat(10_000) }, 400, 'invalid_grant'),
  codeCase('code_verifier with characters outside [A-Za-z0-9-._~]', { code_verifier: `${VERIFIER.slice(0, 42)}+` }, 400, 'invalid_grant'),
  codeCase('code_verifier repeated', { code_verifier: [VERIFIER, VERIFIER] }, 400, 'invalid_request'),
  // Client authentication, aimed at the live code: a failure must not consume it.
  codeCase('no client authentication', {}, 401, 'invalid_client', noAuth),
  codeCase('wrong secret (Basic)', {}, 401, 'invalid_client', () => ({ authorization: basic(f.conf.id, 'wrong') })),
  codeCase('wrong secret (post)', () => ({ client_id: f.conf.id, client_secret: 'wrong' }), 401, 'invalid_client', noAuth),
  codeCase('unknown client (Basic)', {}, 401, 'invalid_client', () => ({ authorization: basic('nobody', 'pw') })),
  codeCase('malformed Basic credentials', {}, 401, 'invalid_client', () => ({ authorization: 'Basic !!!' })),
  codeCase('Basic credentials without a colon', {}, 401, 'invalid_client', () => ({ authorization: `Basic ${Buffer.from(f.conf.id).toString('base64')}` })),
  codeCase('Basic credentials with an empty secret', {}, 401, 'invalid_client', () => ({ authorization: basic(f.conf.id, '') })),
  codeCase('Basic with bad percent-encoding', {}, 401, 'invalid_client', () => ({ authorization: `Basic ${Buffer.from(`%zz:${f.conf.secret}`).toString('base64')}` })),
  codeCase('Basic and client_secret in the body', { client_secret: 'x' }, 400, 'invalid_request'),
  codeCase('Basic and another client_id in the body', { client_id: 'someone-else' }, 400, 'invalid_request'),
  codeCase('client_id repeated', { client_id: ['a', 'b'], client_secret: 'x' }, 400, 'invalid_request', noAuth),
  codeCase('client_secret repeated', { client_id: 'a', client_secret: ['x', 'y'] }, 400, 'invalid_request', noAuth),
  codeCase('client_id oversized', { client_id: BIG, client_secret: 'x' }, 401, 'invalid_client', noAuth),
  codeCase('client_secret oversized', { client_id: 'a', client_secret: BIG }, 401, 'invalid_client', noAuth),
  codeCase('confidential client_id without its secret', () => ({ client_id: f.conf.id }), 401, 'invalid_client', noAuth),
  codeCase('a public client presenting a secret', () => ({ client_id: f.pub.id, client_secret: 'x' }), 401, 'invalid_client', noAuth),
  codeCase('a Bearer token instead of client credentials', {}, 401, 'invalid_client', () => ({ authorization: `Bearer ${f.accessToken}` })),
  // refresh_token: every refusal leaves the live refresh token usable.
  refreshCase('refresh_token missing', { refresh_token: undefined }, 400, 'invalid_request'),
  refreshCase('refresh_token repeated', { refresh_token: ['a', 'b'] }, 400, 'invalid_request'),
  refreshCase('refresh_token garbage', { refresh_token: 'nope' }, 400, 'invalid_grant'),
  refreshCase('refresh_token oversized', { refresh_token: BIG }, 400, 'invalid_grant'),
  refreshCase('refresh_token well-formed but unknown', { refresh_token: `${'A'.repeat(22)}.${'B'.repeat(43)}` }, 400, 'invalid_grant'),
  tokenCase('refresh_token with a wrong secret', () => token({ ...refreshGrant(), refresh_token: `${f.refreshToken.split('.')[0]}.${'B'.repeat(43)}` }), 400, 'invalid_grant'),
  refreshCase('refresh_token of another client', {}, 400, 'invalid_grant', otherAuth),
  tokenCase('refresh_token expired', () => token({ ...refreshGrant(), refresh_token: f.expiredRefreshToken }), 400, 'invalid_grant'),
  refreshCase('refresh_token with a widened scope', { scope: 'openid admin' }, 400, 'invalid_scope'),
  refreshCase('refresh_token with scope repeated', { scope: ['openid', 'openid'] }, 400, 'invalid_request'),
  refreshCase('an access token as refresh_token', () => ({ refresh_token: f.accessToken }), 400, 'invalid_grant'),
  refreshCase('refresh_token without client authentication', {}, 401, 'invalid_client', noAuth),
  // client_credentials
  tokenCase('client_credentials for a client not registered for it', () => token({ grant_type: 'client_credentials' }), 400, 'unauthorized_client'),
  tokenCase('client_credentials for a public client', () => token({ grant_type: 'client_credentials', client_id: f.pub.id }, {}), 401, 'invalid_client'),
  tokenCase('client_credentials with scope openid', () => token({ grant_type: 'client_credentials', scope: 'openid' }, machineAuth()), 400, 'invalid_scope'),
  tokenCase('client_credentials with an unregistered scope', () => token({ grant_type: 'client_credentials', scope: 'api.admin' }, machineAuth()), 400, 'invalid_scope'),
  tokenCase('client_credentials with an oversized scope', () => token({ grant_type: 'client_credentials', scope: BIG }, machineAuth()), 400, 'invalid_scope'),
  tokenCase('client_credentials with scope repeated', () => token({ grant_type: 'client_credentials', scope: ['api.read', 'api.read'] }, machineAuth()), 400, 'invalid_request'),
  tokenCase('client_credentials with a wrong secret', () => token({ grant_type: 'client_credentials' }, { authorization: basic(f.machine.id, 'wrong') }), 401, 'invalid_client'),
  tokenCase('the code grant for a client_credentials-only client', () => token(codeGrant(), machineAuth()), 400, 'unauthorized_client'),
  ...methods('/token', ['GET', 'PUT', 'DELETE', 'PATCH']),
  // The one refusal that is recorded: a replayed code revokes the grant of its first redemption.
  { ...tokenCase('a replayed code', () => token({ grant_type: 'authorization_code', code: f.redeemedCode, redirect_uri: CALLBACK }), 400, 'invalid_grant'), appends: true },
];

// ---------------------------------------------------------------- /userinfo

const userinfo = (headers: Record<string, string>, extra: Partial<HttpRequest> = {}): HttpRequest => ({ path: '/userinfo', headers, ...extra });
const bearer = (value: string) => ({ authorization: `Bearer ${value}` });
const invalidToken: Expected = { json: 401, error: 'invalid_token' };

const USERINFO: Case[] = [
  { name: 'no Authorization header', request: () => userinfo({}), expect: invalidToken },
  { name: 'Bearer without a token', request: () => userinfo({ authorization: 'Bearer' }), expect: { json: 400, error: 'invalid_request' } },
  { name: 'Bearer with two tokens', request: () => userinfo({ authorization: 'Bearer a b' }), expect: { json: 400, error: 'invalid_request' } },
  { name: 'a garbage token', request: () => userinfo(bearer('not-a-token')), expect: invalidToken },
  { name: 'an oversized token', request: () => userinfo(bearer(BIG)), expect: invalidToken },
  { name: 'an expired access token', request: () => userinfo(bearer(f.expiredAccessToken)), expect: invalidToken },
  { name: 'an unsigned (alg none) token', request: () => userinfo(bearer(unsigned(f.accessToken))), expect: invalidToken },
  { name: 'a token with a tampered payload', request: () => userinfo(bearer(tampered(f.accessToken))), expect: invalidToken },
  { name: 'an ID token instead of an access token', request: () => userinfo(bearer(f.idToken)), expect: invalidToken },
  { name: 'a refresh token instead of an access token', request: () => userinfo(bearer(f.refreshToken)), expect: invalidToken },
  { name: 'Basic credentials instead of a token', request: () => userinfo({ authorization: basic(f.conf.id, f.conf.secret) }), expect: invalidToken },
  { name: 'the token in the query string', request: () => userinfo({}, { query: { access_token: f.accessToken } }), expect: invalidToken },
  { name: 'the token in a JSON body', request: () => userinfo({ 'content-type': 'application/json' }, { raw: JSON.stringify({ access_token: f.accessToken }) }), expect: invalidToken },
  { name: 'the token in the header and the body', request: () => userinfo(bearer(f.accessToken), { form: { access_token: f.accessToken } }), expect: { json: 400, error: 'invalid_request' } },
  { name: 'access_token repeated in the body', request: () => userinfo({}, { form: { access_token: [f.accessToken, f.accessToken] } }), expect: { json: 400, error: 'invalid_request' } },
  { name: 'a token without the openid scope', request: () => userinfo(bearer(f.machineToken)), expect: { json: 403, error: 'insufficient_scope' } },
  ...methods('/userinfo', ['PUT', 'DELETE', 'PATCH']),
];

// ---------------------------------------------------------------- /introspect and /revoke

const backChannel = (path: string, form: Params, headers: Record<string, string> = confAuth()): HttpRequest => ({ path, form, headers });
const inactive: Expected = { ok: { active: false } };

const INTROSPECT: Case[] = [
  { name: 'no client authentication', request: () => backChannel('/introspect', { token: f.accessToken }, {}), expect: { json: 401, error: 'invalid_client' } },
  { name: 'a wrong secret', request: () => backChannel('/introspect', { token: f.accessToken }, { authorization: basic(f.conf.id, 'wrong') }), expect: { json: 401, error: 'invalid_client' } },
  { name: 'a public client', request: () => backChannel('/introspect', { token: f.accessToken, client_id: f.pub.id }, {}), expect: { json: 401, error: 'invalid_client' } },
  { name: 'token missing', request: () => backChannel('/introspect', {}), expect: { json: 400, error: 'invalid_request' } },
  { name: 'token repeated', request: () => backChannel('/introspect', { token: [f.accessToken, f.accessToken] }), expect: { json: 400, error: 'invalid_request' } },
  { name: 'token in the query string', request: () => ({ method: 'POST', path: '/introspect', query: { token: f.accessToken }, form: {}, headers: confAuth() }), expect: { json: 400, error: 'invalid_request' } },
  { name: 'a JSON body', request: () => ({ path: '/introspect', raw: JSON.stringify({ token: f.accessToken }), headers: { ...confAuth(), 'content-type': 'application/json' } }), expect: { json: 400, error: 'invalid_request' } },
  { name: 'a garbage token', request: () => backChannel('/introspect', { token: 'garbage' }), expect: inactive },
  { name: 'an oversized token', request: () => backChannel('/introspect', { token: BIG }), expect: inactive },
  { name: 'an expired access token', request: () => backChannel('/introspect', { token: f.expiredAccessToken }), expect: inactive },
  { name: 'a tampered access token', request: () => backChannel('/introspect', { token: tampered(f.accessToken) }), expect: inactive },
  { name: 'an ID token', request: () => backChannel('/introspect', { token: f.idToken }), expect: inactive },
  { name: 'an expired refresh token', request: () => backChannel('/introspect', { token: f.expiredRefreshToken }), expect: inactive },
  { name: "another client's refresh token", request: () => backChannel('/introspect', { token: f.refreshToken }, otherAuth()), expect: inactive },
  ...methods('/introspect', ['GET', 'PUT', 'DELETE']),
];

const revoked: Expected = { ok: '' };
const REVOKE: Case[] = [
  { name: 'no client authentication', request: () => backChannel('/revoke', { token: f.refreshToken }, {}), expect: { json: 401, error: 'invalid_client' } },
  { name: 'a wrong secret', request: () => backChannel('/revoke', { token: f.refreshToken }, { authorization: basic(f.conf.id, 'wrong') }), expect: { json: 401, error: 'invalid_client' } },
  { name: 'a confidential client_id without its secret', request: () => backChannel('/revoke', { token: f.refreshToken, client_id: f.conf.id }, {}), expect: { json: 401, error: 'invalid_client' } },
  { name: 'token missing', request: () => backChannel('/revoke', { token_type_hint: 'refresh_token' }), expect: { json: 400, error: 'invalid_request' } },
  { name: 'token repeated', request: () => backChannel('/revoke', { token: [f.refreshToken, f.refreshToken] }), expect: { json: 400, error: 'invalid_request' } },
  { name: 'token in the query string', request: () => ({ method: 'POST', path: '/revoke', query: { token: f.refreshToken }, form: {}, headers: confAuth() }), expect: { json: 400, error: 'invalid_request' } },
  { name: 'a JSON body', request: () => ({ path: '/revoke', raw: JSON.stringify({ token: f.refreshToken }), headers: { ...confAuth(), 'content-type': 'application/json' } }), expect: { json: 400, error: 'invalid_request' } },
  { name: 'an unknown token', request: () => backChannel('/revoke', { token: 'no-such-token' }), expect: revoked },
  { name: 'an oversized token', request: () => backChannel('/revoke', { token: BIG }), expect: revoked },
  { name: 'an expired access token', request: () => backChannel('/revoke', { token: f.expiredAccessToken }), expect: revoked },
  { name: 'a tampered access token', request: () => backChannel('/revoke', { token: tampered(f.accessToken) }), expect: revoked },
  { name: "another client's refresh token", request: () => backChannel('/revoke', { token: f.refreshToken }, otherAuth()), expect: revoked },
  { name: "another client's access token", request: () => backChannel('/revoke', { token: f.accessToken }, otherAuth()), expect: revoked },
  { name: 'a refresh token with a wrong secret', request: () => backChannel('/revoke', { token: `${f.refreshToken.split('.')[0]}.${'B'.repeat(43)}` }), expect: revoked },
  ...methods('/revoke', ['GET', 'PUT', 'DELETE']),
];

// ---------------------------------------------------------------- /end-session, discovery, JWKS

const endSession = (query: Params): HttpRequest => ({ path: '/end-session', query });
const END_SESSION: Case[] = [
  { name: 'a repeated parameter', request: () => endSession({ state: ['a', 'b'] }), expect: { page: 400 } },
  { name: 'a garbage id_token_hint', request: () => endSession({ id_token_hint: 'garbage' }), expect: { page: 400 } },
  { name: 'an oversized id_token_hint', request: () => endSession({ id_token_hint: BIG }), expect: { page: 400 } },
  { name: 'a tampered id_token_hint', request: () => endSession({ id_token_hint: tampered(f.idToken) }), expect: { page: 400 } },
  { name: 'an unsigned id_token_hint', request: () => endSession({ id_token_hint: unsigned(f.idToken) }), expect: { page: 400 } },
  { name: "an id_token_hint of another client's client_id", request: () => endSession({ id_token_hint: f.idToken, client_id: f.other.id }), expect: { page: 400 } },
  { name: 'post_logout_redirect_uri without a client', request: () => endSession({ post_logout_redirect_uri: LOGGED_OUT }), expect: { page: 400 } },
  { name: 'post_logout_redirect_uri not registered', request: () => endSession({ client_id: f.conf.id, post_logout_redirect_uri: CALLBACK }), expect: { page: 400 } },
  { name: 'post_logout_redirect_uri oversized', request: () => endSession({ client_id: f.conf.id, post_logout_redirect_uri: `${LOGGED_OUT}?${BIG}` }), expect: { page: 400 } },
  { name: 'post_logout_redirect_uri for an unknown client', request: () => endSession({ client_id: 'nobody', post_logout_redirect_uri: LOGGED_OUT }), expect: { page: 400 } },
  { name: 'POST form with a repeated parameter', request: () => ({ path: '/end-session', form: { client_id: [f.conf.id, f.conf.id] } }), expect: { page: 400 } },
  { name: 'a repeated confirm_token', request: () => ({ path: '/end-session', form: { confirm_token: ['a', 'a'] } }), expect: { page: 400 } },
  { name: 'a confirm_token with a forged session cookie', request: () => ({ path: '/end-session', form: { confirm_token: 'a' }, headers: { cookie: `meshid_session=${'A'.repeat(22)}.${'B'.repeat(43)}` } }), expect: { page: 200 } },
  ...methods('/end-session', ['PUT', 'DELETE']),
];

// The consent form's answer: until its token is proved genuine nothing is trusted, so every
// refusal is a page (never a redirect) and nothing is written.
const consent = (form: Params): HttpRequest => ({ path: '/authorize/consent', form });
const CONSENT: Case[] = [
  { name: 'no consent_token', request: () => consent({ decision: 'allow' }), expect: { page: 400 } },
  { name: 'a repeated consent_token', request: () => consent({ consent_token: ['a.b', 'a.b'], decision: 'allow' }), expect: { page: 400 } },
  { name: 'a repeated decision', request: () => consent({ consent_token: 'a.b', decision: ['allow', 'deny'] }), expect: { page: 400 } },
  { name: 'an oversized consent_token', request: () => consent({ consent_token: BIG, decision: 'allow' }), expect: { page: 400 } },
  { name: 'a garbage consent_token', request: () => consent({ consent_token: 'garbage.garbage', decision: 'allow' }), expect: { page: 400 } },
  { name: 'a consent_token signed as something else', request: () => consent({ consent_token: f.idToken, decision: 'allow' }), expect: { page: 400 } },
  { name: 'no decision', request: () => consent({ consent_token: 'a.b' }), expect: { page: 400 } },
  { name: 'a decision other than allow or deny', request: () => consent({ consent_token: 'a.b', decision: 'yes' }), expect: { page: 400 } },
  { name: 'a JSON body', request: () => ({ path: '/authorize/consent', raw: '{"consent_token":"a.b","decision":"allow"}', headers: { 'content-type': 'application/json' } }), expect: { page: 400 } },
  ...methods('/authorize/consent', ['GET', 'PUT', 'DELETE']),
];

const WELL_KNOWN: Case[] = ['/.well-known/openid-configuration', '/.well-known/oauth-authorization-server', '/.well-known/jwks.json'].flatMap((path) =>
  methods(path, ['POST', 'PUT', 'DELETE', 'PATCH']),
);

/** The token with its signature stripped and `alg: none`. */
function unsigned(jwt: string): string {
  const [, payload] = jwt.split('.');
  return `${Buffer.from(JSON.stringify({ alg: 'none', typ: 'at+jwt' })).toString('base64url')}.${payload}.`;
}

/** The token with its `sub` changed and the original signature kept. */
function tampered(jwt: string): string {
  const [header, payload, signature] = jwt.split('.');
  const claimsOf = JSON.parse(Buffer.from(payload!, 'base64url').toString()) as Record<string, unknown>;
  return `${header}.${Buffer.from(JSON.stringify({ ...claimsOf, sub: 'userid:1' })).toString('base64url')}.${signature}`;
}

// ---------------------------------------------------------------- fixtures

async function issueCode(clientId: string, overrides: Partial<AuthorizationCodeRequest> = {}): Promise<string> {
  const request: AuthorizationCodeRequest = {
    clientId,
    redirectUri: CALLBACK,
    scope: ['openid', 'profile', 'email', 'offline_access'],
    subject: 'userid:42',
    claims,
    authTime: Math.floor(Date.now() / 1000),
    nonce: 'n-1',
    ...overrides,
  };
  return (await meshid.server.app.get(CommandBus).execute(new IssueAuthorizationCodeCommand(request, context))).code;
}

async function redeem(code: string): Promise<Record<string, string>> {
  const response = await send(token({ grant_type: 'authorization_code', code, redirect_uri: CALLBACK }));
  expect(response.status).toBe(200);
  return (await response.json()) as Record<string, string>;
}

async function waitUntil(condition: () => boolean, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

beforeAll(async () => {
  meshid = await startTestServer({ MESHID_DEV_IDENTITY: '{"login":"alice@example.com","name":"Alice"}' });
  issuer = meshid.issuer;
  store = meshid.server.app.get<EventStore>(EVENT_STORE);
  const ring = meshid.server.app.get(KeyRing);
  await waitUntil(() => ring.hasSigningKey('RS256') && ring.hasSigningKey('ES256') && ring.hasSigningKey('EdDSA'));

  const conf = await meshid.createClient({ client_name: 'conf', redirect_uris: [CALLBACK], post_logout_redirect_uris: [LOGGED_OUT] });
  const other = await meshid.createClient({ client_name: 'other', redirect_uris: [CALLBACK] });
  const pub = await meshid.createClient({ client_name: 'pub', redirect_uris: [CALLBACK], token_endpoint_auth_method: 'none' });
  const machine = await meshid.createClient({ client_name: 'machine', redirect_uris: [CALLBACK], grant_types: ['client_credentials'], scope: 'api.read' });
  f.conf = { id: conf.clientId, secret: conf.clientSecret! };
  f.other = { id: other.clientId, secret: other.clientSecret! };
  f.pub = { id: pub.clientId };
  f.machine = { id: machine.clientId, secret: machine.clientSecret! };

  f.liveCode = await issueCode(f.conf.id, { codeChallenge: CHALLENGE, codeChallengeMethod: 'S256' });
  const realNow = Clock.prototype.now;
  Clock.prototype.now = () => Date.now() - 10 * 60_000;
  try {
    f.expiredCode = await issueCode(f.conf.id);
  } finally {
    Clock.prototype.now = realNow;
  }
  f.redeemedCode = await issueCode(f.conf.id);
  await redeem(f.redeemedCode);
  const tokens = await redeem(await issueCode(f.conf.id));
  f.accessToken = tokens.access_token!;
  f.refreshToken = tokens.refresh_token!;
  f.idToken = tokens.id_token!;
  expect(f.refreshToken).toBeDefined();

  const expiredGrant = { grantId: randomBytes(16).toString('base64url'), clientId: f.conf.id, subject: 'userid:42', scope: ['openid', 'offline_access'], claims, authTime: 0, origin: 'authorization_code' as const };
  f.expiredRefreshToken = (await meshid.server.app.get(CommandBus).execute(new IssueGrantCommand(expiredGrant, -60_000, context))).refreshToken!;

  const key = ring.signingKey('RS256');
  const past = Math.floor(Date.now() / 1000) - 3600;
  f.expiredAccessToken = await new SignJWT({ client_id: f.conf.id, scope: 'openid', gid: expiredGrant.grantId })
    .setProtectedHeader({ alg: 'RS256', kid: key.kid, typ: 'at+jwt' })
    .setIssuer(issuer).setSubject('userid:42').setAudience(f.conf.id).setJti('j-1')
    .setIssuedAt(past - 300).setExpirationTime(past)
    .sign(key.privateKey);

  const machineResponse = await send(token({ grant_type: 'client_credentials', scope: 'api.read' }, machineAuth()));
  expect(machineResponse.status).toBe(200);
  f.machineToken = ((await machineResponse.json()) as { access_token: string }).access_token;
});

afterAll(async () => {
  console.log(`bad-input sweep: ${ran} refused requests checked`);
  await meshid?.close();
});

describe('bad input is refused with the protocol error and changes nothing', () => {
  describe.each([
    ['/authorize', AUTHORIZE],
    ['/token', TOKEN],
    ['/userinfo', USERINFO],
    ['/introspect', INTROSPECT],
    ['/revoke', REVOKE],
    ['/end-session', END_SESSION],
    ['/authorize/consent', CONSENT],
    ['discovery and JWKS', WELL_KNOWN],
  ] as const)('%s', (_endpoint, cases) => {
    it.each(cases.map((testCase) => [testCase.name, testCase] as const))('%s', async (_name, testCase) => {
      await run(testCase);
    });
  });

  it('left the fixtures usable: the live code redeems, its refresh token and the first refresh token rotate', async () => {
    const redeemed = await send(token(codeGrant()));
    expect(redeemed.status).toBe(200);
    const rotated = await send(token(refreshGrant()));
    expect(rotated.status).toBe(200);
    expect(((await rotated.json()) as { refresh_token: string }).refresh_token).not.toBe(f.refreshToken);
    const info = await send(userinfo(bearer(f.accessToken)));
    expect(info.status).toBe(200);
  });
});
