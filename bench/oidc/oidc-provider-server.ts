/**
 * The comparison server of the OIDC benchmark: oidc-provider in a child process of its own, set up
 * like meshid for the same load (see bench/README.md):
 * - ES256 only: one P-256 key generated at start, the clients' ID tokens signed with it;
 * - the default in-memory adapter;
 * - a confidential login client (client_secret_basic, authorization_code + refresh_token, PKCE
 *   S256, rotating refresh tokens issued without `prompt=consent`) and a client_credentials client;
 * - the claims meshid's dev identity gives, in the ID token as well as at userinfo;
 * - an interaction that logs the user in and grants consent without a form: GET /interaction/:uid
 *   finishes the interaction at once and redirects back to the authorization endpoint.
 *
 * Started by bench/oidc/servers.ts with its settings in BENCH_OP_* environment variables; prints
 * one `ready` line on stdout once it listens. SIGTERM/SIGINT close it.
 */
import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { exportJWK, generateKeyPair } from 'jose';
import Provider from 'oidc-provider';

export interface ProviderSettings {
  port: number;
  issuer: string;
  login: { clientId: string; clientSecret: string; redirectUri: string };
  clientCredentials: { clientId: string; clientSecret: string };
  /** The person logged in by every interaction: the same identity meshid's dev identity gives. */
  account: { sub: string; email: string; name: string; preferredUsername: string; groups: string[] };
}

const settings = JSON.parse(process.env['BENCH_OP_SETTINGS'] ?? 'null') as ProviderSettings | null;
if (settings === null) {
  process.stderr.write('oidc-provider-server: BENCH_OP_SETTINGS is not set (run it through bench/oidc/run.js)\n');
  process.exit(2);
}

const { privateKey } = await generateKeyPair('ES256', { extractable: true });
const signingKey = { ...(await exportJWK(privateKey)), kid: randomBytes(8).toString('hex'), alg: 'ES256', use: 'sig' };
const { account } = settings;
const claims = {
  sub: account.sub,
  email: account.email,
  email_verified: true,
  name: account.name,
  preferred_username: account.preferredUsername,
  groups: account.groups,
};
const DAY = 24 * 3600;

const provider = new Provider(settings.issuer, {
  jwks: { keys: [signingKey] },
  clients: [
    {
      client_id: settings.login.clientId,
      client_secret: settings.login.clientSecret,
      redirect_uris: [settings.login.redirectUri],
      grant_types: ['authorization_code', 'refresh_token'],
      response_types: ['code'],
      token_endpoint_auth_method: 'client_secret_basic',
      id_token_signed_response_alg: 'ES256',
    },
    {
      client_id: settings.clientCredentials.clientId,
      client_secret: settings.clientCredentials.clientSecret,
      redirect_uris: [],
      grant_types: ['client_credentials'],
      response_types: [],
      token_endpoint_auth_method: 'client_secret_basic',
      // Unused for this grant, but oidc-provider checks it against the keys it has (ES256 only).
      id_token_signed_response_alg: 'ES256',
    },
  ],
  cookies: { keys: [randomBytes(32).toString('hex')] },
  claims: {
    openid: ['sub'],
    profile: ['name', 'preferred_username'],
    email: ['email', 'email_verified'],
    groups: ['groups'],
  },
  // meshid puts the scopes' claims in the ID token too; oidc-provider would keep them for userinfo.
  conformIdTokenClaims: false,
  findAccount: async (_ctx: unknown, sub: string) => (sub === account.sub ? { accountId: sub, claims: async () => claims } : undefined),
  features: {
    devInteractions: { enabled: false },
    clientCredentials: { enabled: true },
  },
  pkce: { required: () => true },
  // meshid issues a refresh token to every client allowed the refresh_token grant and rotates it on
  // each use. oidc-provider drops `offline_access` from a request without prompt=consent, so the
  // refresh token is tied to the grant type here, and outlives the session like meshid's.
  issueRefreshToken: async (_ctx: unknown, client: { grantTypeAllowed(grant: string): boolean }) => client.grantTypeAllowed('refresh_token'),
  expiresWithSession: async () => false,
  rotateRefreshToken: () => true,
  ttl: {
    AccessToken: 300,
    IdToken: 300,
    ClientCredentials: 300,
    AuthorizationCode: 60,
    RefreshToken: 30 * DAY,
    Grant: 30 * DAY,
    Session: 30 * DAY,
    Interaction: 600,
  },
  interactions: { url: (_ctx: unknown, interaction: { uid: string }) => `/interaction/${interaction.uid}` },
});

/** Logs `account` in and grants every scope asked for, then redirects back (303) to /auth/:uid. */
async function finishInteraction(req: IncomingMessage, res: ServerResponse): Promise<void> {
  const details = await provider.interactionDetails(req, res);
  const clientId = String(details.params['client_id']);
  const grant = new provider.Grant({ accountId: account.sub, clientId });
  grant.addOIDCScope(String(details.params['scope'] ?? 'openid'));
  const grantId = await grant.save();
  await provider.interactionFinished(req, res, { login: { accountId: account.sub }, consent: { grantId } }, { mergeWithLastSubmission: false });
}

const handle = provider.callback();
const server = createServer((req, res) => {
  if (req.method === 'GET' && req.url?.startsWith('/interaction/')) {
    finishInteraction(req, res).catch((error: unknown) => {
      process.stderr.write(`oidc-provider-server: interaction failed: ${String(error)}\n`);
      if (!res.headersSent) res.writeHead(500);
      res.end();
    });
    return;
  }
  handle(req, res);
});
// Fastify's (so meshid's) keep-alive timeout, rather than node's 5 s.
server.keepAliveTimeout = 72_000;
server.listen(settings.port, '127.0.0.1', () => process.stdout.write('ready\n'));

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    server.close(() => process.exit(0));
    server.closeAllConnections();
  });
}
