import { createHash, randomBytes } from 'node:crypto';
import { createLocalJWKSet, type JSONWebKeySet, type JWTVerifyGetKey, jwtVerify } from 'jose';
import type { BenchHttpClient, BenchResponse } from './http-client.js';
import type { ServerUnderTest } from './servers.js';

export type ScenarioName = 'discovery' | 'jwks' | 'client_credentials' | 'login' | 'refresh';

export interface Scenario {
  name: ScenarioName;
  label: string;
  /** Minimum meshid / oidc-provider throughput ratio the issue asks for, if any. */
  targetRatio?: number;
  what: string;
}

export const SCENARIOS: readonly Scenario[] = [
  { name: 'discovery', label: 'discovery', targetRatio: 4, what: 'GET /.well-known/openid-configuration' },
  { name: 'jwks', label: 'JWKS', what: 'GET the jwks_uri' },
  { name: 'client_credentials', label: 'client_credentials', targetRatio: 2, what: 'POST token, client_secret_basic' },
  {
    name: 'login',
    label: 'full login',
    targetRatio: 4,
    what: 'authorize (PKCE) + redirects -> token -> ID token verified -> userinfo',
  },
  { name: 'refresh', label: 'refresh', targetRatio: 3, what: 'POST token grant_type=refresh_token, rotating' },
];

const LOGIN_SCOPE = 'openid profile email groups offline_access';

/** What the load client learns once per server from discovery and the JWKS, as a relying party caches it. */
export interface ServerContext {
  server: ServerUnderTest;
  http: BenchHttpClient;
  discoveryUrl: string;
  authorizationEndpoint: string;
  tokenEndpoint: string;
  userinfoEndpoint: string;
  jwksUri: string;
  jwks: JWTVerifyGetKey;
  loginAuthorization: string;
  clientCredentialsAuthorization: string;
}

/** HTTP Basic credentials as RFC 6749 §2.3.1 spells them (form-encoded id and secret). */
function basic(clientId: string, clientSecret: string): string {
  const encode = (value: string) => encodeURIComponent(value).replace(/%20/g, '+');
  return `Basic ${Buffer.from(`${encode(clientId)}:${encode(clientSecret)}`).toString('base64')}`;
}

function json<T>(response: BenchResponse, what: string): T {
  if (response.status < 200 || response.status > 299) throw new Error(`${what}: HTTP ${response.status} ${response.text.slice(0, 300)}`);
  return JSON.parse(response.text) as T;
}

export async function discover(server: ServerUnderTest, http: BenchHttpClient): Promise<ServerContext> {
  const discoveryUrl = `${server.issuer}/.well-known/openid-configuration`;
  const metadata = json<Record<string, string>>(await http.request(discoveryUrl), 'discovery');
  if (metadata['issuer'] !== server.issuer) throw new Error(`${server.name}: discovery names issuer ${metadata['issuer']}`);
  const jwksUri = metadata['jwks_uri']!;
  const keys = json<JSONWebKeySet>(await http.request(jwksUri), 'jwks');
  return {
    server,
    http,
    discoveryUrl,
    authorizationEndpoint: metadata['authorization_endpoint']!,
    tokenEndpoint: metadata['token_endpoint']!,
    userinfoEndpoint: metadata['userinfo_endpoint']!,
    jwksUri,
    jwks: createLocalJWKSet(keys),
    loginAuthorization: basic(server.login.clientId, server.login.clientSecret),
    clientCredentialsAuthorization: basic(server.clientCredentials.clientId, server.clientCredentials.clientSecret),
  };
}

function expectOk(response: BenchResponse, what: string): void {
  if (response.status !== 200) throw new Error(`${what}: HTTP ${response.status} ${response.text.slice(0, 300)}`);
}

/**
 * The cookies of one login, as a browser keeps them for one origin: name, value and path (a
 * cookie is sent only under its path); an empty value or Max-Age=0 deletes it. meshid sets none
 * with the dev identity; oidc-provider ties the interaction to the authorization request with them.
 */
class CookieJar {
  private readonly cookies = new Map<string, { value: string; path: string }>();

  store(response: BenchResponse): void {
    for (const header of response.setCookies()) {
      const [pair = '', ...attributes] = header.split(';');
      const eq = pair.indexOf('=');
      if (eq <= 0) continue;
      const name = pair.slice(0, eq).trim();
      const value = pair.slice(eq + 1).trim();
      let path = '/';
      let expired = value === '';
      for (const attribute of attributes) {
        const [key = '', val = ''] = attribute.split('=', 2).map((part) => part.trim());
        const lower = key.toLowerCase();
        if (lower === 'path' && val.startsWith('/')) path = val;
        else if (lower === 'max-age' && Number(val) <= 0) expired = true;
        else if (lower === 'expires' && Date.parse(val) <= Date.now()) expired = true;
      }
      if (expired) this.cookies.delete(name);
      else this.cookies.set(name, { value, path });
    }
  }

  header(url: URL): string | undefined {
    const sent: string[] = [];
    for (const [name, cookie] of this.cookies) {
      if (url.pathname === cookie.path || url.pathname.startsWith(cookie.path.endsWith('/') ? cookie.path : `${cookie.path}/`)) {
        sent.push(`${name}=${cookie.value}`);
      }
    }
    return sent.length > 0 ? sent.join('; ') : undefined;
  }
}

const MAX_REDIRECTS = 6;

/**
 * GET the authorization URL and follow same-origin redirects (meshid answers 303 with the code at
 * once; oidc-provider goes through /interaction/:uid and back) until one points at the client's
 * redirect URI; returns that URL.
 */
async function authorize(ctx: ServerContext, url: URL): Promise<URL> {
  const jar = new CookieJar();
  let current = url;
  for (let hop = 0; hop < MAX_REDIRECTS; hop++) {
    const cookie = jar.header(current);
    const response = await ctx.http.request(current, cookie ? { headers: { cookie } } : {});
    jar.store(response);
    const location = response.header('location');
    if (response.status < 300 || response.status > 399 || location === undefined) {
      throw new Error(`authorize: HTTP ${response.status} at ${current.pathname} without a redirect`);
    }
    const next = new URL(location, current);
    if (next.href.startsWith(ctx.server.login.redirectUri)) return next;
    current = next;
  }
  throw new Error(`authorize: more than ${MAX_REDIRECTS} redirects`);
}

interface TokenResponse {
  access_token?: string;
  id_token?: string;
  refresh_token?: string;
  token_type?: string;
}

async function tokenRequest(ctx: ServerContext, authorization: string, params: Record<string, string>): Promise<TokenResponse> {
  const response = await ctx.http.request(ctx.tokenEndpoint, {
    method: 'POST',
    headers: { authorization, 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
    body: new URLSearchParams(params).toString(),
  });
  const tokens = json<TokenResponse>(response, `token (${params['grant_type']})`);
  if (typeof tokens.access_token !== 'string' || tokens.token_type?.toLowerCase() !== 'bearer') {
    throw new Error(`token (${params['grant_type']}): no bearer access token in ${JSON.stringify(tokens).slice(0, 300)}`);
  }
  return tokens;
}

const random = (bytes: number) => randomBytes(bytes).toString('base64url');

/**
 * One whole login, as a confidential relying party does it: authorization request with PKCE
 * (S256), nonce and state → code from the redirect (state and `iss` checked) → token request with
 * client_secret_basic and the verifier → ID token signature (ES256, against the JWKS fetched once),
 * iss, aud, exp and nonce checked → userinfo with the access token, same `sub`.
 * Returns the refresh token.
 */
export async function login(ctx: ServerContext): Promise<string> {
  const { server } = ctx;
  const verifier = random(32);
  const nonce = random(16);
  const state = random(16);
  const url = new URL(ctx.authorizationEndpoint);
  url.search = new URLSearchParams({
    client_id: server.login.clientId,
    redirect_uri: server.login.redirectUri,
    response_type: 'code',
    scope: LOGIN_SCOPE,
    code_challenge: createHash('sha256').update(verifier).digest('base64url'),
    code_challenge_method: 'S256',
    nonce,
    state,
  }).toString();
  const callback = await authorize(ctx, url);
  const code = callback.searchParams.get('code');
  if (code === null) throw new Error(`authorize: no code in ${callback.search.slice(0, 300)}`);
  if (callback.searchParams.get('state') !== state) throw new Error('authorize: state mismatch');
  const iss = callback.searchParams.get('iss');
  if (iss !== null && iss !== server.issuer) throw new Error(`authorize: iss ${iss}`);

  const tokens = await tokenRequest(ctx, ctx.loginAuthorization, {
    grant_type: 'authorization_code',
    code,
    redirect_uri: server.login.redirectUri,
    code_verifier: verifier,
  });
  if (tokens.id_token === undefined || tokens.refresh_token === undefined) throw new Error('token: no ID token or no refresh token');
  const { payload } = await jwtVerify(tokens.id_token, ctx.jwks, {
    issuer: server.issuer,
    audience: server.login.clientId,
    algorithms: ['ES256'],
  });
  if (payload['nonce'] !== nonce) throw new Error('ID token: nonce mismatch');

  const userinfo = json<{ sub?: string }>(
    await ctx.http.request(ctx.userinfoEndpoint, { headers: { authorization: `Bearer ${tokens.access_token}`, accept: 'application/json' } }),
    'userinfo',
  );
  if (userinfo.sub !== payload.sub) throw new Error(`userinfo: sub ${userinfo.sub} is not the ID token's ${payload.sub}`);
  return tokens.refresh_token;
}

/**
 * A worker's operation for `scenario`. Refresh workers each keep their own chain: a login first
 * (not timed, done before the load starts), then every operation spends the current refresh token
 * and keeps the rotated one. After a failed refresh the chain starts again with a login, which is
 * not counted as an operation.
 */
export type Operation = () => Promise<void | 'not counted'>;

export async function makeOperation(scenario: ScenarioName, ctx: ServerContext): Promise<Operation> {
  switch (scenario) {
    case 'discovery':
      return async () => expectOk(await ctx.http.request(ctx.discoveryUrl), 'discovery');
    case 'jwks':
      return async () => expectOk(await ctx.http.request(ctx.jwksUri), 'jwks');
    case 'client_credentials':
      return async () => void (await tokenRequest(ctx, ctx.clientCredentialsAuthorization, { grant_type: 'client_credentials' }));
    case 'login':
      return async () => void (await login(ctx));
    case 'refresh': {
      let refreshToken: string | undefined = await login(ctx);
      return async () => {
        if (refreshToken === undefined) {
          refreshToken = await login(ctx);
          return 'not counted';
        }
        const spent: string = refreshToken;
        refreshToken = undefined;
        const tokens = await tokenRequest(ctx, ctx.loginAuthorization, { grant_type: 'refresh_token', refresh_token: spent });
        if (tokens.refresh_token === undefined || tokens.refresh_token === spent) throw new Error('refresh: the refresh token was not rotated');
        refreshToken = tokens.refresh_token;
      };
    }
  }
}
