import { InvalidArgumentError } from 'commander';
import type { ConfigFlags } from '../../cli/program.js';
import { type AdminApi, AdminApiError } from '../api/admin-api.js';
import { requestAdminToken } from './admin-token.js';
import { parseBaseUrl } from './arguments.js';
import { HttpAdminApi, type TokenSource } from './http-admin-api.js';

/** The flags that send a command to a running instance instead of the data directory. */
export interface OnlineFlags {
  url?: URL;
  token?: string;
  adminClientId?: string;
  adminClientSecret?: string;
}

export type AdminFlags = ConfigFlags & OnlineFlags;

/** Runs `work` with an AdminApi; the command registrations take it as a parameter so tests can pass a fake. */
export type AdminSession = (flags: AdminFlags, work: (api: AdminApi) => Promise<void>) => Promise<void>;

type Env = Record<string, string | undefined>;

export interface OnlineTarget {
  url: URL;
  token: TokenSource;
}

const usage = (description: string) => new AdminApiError('invalid_request', description);

/**
 * Where a command goes: a running instance when `--url` or MESHID_URL is given (flags before the
 * environment), else undefined (the data directory). Credentials are checked here, before any
 * request, and named by where they came from, never shown.
 */
export function onlineTarget(flags: OnlineFlags, env: Env): OnlineTarget | undefined {
  const credentialFlags = flags.token !== undefined || flags.adminClientId !== undefined || flags.adminClientSecret !== undefined;
  const url = flags.url ?? urlFromEnv(env['MESHID_URL']);
  if (url === undefined) {
    // Without this, a --token given without --url would silently act on the local data directory.
    if (credentialFlags) throw usage('--token, --admin-client-id and --admin-client-secret need --url (or MESHID_URL)');
    return undefined;
  }
  if (flags.token !== undefined && (flags.adminClientId !== undefined || flags.adminClientSecret !== undefined)) {
    throw usage('give either --token or --admin-client-id and --admin-client-secret, not both');
  }
  if (flags.token !== undefined) return { url, token: given(flags.token, '--token') };
  if (flags.adminClientId !== undefined || flags.adminClientSecret !== undefined) {
    return { url, token: clientCredentials(url, flags.adminClientId ?? env['MESHID_ADMIN_CLIENT_ID'], flags.adminClientSecret ?? env['MESHID_ADMIN_CLIENT_SECRET']) };
  }
  if (env['MESHID_ADMIN_TOKEN']) return { url, token: given(env['MESHID_ADMIN_TOKEN'], 'MESHID_ADMIN_TOKEN') };
  if (env['MESHID_ADMIN_CLIENT_ID'] || env['MESHID_ADMIN_CLIENT_SECRET']) {
    return { url, token: clientCredentials(url, env['MESHID_ADMIN_CLIENT_ID'], env['MESHID_ADMIN_CLIENT_SECRET']) };
  }
  throw usage(
    `${flags.url ? '--url' : 'MESHID_URL'} needs credentials: --token (MESHID_ADMIN_TOKEN), or --admin-client-id and ` +
      '--admin-client-secret (MESHID_ADMIN_CLIENT_ID, MESHID_ADMIN_CLIENT_SECRET) of a client allowed scope meshid:admin',
  );
}

/** Online when a URL is given, else offline on the data directory; each command is written once against AdminApi. */
export async function withAdminApi(flags: AdminFlags, work: (api: AdminApi) => Promise<void>, env: Env = process.env): Promise<void> {
  const online = onlineTarget(flags, env);
  if (online) return work(new HttpAdminApi(online.url, online.token));
  // Loaded on demand: the application modules (and the data directory) are only needed offline,
  // and command wiring can be tested with a fake session without them.
  const { withOfflineAdminApi } = await import('./offline-admin-api.js');
  return withOfflineAdminApi(flags, work);
}

function urlFromEnv(value: string | undefined): URL | undefined {
  if (!value) return undefined;
  try {
    return parseBaseUrl(value);
  } catch (error) {
    throw usage(`MESHID_URL: ${error instanceof InvalidArgumentError ? error.message : String(error)}`);
  }
}

/**
 * A token given as is. It is checked here rather than by a commander argument parser, whose
 * error message would repeat the value, and a token must not end up on a terminal or in a log.
 */
function given(token: string, source: string): TokenSource {
  if (!/^[\x21-\x7e]{1,8192}$/.test(token)) throw usage(`the token from ${source} is not a token: expected 1 to 8192 visible ASCII characters`);
  return async () => token;
}

function clientCredentials(url: URL, clientId: string | undefined, clientSecret: string | undefined): TokenSource {
  if (!clientId) throw usage('an admin client secret needs its client id: --admin-client-id or MESHID_ADMIN_CLIENT_ID');
  if (!clientSecret) throw usage('an admin client id needs its secret: --admin-client-secret or MESHID_ADMIN_CLIENT_SECRET');
  let pending: Promise<string> | undefined;
  // Fetched once, on the first call, and shared by every later call of the same command.
  return () => (pending ??= requestAdminToken(url, { clientId, clientSecret }));
}
