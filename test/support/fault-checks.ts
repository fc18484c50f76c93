import { createHash } from 'node:crypto';
import { expect } from '@jest/globals';
import Database from 'better-sqlite3';
import * as oauth from 'oauth4webapi';
import { clientCredentialsToken, codeLogin } from './code-login.js';
import type { MeshidChild } from './fault-meshid.js';
import { runCli } from './run-cli.js';

export const CALLBACK = 'http://127.0.0.1:9999/callback';
/** The PKCE verifier of every `authorize` here (what matters is the store, not PKCE). */
const VERIFIER = 'fault-tests-verifier-0123456789-0123456789-0123456789';
const CHALLENGE = createHash('sha256').update(VERIFIER).digest('base64url');

export interface FaultClient {
  client_id: string;
  client_secret: string;
}

/** A confidential client registered offline in `dataDir` (before meshid starts there). */
export async function createClientOffline(env: Record<string, string>): Promise<FaultClient> {
  const created = await runCli(['clients', 'create', '--name', 'faults', '--redirect-uri', CALLBACK, '--json'], env);
  if (created.code !== 0) throw new Error(`clients create failed: ${created.stderr}`);
  return JSON.parse(created.stdout) as FaultClient;
}

/** An automation client allowed the admin API (client_credentials, meshid:admin), registered offline. */
export async function createAdminClientOffline(env: Record<string, string>): Promise<FaultClient> {
  const created = await runCli(['clients', 'create', '--name', 'ops', '--grant-types', 'client_credentials', '--scope', 'meshid:admin', '--json'], env);
  if (created.code !== 0) throw new Error(`clients create failed: ${created.stderr}`);
  return JSON.parse(created.stdout) as FaultClient;
}

/** An admin API access token for `admin`. */
export function adminToken(meshid: MeshidChild, admin: FaultClient): Promise<string> {
  return clientCredentialsToken(meshid.url, admin.client_id, admin.client_secret, 'meshid:admin');
}

/** POST /api/v1/clients: a write through the admin API. */
export function adminCreateClient(meshid: MeshidChild, token: string): Promise<Response> {
  return fetch(`${meshid.url}/api/v1/clients`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify({ client_name: 'made during a fault', redirect_uris: [CALLBACK] }),
  });
}

/** A whole sign-in (/authorize, /token) as a relying party does it; the ID token proves it. */
export async function login(meshid: MeshidChild, client: FaultClient): Promise<void> {
  const tokens = await codeLogin(meshid.url, client.client_id, oauth.ClientSecretBasic(client.client_secret), CALLBACK, 'openid');
  expect(typeof tokens.id_token).toBe('string');
}

/** Only /authorize: the redirect's query (a `code`, or an `error`). */
export async function authorize(meshid: MeshidChild, client: FaultClient): Promise<URLSearchParams> {
  const url = new URL(`${meshid.url}/authorize`);
  const params = { client_id: client.client_id, redirect_uri: CALLBACK, response_type: 'code', scope: 'openid', code_challenge: CHALLENGE, code_challenge_method: 'S256' };
  for (const [key, value] of Object.entries(params)) url.searchParams.set(key, value);
  const response = await fetch(url, { redirect: 'manual' });
  const location = response.headers.get('location');
  if (location === null) throw new Error(`/authorize answered ${response.status} without a redirect: ${await response.text()}`);
  return new URL(location).searchParams;
}

/** POST /token for `code` with the client's secret (the PKCE verifier of `authorize`). */
export async function redeem(meshid: MeshidChild, client: FaultClient, code: string): Promise<Response> {
  return fetch(`${meshid.url}/token`, {
    method: 'POST',
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      authorization: `Basic ${Buffer.from(`${encodeURIComponent(client.client_id)}:${encodeURIComponent(client.client_secret)}`).toString('base64')}`,
    },
    body: new URLSearchParams({ grant_type: 'authorization_code', code, redirect_uri: CALLBACK, code_verifier: VERIFIER }),
  });
}

/** A 503 `temporarily_unavailable` JSON answer, `no-store`, with nothing of the cause in it. */
export async function expectTemporarilyUnavailable(response: Response): Promise<void> {
  const text = await response.text();
  expect(`${response.status} ${text}`).toMatch(/^503 /);
  expect(response.headers.get('cache-control')).toBe('no-store');
  expect(response.headers.get('retry-after')).toMatch(/^\d+$/);
  const body = JSON.parse(text) as { error: string; error_description: string };
  expect(body.error).toBe('temporarily_unavailable');
  expect(text).not.toMatch(/SQLITE|sqlite|\.db|stack|at \w+ \(|KurrentDB|UNAVAILABLE/);
}

/** The ids of every event in the log of an embedded store (read-only, beside the running meshid). */
export function eventIds(databasePath: string): string[] {
  const db = new Database(databasePath, { readonly: true, fileMustExist: true });
  try {
    return (db.prepare('SELECT id FROM events ORDER BY position').all() as Array<{ id: string }>).map((row) => row.id);
  } finally {
    db.close();
  }
}

/** `meshid audit replay` beside the running meshid: every read model equals a rebuild from the log (exit 0). */
export async function expectReplayMatches(meshid: MeshidChild, env: Record<string, string> = {}): Promise<void> {
  const replay = await meshid.cli(['audit', 'replay'], env);
  expect(`exit ${replay.code}\n${replay.stdout}${replay.stderr}`).toMatch(/^exit 0\n/);
}

/**
 * Log lines of request handlers reporting a failure: a storage fault is logged once by the storage
 * health, never once per request (whichever log format is configured).
 */
export function perRequestFailureLines(meshid: MeshidChild): string[] {
  return meshid.lines(/"context":"(OAuthEndpoints|HttpError|Authorize|Consent)"|\[(OAuthEndpoints|HttpError|Authorize|Consent)\]/);
}

/** What the log sealer said: a fault is logged once by the storage health, never at each of its retries. */
export function sealerRetryLines(meshid: MeshidChild): string[] {
  return meshid.lines(/"context":"LogSealer"|\[LogSealer\]/);
}
