/**
 * The floor of the OIDC benchmark: a bare `node:http` server that does, per request, only the
 * work meshid's design cannot do without, and nothing else. It is not a product and skips on
 * purpose everything meshid does besides: no framework, no projections or read models, no audit,
 * no validation beyond what the bench's well-behaved relying party needs, one client of each kind.
 *
 * What it keeps, as meshid does it:
 * - every state change is an event appended to a SQLite log (WAL, synchronous=NORMAL) at an
 *   expected revision under BEGIN IMMEDIATE: a login appends four (session, code, redemption,
 *   grant), a refresh one (rotation), client_credentials none;
 * - secrets (client secrets, codes, refresh tokens) are compared as HMACs under a pepper;
 * - access and ID tokens are ES256 JWTs signed with node:crypto; userinfo verifies the token's
 *   signature and reads the grant's claims;
 * - PKCE S256, `state`, `nonce`, `at_hash`, `iss` in the authorization response.
 *
 * Its figures bound what any server built on these choices can reach on the machine: if the floor
 * is not 4x oidc-provider, meshid cannot be. Started by bench/oidc/floor.ts with its settings in
 * BENCH_FLOOR_SETTINGS; prints `ready` on stdout once it listens.
 */
import Database from 'better-sqlite3';
import { createHash, createHmac, generateKeyPairSync, randomBytes, sign, timingSafeEqual, verify } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';

export interface FloorSettings {
  port: number;
  issuer: string;
  databasePath: string;
  login: { clientId: string; clientSecret: string; redirectUri: string };
  clientCredentials: { clientId: string; clientSecret: string };
  /** The person every /authorize signs in, with the claims the bench's login expects. */
  account: { sub: string; claims: Record<string, unknown> };
}

const settings = JSON.parse(process.env['BENCH_FLOOR_SETTINGS'] ?? 'null') as FloorSettings | null;
if (settings === null) {
  process.stderr.write('floor-server: BENCH_FLOOR_SETTINGS is not set (run it through bench/oidc/floor.js)\n');
  process.exit(2);
}
const { issuer } = settings;

// --- secrets and keys -------------------------------------------------------------------------

const pepper = randomBytes(32);
const digest = (secret: string) => createHmac('sha256', pepper).update(secret).digest();
const random = (bytes: number) => randomBytes(bytes).toString('base64url');
const sameDigest = (secret: string, stored: string) => timingSafeEqual(digest(secret), Buffer.from(stored, 'base64url'));
const clientSecrets = new Map([
  [settings.login.clientId, digest(settings.login.clientSecret).toString('base64url')],
  [settings.clientCredentials.clientId, digest(settings.clientCredentials.clientSecret).toString('base64url')],
]);

const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
const kid = random(8);
const jwks = JSON.stringify({ keys: [{ ...publicKey.export({ format: 'jwk' }), kid, alg: 'ES256', use: 'sig' }] });

function signJwt(typ: string, payload: Record<string, unknown>): string {
  const input = `${Buffer.from(JSON.stringify({ alg: 'ES256', kid, typ })).toString('base64url')}.${Buffer.from(JSON.stringify(payload)).toString('base64url')}`;
  return `${input}.${sign('sha256', Buffer.from(input), { key: privateKey, dsaEncoding: 'ieee-p1363' }).toString('base64url')}`;
}

function verifyJwt(token: string): Record<string, unknown> | null {
  const [header, payload, signature] = token.split('.');
  if (header === undefined || payload === undefined || signature === undefined) return null;
  const ok = verify('sha256', Buffer.from(`${header}.${payload}`), { key: publicKey, dsaEncoding: 'ieee-p1363' }, Buffer.from(signature, 'base64url'));
  if (!ok) return null;
  const claims = JSON.parse(Buffer.from(payload, 'base64url').toString()) as Record<string, unknown>;
  return typeof claims['exp'] === 'number' && claims['exp'] * 1000 > Date.now() ? claims : null;
}

const atHash = (token: string) => createHash('sha256').update(token).digest().subarray(0, 16).toString('base64url');

// --- the log ----------------------------------------------------------------------------------

const db = new Database(settings.databasePath);
db.pragma('journal_mode = WAL');
db.pragma('synchronous = NORMAL');
db.exec(`CREATE TABLE IF NOT EXISTS events (
  position INTEGER PRIMARY KEY AUTOINCREMENT, stream TEXT NOT NULL, revision INTEGER NOT NULL,
  type TEXT NOT NULL, data TEXT NOT NULL, created_at INTEGER NOT NULL, UNIQUE (stream, revision)) STRICT`);
const lastRevision = db.prepare<[string], { revision: number }>('SELECT revision FROM events WHERE stream = ? ORDER BY revision DESC LIMIT 1');
const insert = db.prepare('INSERT INTO events (stream, revision, type, data, created_at) VALUES (?, ?, ?, ?, ?)');
const first = db.prepare<[string], { data: string }>('SELECT data FROM events WHERE stream = ? ORDER BY revision ASC LIMIT 1');
const last = db.prepare<[string], { revision: number; data: string }>('SELECT revision, data FROM events WHERE stream = ? ORDER BY revision DESC LIMIT 1');

/** Appends one event at `expected` (-1: the stream must not exist); false on a conflict. */
const append = db.transaction((stream: string, expected: number, type: string, data: object): boolean => {
  const current = lastRevision.get(stream)?.revision ?? -1;
  if (current !== expected) return false;
  insert.run(stream, current + 1, type, JSON.stringify(data), Date.now());
  return true;
});
const appendImmediate = (stream: string, expected: number, type: string, data: object) => append.immediate(stream, expected, type, data);

// --- endpoints --------------------------------------------------------------------------------

const discovery = JSON.stringify({
    issuer,
    authorization_endpoint: `${issuer}/authorize`,
    token_endpoint: `${issuer}/token`,
    userinfo_endpoint: `${issuer}/userinfo`,
    jwks_uri: `${issuer}/jwks`,
    response_types_supported: ['code'],
    subject_types_supported: ['public'],
    id_token_signing_alg_values_supported: ['ES256'],
    code_challenge_methods_supported: ['S256'],
    authorization_response_iss_parameter_supported: true,
});

function json(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json', 'cache-control': 'no-store' });
  res.end(typeof body === 'string' ? body : JSON.stringify(body));
}

function authorize(url: URL, res: ServerResponse): void {
  const params = url.searchParams;
  const { login, account } = settings!;
  if (params.get('client_id') !== login.clientId || params.get('redirect_uri') !== login.redirectUri) return json(res, 400, { error: 'invalid_request' });
  const challenge = params.get('code_challenge');
  if (challenge === null || params.get('code_challenge_method') !== 'S256') return json(res, 400, { error: 'invalid_request' });
  const sid = random(16);
  appendImmediate(`session-${sid}`, -1, 'SessionStarted', { subject: account.sub, secretDigest: digest(random(32)).toString('base64url'), startedAt: Date.now() });
  const code = random(32);
  const scope = (params.get('scope') ?? 'openid').split(' ');
  appendImmediate(`authcode-${digest(code).toString('base64url')}`, -1, 'AuthorizationCodeIssued', {
    clientId: login.clientId, redirectUri: login.redirectUri, scope, subject: account.sub, claims: account.claims,
    authTime: Math.floor(Date.now() / 1000), expiresAt: Date.now() + 60_000, nonce: params.get('nonce'), codeChallenge: challenge, sessionId: sid,
  });
  const location = new URL(login.redirectUri);
  location.searchParams.set('code', code);
  const state = params.get('state');
  if (state !== null) location.searchParams.set('state', state);
  location.searchParams.set('iss', issuer);
  res.writeHead(303, { location: location.href, 'set-cookie': `floor_session=${sid}; Path=/; HttpOnly; SameSite=Lax` });
  res.end();
}

function tokens(clientId: string, grantId: string, subject: string, scope: string[], idToken: { claims: Record<string, unknown>; nonce: string | null; sid: string } | null, refreshToken: string | null) {
  const now = Math.floor(Date.now() / 1000);
  const access = signJwt('at+jwt', { client_id: clientId, scope: scope.join(' '), gid: grantId, jti: random(16), iss: issuer, sub: subject, aud: clientId, iat: now, exp: now + 300 });
  const body: Record<string, unknown> = { access_token: access, token_type: 'Bearer', expires_in: 300, scope: scope.join(' ') };
  if (idToken !== null) {
    body['id_token'] = signJwt('JWT', {
      ...idToken.claims, auth_time: now, at_hash: atHash(access), ...(idToken.nonce === null ? {} : { nonce: idToken.nonce }), sid: idToken.sid,
      iss: issuer, sub: subject, aud: clientId, iat: now, exp: now + 300,
    });
  }
  if (refreshToken !== null) body['refresh_token'] = refreshToken;
  return body;
}

function token(req: IncomingMessage, body: string, res: ServerResponse): void {
  const basic = /^Basic (.+)$/.exec(req.headers.authorization ?? '');
  const [rawId = '', rawSecret = ''] = basic ? Buffer.from(basic[1]!, 'base64').toString().split(':') : [];
  const clientId = decodeURIComponent(rawId);
  const stored = clientSecrets.get(clientId);
  if (stored === undefined || !sameDigest(decodeURIComponent(rawSecret), stored)) return json(res, 401, { error: 'invalid_client' });
  const form = new URLSearchParams(body);
  const { account } = settings!;
  switch (form.get('grant_type')) {
    case 'client_credentials':
      return json(res, 200, tokens(clientId, random(16), clientId, [], null, null));
    case 'authorization_code': {
      const stream = `authcode-${digest(form.get('code') ?? '').toString('base64url')}`;
      const row = first.get(stream);
      if (row === undefined) return json(res, 400, { error: 'invalid_grant' });
      const issued = JSON.parse(row.data) as { scope: string[]; claims: Record<string, unknown>; nonce: string | null; codeChallenge: string; sessionId: string; redirectUri: string };
      const verifier = form.get('code_verifier') ?? '';
      if (createHash('sha256').update(verifier).digest('base64url') !== issued.codeChallenge || form.get('redirect_uri') !== issued.redirectUri) {
        return json(res, 400, { error: 'invalid_grant' });
      }
      const grantId = random(16);
      if (!appendImmediate(stream, 0, 'AuthorizationCodeRedeemed', { grantId, clientId })) return json(res, 400, { error: 'invalid_grant' });
      const secret = random(32);
      appendImmediate(`grant-${grantId}`, -1, 'GrantIssued', {
        grantId, clientId, subject: account.sub, scope: issued.scope, claims: issued.claims, sessionId: issued.sessionId, refreshTokenDigest: digest(secret).toString('base64url'),
      });
      return json(res, 200, tokens(clientId, grantId, account.sub, issued.scope, { claims: issued.claims, nonce: issued.nonce, sid: issued.sessionId }, `${grantId}.${secret}`));
    }
    case 'refresh_token': {
      const [grantId = '', secret = ''] = (form.get('refresh_token') ?? '').split('.');
      const issuedRow = first.get(`grant-${grantId}`);
      const tail = last.get(`grant-${grantId}`);
      if (issuedRow === undefined || tail === undefined) return json(res, 400, { error: 'invalid_grant' });
      const issued = JSON.parse(issuedRow.data) as { scope: string[]; claims: Record<string, unknown>; sessionId: string; refreshTokenDigest: string };
      const current = tail.revision === 0 ? issued.refreshTokenDigest : (JSON.parse(tail.data) as { toDigest: string }).toDigest;
      if (!sameDigest(secret, current)) return json(res, 400, { error: 'invalid_grant' });
      const next = random(32);
      const rotated = { fromDigest: current, toDigest: digest(next).toString('base64url'), rotatedAt: Date.now() };
      if (!appendImmediate(`grant-${grantId}`, tail.revision, 'RefreshTokenRotated', rotated)) return json(res, 400, { error: 'invalid_grant' });
      return json(res, 200, tokens(clientId, grantId, account.sub, issued.scope, { claims: issued.claims, nonce: null, sid: issued.sessionId }, `${grantId}.${next}`));
    }
    default:
      return json(res, 400, { error: 'unsupported_grant_type' });
  }
}

function userinfo(req: IncomingMessage, res: ServerResponse): void {
  const bearer = /^Bearer (\S+)$/.exec(req.headers.authorization ?? '');
  const claims = bearer ? verifyJwt(bearer[1]!) : null;
  const row = claims === null ? undefined : first.get(`grant-${String(claims['gid'])}`);
  if (claims === null || row === undefined) return json(res, 401, { error: 'invalid_token' });
  const grant = JSON.parse(row.data) as { subject: string; claims: Record<string, unknown> };
  json(res, 200, { ...grant.claims, sub: grant.subject });
}

const server = createServer((req, res) => {
  const url = new URL(req.url ?? '/', issuer);
  if (req.method === 'GET') {
    if (url.pathname === '/.well-known/openid-configuration') return json(res, 200, discovery);
    if (url.pathname === '/jwks') return json(res, 200, jwks);
    if (url.pathname === '/authorize') return authorize(url, res);
    if (url.pathname === '/userinfo') return userinfo(req, res);
  }
  if (req.method === 'POST' && url.pathname === '/token') {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => token(req, Buffer.concat(chunks).toString(), res));
    return;
  }
  json(res, 404, { error: 'not_found' });
});

server.keepAliveTimeout = 60_000;
server.listen(settings.port, '127.0.0.1', () => process.stdout.write('ready\n'));
for (const signal of ['SIGTERM', 'SIGINT'] as const) {
  process.on(signal, () => {
    server.close(() => {
      db.close();
      process.exit(0);
    });
    server.closeAllConnections();
  });
}
