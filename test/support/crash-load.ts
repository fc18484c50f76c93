import { createHash, randomBytes } from 'node:crypto';
import type { CrashableServer } from './crash-server.js';

export const CALLBACK = 'http://127.0.0.1:9999/callback';
/** Per-request bound: a live server answers far sooner; a request to a killed one fails at once. */
const REQUEST_TIMEOUT_MS = 20000;

/** mulberry32: a small seeded PRNG, so that a run's kill schedule can be replayed from its seed. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export interface Client {
  client_id: string;
  client_secret: string;
}

/** A code /authorize returned in a redirect: acknowledged, so its AuthorizationCodeIssued must be in the log. */
export interface AcknowledgedCode {
  code: string;
  verifier: string;
  /** The PKCE S256 challenge, recorded in clear in AuthorizationCodeIssued: the join key to the log. */
  challenge: string;
  /** `acknowledged`: /token answered 200; `unknown`: the exchange was cut by a kill; `none`: never tried. */
  exchange: 'none' | 'unknown' | 'acknowledged';
}

/** A token response 200 for a code, and the refreshes of its grant that were answered 200. */
export interface AcknowledgedGrant {
  grantId: string;
  challenge: string;
  /** The last access token it was answered with: after the grant is revoked, every replica must refuse it. */
  accessToken: string;
  /** Every refresh token this grant was answered with, in order; all but the last are rotated away. */
  refreshTokens: string[];
  /** Whether a refresh of the last token was cut by a kill (it may have rotated, unacknowledged). */
  rotationLost: boolean;
}

/** An answer that is neither a success nor a connection cut by a kill: a finding. */
export interface Anomaly {
  operation: string;
  server: string;
  detail: string;
}

/** What the load did: every acknowledged operation, and counts of the others. */
export class Ledger {
  readonly codes: AcknowledgedCode[] = [];
  readonly grants: AcknowledgedGrant[] = [];
  readonly anomalies: Anomaly[] = [];
  attempted = 0;
  acknowledged = 0;
  /** Requests that got no answer: the connection was refused or reset by a kill. */
  failed = 0;
  refreshesAcknowledged = 0;
}

export interface LoadTarget {
  servers: CrashableServer[];
  client: Client;
  random: () => number;
  stopped: () => boolean;
}

class NoAnswer extends Error {}

function s256(verifier: string): string {
  return createHash('sha256').update(verifier).digest('base64url');
}

function basic(client: Client): string {
  return `Basic ${Buffer.from(`${encodeURIComponent(client.client_id)}:${encodeURIComponent(client.client_secret)}`).toString('base64')}`;
}

/** The `gid` claim of a JWT access token (its payload only: the signature is the RP's business). */
export function grantIdOf(accessToken: string): string {
  const payload = JSON.parse(Buffer.from(accessToken.split('.')[1]!, 'base64url').toString()) as { gid?: string };
  return payload.gid ?? '';
}

/** A ready server, chosen at random; waits (bounded by the load's end) while every one is down. */
async function pickServer(target: LoadTarget): Promise<CrashableServer | null> {
  while (!target.stopped()) {
    const up = target.servers.filter((server) => server.ready);
    if (up.length > 0) return up[Math.floor(target.random() * up.length)]!;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  return null;
}

/** One request; a thrown fetch (refused, reset, cut mid-answer) is a NoAnswer, anything else an answer. */
async function send(ledger: Ledger, url: string, init: RequestInit): Promise<{ status: number; headers: Headers; text: string }> {
  ledger.attempted++;
  try {
    const response = await fetch(url, { ...init, redirect: 'manual', signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS) });
    return { status: response.status, headers: response.headers, text: await response.text() };
  } catch (error) {
    if ((error as Error).name === 'TimeoutError') throw error;
    ledger.failed++;
    throw new NoAnswer((error as Error).message);
  }
}

export function tokenRequest(server: CrashableServer, client: Client, parameters: Record<string, string>): RequestInit & { url: string } {
  return {
    url: `${server.url}/token`,
    method: 'POST',
    headers: { authorization: basic(client), 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams(parameters).toString(),
  };
}

/**
 * One login: /authorize (PKCE S256) → /token (code) → /token (refresh) `refreshes` times, each
 * request to a ready server picked at random. Stops at the first request a kill cut off.
 */
async function login(target: LoadTarget, ledger: Ledger): Promise<void> {
  const { client } = target;
  let server = await pickServer(target);
  if (server === null) return;
  const verifier = randomBytes(32).toString('base64url');
  const challenge = s256(verifier);
  const query = new URLSearchParams({ client_id: client.client_id, redirect_uri: CALLBACK, response_type: 'code', scope: 'openid offline_access', code_challenge: challenge, code_challenge_method: 'S256' });
  const authorized = await send(ledger, `${server.url}/authorize?${query}`, {});
  const location = authorized.headers.get('location');
  const code = location === null ? null : new URL(location).searchParams.get('code');
  if (authorized.status !== 303 || code === null) {
    ledger.anomalies.push({ operation: 'authorize', server: server.name, detail: `${authorized.status} ${location ?? ''} ${authorized.text.slice(0, 300)}` });
    return;
  }
  ledger.acknowledged++;
  const acknowledgedCode: AcknowledgedCode = { code, verifier, challenge, exchange: 'unknown' };
  ledger.codes.push(acknowledgedCode);

  server = await pickServer(target);
  if (server === null) return void (acknowledgedCode.exchange = 'none');
  const exchange = tokenRequest(server, client, { grant_type: 'authorization_code', code, redirect_uri: CALLBACK, code_verifier: verifier });
  const exchanged = await send(ledger, exchange.url, exchange);
  if (exchanged.status !== 200) {
    ledger.anomalies.push({ operation: 'code exchange', server: server.name, detail: `${exchanged.status} ${exchanged.text.slice(0, 300)}` });
    return;
  }
  ledger.acknowledged++;
  acknowledgedCode.exchange = 'acknowledged';
  const tokens = JSON.parse(exchanged.text) as { access_token: string; refresh_token: string };
  const grant: AcknowledgedGrant = { grantId: grantIdOf(tokens.access_token), challenge, accessToken: tokens.access_token, refreshTokens: [tokens.refresh_token], rotationLost: false };
  ledger.grants.push(grant);

  const refreshes = 1 + Math.floor(target.random() * 3);
  for (let i = 0; i < refreshes && !target.stopped(); i++) {
    server = await pickServer(target);
    if (server === null) return;
    const current = grant.refreshTokens.at(-1)!;
    const refresh = tokenRequest(server, client, { grant_type: 'refresh_token', refresh_token: current });
    grant.rotationLost = true;
    const refreshed = await send(ledger, refresh.url, refresh);
    if (refreshed.status !== 200) {
      ledger.anomalies.push({ operation: `refresh #${i + 1}`, server: server.name, detail: `${refreshed.status} ${refreshed.text.slice(0, 300)}` });
      return;
    }
    grant.rotationLost = false;
    ledger.acknowledged++;
    ledger.refreshesAcknowledged++;
    const rotated = JSON.parse(refreshed.text) as { access_token: string; refresh_token: string };
    grant.accessToken = rotated.access_token;
    grant.refreshTokens.push(rotated.refresh_token);
  }
}

/** `loops` concurrent login loops until `stopped()`; a login a kill cut short is dropped and the next begins. */
export async function runLoad(target: LoadTarget, ledger: Ledger, loops: number): Promise<void> {
  const loop = async () => {
    while (!target.stopped()) {
      try {
        await login(target, ledger);
      } catch (error) {
        if (!(error instanceof NoAnswer)) ledger.anomalies.push({ operation: 'request', server: '?', detail: String(error) });
      }
    }
  };
  await Promise.all(Array.from({ length: loops }, loop));
}
