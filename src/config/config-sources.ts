import type { MeshidConfig } from './meshid-config.js';

export type ConfigKey = keyof MeshidConfig;
type Parse = (raw: string) => unknown;

const text: Parse = (raw) => raw;
/** Keeps a malformed number as text, so validation reports it instead of a NaN. */
const integer: Parse = (raw) => (/^-?[0-9]+$/.test(raw.trim()) ? Number(raw.trim()) : raw);
const list: Parse = (raw) =>
  raw
    .split(',')
    .map((item) => item.trim())
    .filter((item) => item !== '');
/** tsidp's `-log` levels in Nest's names; meshid's own names pass through. */
const logLevel: Parse = (raw) => ({ info: 'log', warning: 'warn' })[raw.trim().toLowerCase()] ?? raw.trim().toLowerCase();
const flag: Parse = (raw) => {
  const value = raw.trim().toLowerCase();
  if (['1', 'true', 'yes', 'on'].includes(value)) return true;
  if (['0', 'false', 'no', 'off', ''].includes(value)) return false;
  return raw;
};

/**
 * Environment variables, in precedence order per key (the first one set wins). tsidp's variables
 * are accepted so that a tsidp deployment can switch without renaming them.
 */
export const ENVIRONMENT: ReadonlyArray<{ key: ConfigKey; names: readonly string[]; parse: Parse }> = [
  { key: 'issuer', names: ['MESHID_ISSUER'], parse: text },
  { key: 'host', names: ['MESHID_HOST'], parse: text },
  { key: 'port', names: ['MESHID_PORT', 'TSIDP_PORT'], parse: integer },
  { key: 'dataDir', names: ['MESHID_DATA_DIR', 'TS_STATE_DIR'], parse: text },
  { key: 'eventStore', names: ['MESHID_EVENT_STORE'], parse: text },
  { key: 'kurrentdbConnectionString', names: ['KURRENTDB_CONNECTION_STRING'], parse: text },
  { key: 'sqliteDurability', names: ['MESHID_SQLITE_DURABILITY'], parse: text },
  { key: 'identity', names: ['MESHID_IDENTITY'], parse: list },
  { key: 'tailscaleSocket', names: ['MESHID_TAILSCALE_SOCKET'], parse: text },
  { key: 'tailscaleTimeoutMs', names: ['MESHID_TAILSCALE_TIMEOUT_MS'], parse: integer },
  { key: 'taggedNodes', names: ['MESHID_TAGGED_NODES'], parse: text },
  { key: 'trustedProxies', names: ['MESHID_TRUSTED_PROXIES'], parse: list },
  { key: 'grantsFile', names: ['MESHID_GRANTS_FILE'], parse: text },
  { key: 'tls', names: ['MESHID_TLS'], parse: text },
  { key: 'devIdentity', names: ['MESHID_DEV_IDENTITY'], parse: text },
  { key: 'webfingerAccounts', names: ['MESHID_WEBFINGER_ACCOUNTS'], parse: list },
  { key: 'webfingerDomains', names: ['MESHID_WEBFINGER_DOMAINS'], parse: list },
  { key: 'tokenExchange', names: ['MESHID_TOKEN_EXCHANGE', 'TSIDP_ENABLE_STS'], parse: flag },
  { key: 'clientIdMetadataDocuments', names: ['MESHID_CLIENT_ID_METADATA_DOCUMENTS'], parse: flag },
  { key: 'clientIdMetadataPrivateHosts', names: ['MESHID_CLIENT_ID_METADATA_PRIVATE_HOSTS'], parse: list },
  { key: 'clientIdMetadataCaFile', names: ['MESHID_CLIENT_ID_METADATA_CA_FILE'], parse: text },
  { key: 'accessTokenAlg', names: ['MESHID_ACCESS_TOKEN_ALG'], parse: text },
  { key: 'accessTokenLifetime', names: ['MESHID_ACCESS_TOKEN_LIFETIME'], parse: integer },
  { key: 'idTokenLifetime', names: ['MESHID_ID_TOKEN_LIFETIME'], parse: integer },
  { key: 'authorizationCodeLifetime', names: ['MESHID_AUTHORIZATION_CODE_LIFETIME'], parse: integer },
  { key: 'refreshTokenReuseGrace', names: ['MESHID_REFRESH_TOKEN_REUSE_GRACE'], parse: integer },
  { key: 'signingKeyRotationDays', names: ['MESHID_SIGNING_KEY_ROTATION_DAYS'], parse: integer },
  { key: 'retentionAuthorizationCodeDays', names: ['MESHID_RETENTION_AUTHORIZATION_CODE_DAYS'], parse: integer },
  { key: 'retentionAuditDays', names: ['MESHID_RETENTION_AUDIT_DAYS'], parse: integer },
  { key: 'logSealEvents', names: ['MESHID_LOG_SEAL_EVENTS'], parse: integer },
  { key: 'logSealIntervalSeconds', names: ['MESHID_LOG_SEAL_INTERVAL_SECONDS'], parse: integer },
  // Abuse limits (issue H §5).
  { key: 'rateLimitRequestsPerMinute', names: ['MESHID_RATE_LIMIT_REQUESTS_PER_MINUTE'], parse: integer },
  { key: 'rateLimitClientAuthFailures', names: ['MESHID_RATE_LIMIT_CLIENT_AUTH_FAILURES'], parse: integer },
  { key: 'rateLimitRegistrationsPerHour', names: ['MESHID_RATE_LIMIT_REGISTRATIONS_PER_HOUR'], parse: integer },
  { key: 'logLevel', names: ['MESHID_LOG_LEVEL', 'TSIDP_LOG'], parse: logLevel },
  { key: 'logFormat', names: ['MESHID_LOG_FORMAT'], parse: (raw) => raw.trim().toLowerCase() },
  { key: 'metricsToken', names: ['MESHID_METRICS_TOKEN'], parse: text },
  { key: 'shutdownTimeoutSeconds', names: ['MESHID_SHUTDOWN_TIMEOUT_SECONDS'], parse: integer },
];

const LIST_KEYS = new Set<ConfigKey>(['identity', 'trustedProxies', 'webfingerAccounts', 'webfingerDomains', 'clientIdMetadataPrivateHosts']);

/** Where a key's value came from, for error messages: the variable or file key to fix. */
export type Origin = { kind: 'default' } | { kind: 'file'; path: string } | { kind: 'env'; name: string } | { kind: 'flag' };

export interface RawSetting {
  value: unknown;
  origin: Origin;
}

export function fromEnvironment(env: NodeJS.ProcessEnv): Map<ConfigKey, RawSetting> {
  const settings = new Map<ConfigKey, RawSetting>();
  for (const { key, names, parse } of ENVIRONMENT) {
    const name = names.find((candidate) => env[candidate] !== undefined);
    if (name !== undefined) settings.set(key, { value: parse(env[name]!), origin: { kind: 'env', name } });
  }
  return settings;
}

/**
 * tsidp's variables that have no meaning for meshid as such (it runs beside tailscaled rather
 * than embedding a tailnet node), each with what to do instead. A tsidp deployment that switches
 * keeps working, and is told once at start what each leftover does not do.
 */
const TSIDP_NOTES: Readonly<Record<string, string>> = {
  TS_HOSTNAME: 'is the node name tsidp registers; meshid runs beside tailscaled: set MESHID_ISSUER to https://<that name>.<tailnet>.ts.net',
  TSIDP_USE_FUNNEL: 'is ignored: Funnel is switched on in tailscale serve (tailscale funnel), and meshid restricts what Funnel requests from a trusted proxy may reach',
  TSIDP_LOCAL_PORT: 'is ignored: tsidp makes loopback callers administrators; meshid never does',
  TSIDP_USE_LOCAL_TAILSCALED: 'is what meshid always does (the tailscale resolver asks the local tailscaled)',
  TSIDP_DEBUG_ALL_REQUESTS: 'is refused: it would write secrets to the log',
  TSIDP_DEBUG_TSNET: 'is ignored: meshid embeds no tsnet node',
  TS_ADVERTISE_TAGS: 'belongs to tailscaled (or the tailscale sidecar), not to meshid',
  TS_AUTHKEY: 'belongs to tailscaled (or the tailscale sidecar), not to meshid',
  TS_AUTH_KEY: 'belongs to tailscaled (or the tailscale sidecar), not to meshid',
  TS_AUTHKEY_FILE: 'belongs to tailscaled (or the tailscale sidecar), not to meshid',
};

/** One warning per tsidp variable set that meshid does not act on. */
export function tsidpEnvironmentNotes(env: NodeJS.ProcessEnv): string[] {
  return Object.entries(TSIDP_NOTES)
    .filter(([name]) => env[name] !== undefined)
    .map(([name, note]) => `tsidp's ${name} ${note}`);
}

/** Unknown `MESHID_*` variables are probably typos; they are reported, not fatal. */
export function unknownEnvironmentNames(env: NodeJS.ProcessEnv): string[] {
  const known = new Set(ENVIRONMENT.flatMap((entry) => entry.names));
  return Object.keys(env).filter((name) => name.startsWith('MESHID_') && !known.has(name));
}

/** Values from a parsed `meshid.yaml`; list keys also accept a comma-separated string. */
export function fromFile(document: Record<string, unknown>, path: string, keys: readonly ConfigKey[]): Map<ConfigKey, RawSetting> {
  const settings = new Map<ConfigKey, RawSetting>();
  for (const key of keys) {
    if (!(key in document)) continue;
    let value = document[key];
    if (LIST_KEYS.has(key) && typeof value === 'string') value = list(value);
    settings.set(key, { value, origin: { kind: 'file', path } });
  }
  return settings;
}

export function describeOrigin(key: ConfigKey, origin: Origin): string {
  switch (origin.kind) {
    case 'env':
      return `${key} (from ${origin.name})`;
    case 'file':
      return `${key} (in ${origin.path})`;
    case 'flag':
      return `${key} (from the command line)`;
    default:
      return `${key} (default)`;
  }
}
