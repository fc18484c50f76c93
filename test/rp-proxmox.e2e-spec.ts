import { createHash, randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import * as jose from 'jose';
import { startTestServer, type TestServer } from './support/test-server.js';

// A Proxmox VE OpenID realm (proxmox-openid on openidconnect-rs; reference/relying-parties.md
// §1.4), replayed: strict discovery; an authorize request that always carries PKCE S256, a nonce
// and display=page; the code redeemed with oauth2-rs BasicAuth (form-urlencoded id and secret), or
// with client_id in the body when the realm has no client-key; the ID token verified with the
// crate's rules (any audience besides client_id is untrusted, nonce, at_hash); userinfo must be
// application/json with the same sub and strictly typed standard claims. Verified by docs/proxmox.md.
const UI_ORIGIN = 'https://pve.example.com:8006';
const RESOURCES = ['https://pve.example.com:8006/api2/json', 'https://backup.example.com'];
/** The realm's `scopes`: Proxmox's default `email profile`, plus `groups` for groups-claim (openid is added by the library). */
const REALM_SCOPES = 'email profile groups';
const PERSON = { login: 'carol@example.com', name: 'Carol Ops', groups: ['pve-admins'], caps: [{ users: ['*'], resources: RESOURCES }] };

interface ProviderMetadata {
  issuer: string;
  authorization_endpoint: string;
  token_endpoint: string;
  userinfo_endpoint: string;
  jwks_uri: string;
  response_types_supported: string[];
  subject_types_supported: string[];
  id_token_signing_alg_values_supported: string[];
}

let meshid: TestServer;
let provider: ProviderMetadata;
let confidential: { clientId: string; clientSecret?: string };
let publicClient: { clientId: string };

beforeAll(async () => {
  meshid = await startTestServer({ MESHID_DEV_IDENTITY: JSON.stringify(PERSON) });
  confidential = await meshid.createClient({ client_name: 'Proxmox VE', redirect_uris: [UI_ORIGIN] });
  publicClient = await meshid.createClient({ client_name: 'Proxmox VE (no client key)', redirect_uris: [UI_ORIGIN], token_endpoint_auth_method: 'none' });
  provider = await discover(meshid.issuer);
});
afterAll(async () => meshid?.close());

/** CoreProviderMetadata::discover: JSON content type, the four fields the strict deserializer requires, the issuer exact. */
async function discover(issuer: string): Promise<ProviderMetadata> {
  const response = await fetch(`${issuer}/.well-known/openid-configuration`, { headers: { accept: 'application/json' } });
  expect(response.headers.get('content-type')?.split(';')[0]).toBe('application/json');
  const metadata = (await response.json()) as ProviderMetadata;
  expect(metadata.issuer).toBe(issuer);
  expect(metadata.response_types_supported).toContain('code');
  expect(metadata.subject_types_supported.every((type) => ['public', 'pairwise'].includes(type))).toBe(true);
  expect(metadata.id_token_signing_alg_values_supported).toContain('RS256');
  expect(typeof metadata.jwks_uri).toBe('string');
  return metadata;
}

/** oauth2-rs BasicAuth: form_urlencoded::byte_serialize of id and secret. */
function formUrlEncode(value: string): string {
  return encodeURIComponent(value).replace(/[!'()~]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`).replace(/%20/g, '+');
}

/** authorize_url with PKCE S256, a nonce, display=page; the browser follows to the UI origin. */
async function authorize(clientId: string, extra: Array<[string, string]> = []) {
  const verifier = randomBytes(32).toString('base64url');
  const nonce = randomBytes(16).toString('base64url');
  const state = randomBytes(16).toString('base64url');
  const url = new URL(provider.authorization_endpoint);
  const query: Array<[string, string]> = [
    ['response_type', 'code'], ['client_id', clientId], ['state', state], ['code_challenge', createHash('sha256').update(verifier).digest('base64url')],
    ['code_challenge_method', 'S256'], ['redirect_uri', UI_ORIGIN], ['scope', `openid ${REALM_SCOPES}`], ['nonce', nonce], ['display', 'page'], ...extra,
  ];
  for (const [key, value] of query) url.searchParams.append(key, value);
  const response = await fetch(url, { redirect: 'manual' });
  expect(response.status).toBe(303);
  const callback = new URL(response.headers.get('location')!);
  expect(callback.origin).toBe(UI_ORIGIN);
  expect(callback.searchParams.get('state')).toBe(state);
  return { code: callback.searchParams.get('code')!, verifier, nonce };
}

async function exchange(code: string, verifier: string, client: { clientId: string; clientSecret?: string }) {
  const body = new URLSearchParams({ grant_type: 'authorization_code', code, code_verifier: verifier, redirect_uri: UI_ORIGIN });
  const headers: Record<string, string> = { accept: 'application/json', 'content-type': 'application/x-www-form-urlencoded' };
  if (client.clientSecret !== undefined) headers['authorization'] = `Basic ${Buffer.from(`${formUrlEncode(client.clientId)}:${formUrlEncode(client.clientSecret)}`).toString('base64')}`;
  else body.set('client_id', client.clientId);
  const response = await fetch(provider.token_endpoint, { method: 'POST', headers, body });
  expect(response.status).toBe(200);
  // oauth2-rs refuses a token response whose Content-Type essence is not application/json.
  expect(response.headers.get('content-type')?.split(';')[0]?.trim().toLowerCase()).toBe('application/json');
  return (await response.json()) as { access_token: string; id_token?: string };
}

/** IdToken::claims with the crate's verifier, then proxmox-openid's at_hash check. */
async function verifyLikeOpenidconnectRs(tokens: { access_token: string; id_token?: string }, clientId: string, nonce: string) {
  expect(tokens.id_token).toBeDefined(); // .expect("Server did not return an ID token")
  const { payload, protectedHeader } = await jose.jwtVerify(tokens.id_token!, jose.createRemoteJWKSet(new URL(provider.jwks_uri)), {
    issuer: provider.issuer,
    algorithms: provider.id_token_signing_alg_values_supported,
  });
  // aud: a string or an array (deserialize_string_or_vec), holding client_id and nothing else.
  expect([payload.aud].flat()).toEqual([clientId]);
  if (payload['azp'] !== undefined) expect(payload['azp']).toBe(clientId);
  expect(payload.nonce).toBe(nonce);
  // meshid always sends at_hash, which proxmox-openid then checks against the access token.
  const digest = createHash(`sha${protectedHeader.alg.slice(2)}`).update(tokens.access_token).digest();
  expect(payload['at_hash']).toBe(digest.subarray(0, digest.length / 2).toString('base64url'));
  return payload;
}

/** user_info(access_token, Some(subject)): JSON or JWT content type, the same sub, typed standard claims. */
async function userinfo(accessToken: string, subject: string): Promise<Record<string, unknown>> {
  const response = await fetch(provider.userinfo_endpoint, { headers: { authorization: `Bearer ${accessToken}`, accept: 'application/json' } });
  expect(response.status).toBe(200);
  expect(response.headers.get('content-type')?.split(';')[0]?.trim().toLowerCase()).toBe('application/json');
  const claims = (await response.json()) as Record<string, unknown>;
  expect(claims['sub']).toBe(subject);
  expect(typeof claims['email_verified']).toBe('boolean');
  if (claims['updated_at'] !== undefined) expect(typeof claims['updated_at']).toBe('number');
  return claims;
}

describe('Proxmox VE OpenID realm against meshid', () => {
  it('logs in with a client key: PKCE S256, nonce, display=page, BasicAuth, aud exactly [client_id], JSON userinfo', async () => {
    const { code, verifier, nonce } = await authorize(confidential.clientId);
    const tokens = await exchange(code, verifier, confidential);
    const claims = await verifyLikeOpenidconnectRs(tokens, confidential.clientId, nonce);
    expect(claims['email_verified']).toBe(true);
    const info = await userinfo(tokens.access_token, claims.sub!);
    // username-claim = username (preferred_username) or email: <value>@<realm>; groups-claim = groups.
    expect(info).toMatchObject({ email: PERSON.login, email_verified: true, preferred_username: 'carol', groups: PERSON.groups });
    expect(claims['groups']).toEqual(PERSON.groups);
  });

  it('logs in without a client key (public client, client_id in the body)', async () => {
    const { code, verifier, nonce } = await authorize(publicClient.clientId);
    const tokens = await exchange(code, verifier, publicClient);
    const claims = await verifyLikeOpenidconnectRs(tokens, publicClient.clientId, nonce);
    await userinfo(tokens.access_token, claims.sub!);
  });

  it('keeps the ID token aud to [client_id] when resources are requested; they go to the access token only', async () => {
    const { code, verifier, nonce } = await authorize(confidential.clientId, RESOURCES.map((resource): [string, string] => ['resource', resource]));
    const tokens = await exchange(code, verifier, confidential);
    const claims = await verifyLikeOpenidconnectRs(tokens, confidential.clientId, nonce);
    expect([jose.decodeJwt(tokens.access_token).aud].flat().sort()).toEqual([...RESOURCES].sort());
    await userinfo(tokens.access_token, claims.sub!);
  });

  it('serves its JWKS as JSON with the key the ID token names', async () => {
    const response = await fetch(provider.jwks_uri);
    expect(['application/json', 'application/jwk-set+json']).toContain(response.headers.get('content-type')?.split(';')[0]);
    const { code, verifier, nonce } = await authorize(confidential.clientId);
    const tokens = await exchange(code, verifier, confidential);
    await verifyLikeOpenidconnectRs(tokens, confidential.clientId, nonce);
    const { kid } = jose.decodeProtectedHeader(tokens.id_token!);
    expect(((await response.json()) as { keys: Array<{ kid: string; use?: string }> }).keys.find((key) => key.kid === kid)).toMatchObject({ kid });
  });
});
