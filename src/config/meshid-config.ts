import {
  ArrayUnique,
  IsBoolean,
  IsIn,
  IsInt,
  IsOptional,
  IsString,
  Matches,
  Max,
  Min,
  ValidateIf,
} from 'class-validator';
import { SIGNING_ALGS, type SigningAlg } from '../keys/domain/signing-keys.events.js';
import { IsAddressList, IsCidrList, IsDevIdentity, IsHostNameList, IsIssuerUrl } from './config-validators.js';

export const EVENT_STORE_KINDS = ['sqlite', 'kurrentdb'] as const;
export const IDENTITY_RESOLVERS = ['tailscale', 'proxy-headers', 'account', 'dev'] as const;
export const LOG_LEVELS = ['error', 'warn', 'log', 'debug', 'verbose'] as const;
export const LOG_FORMATS = ['json', 'text'] as const;
export const TAGGED_NODE_MODES = ['refuse', 'machine'] as const;
export const TLS_MODES = ['off', 'tailscale'] as const;

/**
 * meshid's whole configuration, typed and validated once at start. Each property is documented
 * with the environment variable that sets it; `meshid.yaml` uses the property names.
 */
export class MeshidConfig {
  /** MESHID_ISSUER: the issuer URL, exactly as relying parties will compare it. */
  @IsIssuerUrl()
  issuer = 'http://127.0.0.1:8080';

  /** MESHID_HOST: the address to listen on. */
  @IsString()
  @Matches(/^[A-Za-z0-9.:[\]-]+$/)
  host = '127.0.0.1';

  /** MESHID_PORT: the TCP port (0 picks a free one, for tests). */
  @IsInt()
  @Min(0)
  @Max(65535)
  port = 8080;

  /** MESHID_DATA_DIR (or tsidp's TS_STATE_DIR): the embedded store, read models and secrets. */
  @IsString()
  @Matches(/\S/)
  dataDir = './data';

  /** MESHID_EVENT_STORE: where the log lives. */
  @IsIn(EVENT_STORE_KINDS)
  eventStore: (typeof EVENT_STORE_KINDS)[number] = 'sqlite';

  /** KURRENTDB_CONNECTION_STRING: required when eventStore is kurrentdb. */
  @ValidateIf((config: MeshidConfig) => config.eventStore === 'kurrentdb' || config.kurrentdbConnectionString !== undefined)
  @IsString()
  @Matches(/^(kurrentdb|kurrent|kdb|esdb)(\+discover)?:\/\/\S+$/)
  kurrentdbConnectionString?: string;

  /** MESHID_SQLITE_DURABILITY: `normal` survives process crashes, `full` also power loss. */
  @IsIn(['normal', 'full'])
  sqliteDurability: 'normal' | 'full' = 'normal';

  /** MESHID_IDENTITY: identity resolvers, tried in this order. */
  @IsIn(IDENTITY_RESOLVERS, { each: true })
  @ArrayUnique()
  identity: Array<(typeof IDENTITY_RESOLVERS)[number]> = ['tailscale'];

  /** MESHID_TAILSCALE_SOCKET: tailscaled's LocalAPI socket. */
  @IsString()
  @Matches(/^\/\S*$/)
  tailscaleSocket = '/var/run/tailscale/tailscaled.sock';

  /**
   * MESHID_TAILSCALE_TIMEOUT_MS: how long a LocalAPI call may take before the caller gets a 503
   * (tailscaled answers whois from memory in well under a millisecond when healthy).
   */
  @IsInt()
  @Min(100)
  @Max(30_000)
  tailscaleTimeoutMs = 2000;

  /**
   * MESHID_TAGGED_NODES: what a request from a tagged node is. `refuse` (tsidp's behaviour): nobody.
   * `machine`: a machine identity, `sub` = `nodeid:<n>`, with its tags as the `tags` claim.
   */
  @IsIn(TAGGED_NODE_MODES)
  taggedNodes: (typeof TAGGED_NODE_MODES)[number] = 'refuse';

  /** MESHID_TRUSTED_PROXIES: CIDRs whose identity headers and X-Forwarded-For are believed. */
  @IsCidrList()
  trustedProxies: string[] = [];

  /**
   * MESHID_GRANTS_FILE: tsidp capability rules for identities that do not come from tailscaled
   * (dev, proxy headers, local accounts), in tailnet-policy grant syntax. Re-read when it changes.
   */
  @IsOptional()
  @IsString()
  @Matches(/\S/)
  grantsFile?: string;

  /**
   * MESHID_TLS: `off` serves plain HTTP (behind `tailscale serve` or a proxy); `tailscale` serves
   * HTTPS with the certificate tailscaled's LocalAPI issues for the issuer's host name.
   */
  @IsIn(TLS_MODES)
  tls: (typeof TLS_MODES)[number] = 'off';

  /** MESHID_DEV_IDENTITY: a login name or JSON identity for the loopback-only `dev` resolver. */
  @IsOptional()
  @IsDevIdentity()
  devIdentity?: string;

  /** MESHID_WEBFINGER_ACCOUNTS: extra `acct:` addresses WebFinger answers for. */
  @IsAddressList()
  webfingerAccounts: string[] = [];

  /**
   * MESHID_WEBFINGER_DOMAINS: mail domains whose every address WebFinger answers for (meshid is
   * the sign-in of the whole domain). Besides these, it answers only for known people, and so
   * tells anyone who asks whether an address has an account here.
   */
  @IsHostNameList()
  webfingerDomains: string[] = [];

  /** TSIDP_ENABLE_STS or MESHID_TOKEN_EXCHANGE: turns RFC 8693 token exchange on. */
  @IsBoolean()
  tokenExchange = false;

  /**
   * MESHID_CLIENT_ID_METADATA_DOCUMENTS: accept a `client_id` that is an https URL, whose metadata
   * meshid fetches from that URL (OAuth Client ID Metadata Documents, what MCP clients use). Off by
   * default: it makes meshid fetch URLs that callers choose.
   */
  @IsBoolean()
  clientIdMetadataDocuments = false;

  /**
   * MESHID_CLIENT_ID_METADATA_PRIVATE_HOSTS: host names whose metadata documents may be fetched
   * from private, loopback or tailnet addresses (clients served inside the tailnet). Every other
   * host must resolve to public addresses only.
   */
  @IsHostNameList()
  clientIdMetadataPrivateHosts: string[] = [];

  /** MESHID_CLIENT_ID_METADATA_CA_FILE: PEM certificates trusted for those fetches, besides the system's. */
  @IsOptional()
  @IsString()
  @Matches(/\S/)
  clientIdMetadataCaFile?: string;

  /**
   * MESHID_ACCESS_TOKEN_ALG: how access tokens are signed. RS256 by default, because RFC 9068
   * §4 has every resource server support it; ES256 and EdDSA cost a small fraction of the CPU.
   */
  @IsIn(SIGNING_ALGS)
  accessTokenAlg: SigningAlg = 'RS256';

  /** MESHID_ACCESS_TOKEN_LIFETIME: seconds an access token is valid (tsidp: 300). */
  @IsInt()
  @Min(60)
  @Max(86_400)
  accessTokenLifetime = 300;

  /** MESHID_ID_TOKEN_LIFETIME: seconds an ID token is valid. */
  @IsInt()
  @Min(60)
  @Max(86_400)
  idTokenLifetime = 300;

  /** MESHID_AUTHORIZATION_CODE_LIFETIME: seconds a code may wait for its redemption. */
  @IsInt()
  @Min(10)
  @Max(600)
  authorizationCodeLifetime = 60;

  /**
   * MESHID_REFRESH_TOKEN_REUSE_GRACE: seconds after a rotation in which presenting the token just
   * rotated away is refused without revoking the grant (a client retrying a request whose answer
   * it lost). 0, the default, revokes on any reuse.
   */
  @IsInt()
  @Min(0)
  @Max(300)
  refreshTokenReuseGrace = 0;

  /** MESHID_SIGNING_KEY_ROTATION_DAYS: age in days at which a signing key is replaced. */
  @IsInt()
  @Min(1)
  @Max(365)
  signingKeyRotationDays = 30;

  /**
   * MESHID_RETENTION_AUTHORIZATION_CODE_DAYS: age in days after which an authorization code's
   * stream leaves the log (KurrentDB `$maxAge`; compaction in the embedded store). A code lives
   * for a minute; its stream is kept this long as evidence of the sign-in it carried.
   */
  @IsInt()
  @Min(1)
  @Max(3650)
  retentionAuthorizationCodeDays = 30;

  /** MESHID_RETENTION_AUDIT_DAYS: age in days after which an `audit-<day>` stream leaves the log. */
  @IsInt()
  @Min(1)
  @Max(36_500)
  retentionAuditDays = 400;

  /** MESHID_LOG_SEAL_EVENTS: the most events one seal of the log covers (tamper evidence). */
  @IsInt()
  @Min(1)
  @Max(10_000)
  logSealEvents = 1000;

  /** MESHID_LOG_SEAL_INTERVAL_SECONDS: how long an event may wait unsealed before a seal covers it. */
  @IsInt()
  @Min(1)
  @Max(3600)
  logSealIntervalSeconds = 10;

  // Abuse limits (issue H §5): per process, see src/common/rate-limit/.

  /**
   * MESHID_RATE_LIMIT_REQUESTS_PER_MINUTE: requests per minute at /token, /introspect and
   * /revoke per authenticated client and per address, and at /userinfo per address. Relying
   * parties are servers: 600 (10 a second, sustained) is far above what one needs, and the same
   * for an address, which may host several.
   */
  @IsInt()
  @Min(1)
  @Max(1_000_000)
  rateLimitRequestsPerMinute = 600;

  /**
   * MESHID_RATE_LIMIT_CLIENT_AUTH_FAILURES: failed client authentications per 15 minutes per
   * address, after which the address is refused (even with the right secret) until its oldest
   * failure is 15 minutes old. A configured relying party never fails; a guesser does.
   */
  @IsInt()
  @Min(1)
  @Max(10_000)
  rateLimitClientAuthFailures = 10;

  /**
   * MESHID_RATE_LIMIT_REGISTRATIONS_PER_HOUR: POST /register (dynamic client registration) per
   * address and per initial access token. Each one appends a client to the log for good.
   */
  @IsInt()
  @Min(1)
  @Max(100_000)
  rateLimitRegistrationsPerHour = 20;

  /** MESHID_LOG_LEVEL: the most detailed level logged. */
  @IsIn(LOG_LEVELS)
  logLevel: (typeof LOG_LEVELS)[number] = 'log';

  /** MESHID_LOG_FORMAT: `json`, one JSON object a line (for log collectors), or `text` for people. */
  @IsIn(LOG_FORMATS)
  logFormat: (typeof LOG_FORMATS)[number] = 'json';

  /**
   * MESHID_METRICS_TOKEN: when set, GET /metrics wants `Authorization: Bearer <this>`; unset, it
   * is open to every caller that does not come through Funnel (which never reaches it). A secret:
   * never printed, not even in a configuration error. Long enough not to be guessed.
   */
  @IsOptional()
  @IsString()
  @Matches(/^[\x21-\x7e]{32,512}$/)
  metricsToken?: string;

  /**
   * MESHID_SHUTDOWN_TIMEOUT_SECONDS: on SIGTERM, how long requests in flight may take to finish
   * (and projections to stop) before the process gives up on them and exits 1.
   */
  @IsInt()
  @Min(1)
  @Max(300)
  shutdownTimeoutSeconds = 10;
}

/** What each key accepts, in words: the second half of every configuration error. */
export const EXPECTED_FORM: Record<keyof MeshidConfig, string> = {
  issuer: 'an absolute http(s) URL with no trailing slash, query or fragment, e.g. https://idp.example.ts.net',
  host: 'an IP address or host name to listen on, e.g. 127.0.0.1',
  port: 'an integer from 0 to 65535',
  dataDir: 'a directory path',
  eventStore: `one of ${EVENT_STORE_KINDS.join(', ')}`,
  kurrentdbConnectionString: 'a connection string such as kurrentdb://host:2113?tls=false (required when eventStore is kurrentdb)',
  sqliteDurability: 'normal or full',
  identity: `a comma-separated list of distinct resolvers from ${IDENTITY_RESOLVERS.join(', ')}`,
  tailscaleSocket: 'an absolute path to the tailscaled socket',
  tailscaleTimeoutMs: 'an integer number of milliseconds from 100 to 30000',
  taggedNodes: `one of ${TAGGED_NODE_MODES.join(', ')}`,
  trustedProxies: 'a comma-separated list of CIDRs, e.g. 127.0.0.1/32,fd7a:115c:a1e0::/48',
  grantsFile: 'a path to a JSON (HuJSON) file with a "grants" array',
  tls: `one of ${TLS_MODES.join(', ')}`,
  devIdentity: 'a login name (alice@example.com) or a JSON object with a string "login"',
  webfingerAccounts: 'a comma-separated list of addresses such as alice@example.com',
  webfingerDomains: 'a comma-separated list of lower-case domain names, e.g. example.com',
  tokenExchange: 'true or false (1 or 0)',
  clientIdMetadataDocuments: 'true or false (1 or 0)',
  clientIdMetadataPrivateHosts: 'a comma-separated list of lower-case host names, e.g. mcp-client.tail1234.ts.net',
  clientIdMetadataCaFile: 'a path to a PEM file of CA certificates',
  accessTokenAlg: `one of ${SIGNING_ALGS.join(', ')}`,
  accessTokenLifetime: 'an integer number of seconds from 60 to 86400',
  idTokenLifetime: 'an integer number of seconds from 60 to 86400',
  authorizationCodeLifetime: 'an integer number of seconds from 10 to 600',
  refreshTokenReuseGrace: 'an integer number of seconds from 0 to 300',
  signingKeyRotationDays: 'an integer number of days from 1 to 365',
  retentionAuthorizationCodeDays: 'an integer number of days from 1 to 3650',
  retentionAuditDays: 'an integer number of days from 1 to 36500',
  logSealEvents: 'an integer number of events from 1 to 10000',
  logSealIntervalSeconds: 'an integer number of seconds from 1 to 3600',
  rateLimitRequestsPerMinute: 'a positive integer number of requests per minute, at most 1000000',
  rateLimitClientAuthFailures: 'a positive integer number of failures per 15 minutes, at most 10000',
  rateLimitRegistrationsPerHour: 'a positive integer number of registrations per hour, at most 100000',
  logLevel: `one of ${LOG_LEVELS.join(', ')}`,
  logFormat: `one of ${LOG_FORMATS.join(', ')}`,
  metricsToken: 'at least 32 printable characters without spaces (a random token, e.g. openssl rand -hex 32)',
  shutdownTimeoutSeconds: 'an integer number of seconds from 1 to 300',
};
