import { afterAll, describe, expect, it } from '@jest/globals';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from './load-config.js';
import { configProblems } from './testing/config-problems.js';

const dir = mkdtempSync(join(tmpdir(), 'meshid-config-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const load = (env: Record<string, string> = {}, extra: Partial<Parameters<typeof loadConfig>[0]> = {}) =>
  loadConfig({ env, cwd: dir, ...extra });


describe('loadConfig', () => {
  it('gives the documented defaults with nothing set', () => {
    const { config } = load();
    expect(config.issuer).toBe('http://127.0.0.1:8080');
    expect(config.host).toBe('127.0.0.1');
    expect(config.port).toBe(8080);
    expect(config.dataDir).toBe(join(dir, 'data'));
    expect(config.eventStore).toBe('sqlite');
    expect(config.identity).toEqual(['tailscale']);
    expect(config.tokenExchange).toBe(false);
    expect(config).toMatchObject({
      accessTokenAlg: 'RS256',
      accessTokenLifetime: 300,
      idTokenLifetime: 300,
      authorizationCodeLifetime: 60,
      refreshTokenReuseGrace: 0,
      signingKeyRotationDays: 30,
    });
  });

  it('reads token lifetimes, the access-token alg and the rotation interval', () => {
    const { config } = load({
      MESHID_ACCESS_TOKEN_ALG: 'EdDSA',
      MESHID_ACCESS_TOKEN_LIFETIME: '900',
      MESHID_ID_TOKEN_LIFETIME: '600',
      MESHID_AUTHORIZATION_CODE_LIFETIME: '120',
      MESHID_REFRESH_TOKEN_REUSE_GRACE: '5',
      MESHID_SIGNING_KEY_ROTATION_DAYS: '7',
    });
    expect(config).toMatchObject({ accessTokenAlg: 'EdDSA', accessTokenLifetime: 900, idTokenLifetime: 600, authorizationCodeLifetime: 120, refreshTokenReuseGrace: 5, signingKeyRotationDays: 7 });
  });

  it('reads MESHID_* variables and tsidp variables', () => {
    const { config } = load({
      MESHID_ISSUER: 'https://idp.tail1234.ts.net',
      MESHID_PORT: '9443',
      TS_STATE_DIR: '/var/lib/tsidp',
      MESHID_IDENTITY: 'tailscale, account',
      MESHID_TRUSTED_PROXIES: '127.0.0.1/32,fd7a:115c:a1e0::/48',
      TSIDP_ENABLE_STS: '1',
    });
    expect(config.issuer).toBe('https://idp.tail1234.ts.net');
    expect(config.port).toBe(9443);
    expect(config.dataDir).toBe('/var/lib/tsidp');
    expect(config.identity).toEqual(['tailscale', 'account']);
    expect(config.trustedProxies).toEqual(['127.0.0.1/32', 'fd7a:115c:a1e0::/48']);
    expect(config.tokenExchange).toBe(true);
  });

  it('reads the tailnet settings and tsidp port and log level, and says what other tsidp variables do not do', () => {
    writeFileSync(join(dir, 'grants.hujson'), '{ "grants": [] }');
    const { config, warnings } = load({
      TSIDP_PORT: '443',
      TSIDP_LOG: 'info',
      MESHID_TAGGED_NODES: 'machine',
      MESHID_TLS: 'tailscale',
      MESHID_ISSUER: 'https://idp.tail1234.ts.net',
      MESHID_TAILSCALE_TIMEOUT_MS: '500',
      MESHID_GRANTS_FILE: 'grants.hujson',
      TS_HOSTNAME: 'idp',
      TSIDP_LOCAL_PORT: '8080',
      TSIDP_DEBUG_ALL_REQUESTS: '1',
    });
    expect(config).toMatchObject({ port: 443, logLevel: 'log', taggedNodes: 'machine', tls: 'tailscale', tailscaleTimeoutMs: 500, grantsFile: join(dir, 'grants.hujson') });
    expect(warnings).toEqual([
      expect.stringContaining("tsidp's TS_HOSTNAME is the node name tsidp registers"),
      expect.stringContaining("tsidp's TSIDP_LOCAL_PORT is ignored: tsidp makes loopback callers administrators"),
      expect.stringContaining("tsidp's TSIDP_DEBUG_ALL_REQUESTS is refused"),
    ]);
    expect(load({ MESHID_PORT: '8443', TSIDP_PORT: '443', MESHID_LOG_LEVEL: 'debug', TSIDP_LOG: 'error' }).config).toMatchObject({ port: 8443, logLevel: 'debug' });
  });

  it('lets MESHID_DATA_DIR win over TS_STATE_DIR, the environment over the file, and flags over both', () => {
    const file = join(dir, 'layers.yaml');
    writeFileSync(file, 'port: 7000\nhost: 127.0.0.1\nidentity: [tailscale, account]\n');
    const { config } = load(
      { MESHID_DATA_DIR: '/srv/meshid', TS_STATE_DIR: '/var/lib/tsidp', MESHID_PORT: '7001' },
      { configFile: file, overrides: { port: 7002 } },
    );
    expect(config.dataDir).toBe('/srv/meshid');
    expect(config.port).toBe(7002);
    expect(config.identity).toEqual(['tailscale', 'account']);
  });

  it('reads meshid.yaml from the working directory when no file is named', () => {
    const cwd = mkdtempSync(join(dir, 'cwd-'));
    writeFileSync(join(cwd, 'meshid.yaml'), 'issuer: https://login.example.com\n');
    expect(loadConfig({ env: {}, cwd }).config.issuer).toBe('https://login.example.com');
  });

  it.each([
    [{ MESHID_PORT: 'eighty' }, 'port (from MESHID_PORT) = "eighty": expected an integer from 0 to 65535'],
    [{ MESHID_PORT: '70000' }, 'port (from MESHID_PORT) = 70000'],
    [{ MESHID_ISSUER: 'https://idp.example.com/' }, 'issuer (from MESHID_ISSUER)'],
    [{ MESHID_ISSUER: 'ftp://idp.example.com' }, 'expected an absolute http(s) URL'],
    [{ MESHID_ISSUER: 'https://idp.example.com?x=1' }, 'issuer (from MESHID_ISSUER)'],
    [{ MESHID_EVENT_STORE: 'postgres' }, 'eventStore (from MESHID_EVENT_STORE) = "postgres": expected one of sqlite, kurrentdb'],
    [{ MESHID_EVENT_STORE: 'kurrentdb' }, 'kurrentdbConnectionString (default)'],
    [{ KURRENTDB_CONNECTION_STRING: 'http://x' }, 'kurrentdbConnectionString (from KURRENTDB_CONNECTION_STRING)'],
    [{ MESHID_IDENTITY: 'tailscale,ldap' }, 'identity (from MESHID_IDENTITY)'],
    [{ MESHID_IDENTITY: 'tailscale,tailscale' }, 'identity (from MESHID_IDENTITY)'],
    [{ MESHID_TRUSTED_PROXIES: '10.0.0.0/33' }, 'trustedProxies (from MESHID_TRUSTED_PROXIES)'],
    [{ MESHID_TRUSTED_PROXIES: 'proxy.local' }, 'expected a comma-separated list of CIDRs'],
    [{ MESHID_DEV_IDENTITY: 'not an email' }, 'devIdentity (from MESHID_DEV_IDENTITY)'],
    [{ MESHID_DEV_IDENTITY: '{"name":"no login"}' }, 'devIdentity (from MESHID_DEV_IDENTITY)'],
    [{ TSIDP_ENABLE_STS: 'maybe' }, 'tokenExchange (from TSIDP_ENABLE_STS) = "maybe": expected true or false'],
    [{ MESHID_SQLITE_DURABILITY: 'extra' }, 'sqliteDurability (from MESHID_SQLITE_DURABILITY)'],
    [{ MESHID_ACCESS_TOKEN_ALG: 'HS256' }, 'accessTokenAlg (from MESHID_ACCESS_TOKEN_ALG) = "HS256": expected one of RS256, ES256, EdDSA'],
    [{ MESHID_ACCESS_TOKEN_LIFETIME: '30' }, 'accessTokenLifetime (from MESHID_ACCESS_TOKEN_LIFETIME) = 30: expected an integer number of seconds from 60 to 86400'],
    [{ MESHID_ID_TOKEN_LIFETIME: '5m' }, 'idTokenLifetime (from MESHID_ID_TOKEN_LIFETIME) = "5m"'],
    [{ MESHID_AUTHORIZATION_CODE_LIFETIME: '3600' }, 'authorizationCodeLifetime (from MESHID_AUTHORIZATION_CODE_LIFETIME) = 3600'],
    [{ MESHID_REFRESH_TOKEN_REUSE_GRACE: '-1' }, 'refreshTokenReuseGrace (from MESHID_REFRESH_TOKEN_REUSE_GRACE) = -1'],
    [{ MESHID_SIGNING_KEY_ROTATION_DAYS: '0' }, 'signingKeyRotationDays (from MESHID_SIGNING_KEY_ROTATION_DAYS) = 0'],
    [{ MESHID_TAGGED_NODES: 'allow' }, 'taggedNodes (from MESHID_TAGGED_NODES) = "allow": expected one of refuse, machine'],
    [{ MESHID_TLS: 'tailscale' }, 'tls (from MESHID_TLS) = "tailscale" needs an https issuer'],
    [{ MESHID_TLS: 'letsencrypt' }, 'tls (from MESHID_TLS) = "letsencrypt": expected one of off, tailscale'],
    [{ MESHID_TAILSCALE_TIMEOUT_MS: '10' }, 'tailscaleTimeoutMs (from MESHID_TAILSCALE_TIMEOUT_MS) = 10'],
    [{ MESHID_TAILSCALE_SOCKET: 'relative.sock' }, 'tailscaleSocket (from MESHID_TAILSCALE_SOCKET)'],
    [{ TSIDP_PORT: 'https' }, 'port (from TSIDP_PORT) = "https"'],
    [{ TSIDP_LOG: 'trace' }, 'logLevel (from TSIDP_LOG) = "trace"'],
    [{ MESHID_GRANTS_FILE: 'no-such-grants.json' }, 'grantsFile (MESHID_GRANTS_FILE): '],
    [{ MESHID_GRANTS_FILE: '.' }, 'grantsFile (MESHID_GRANTS_FILE): '],
    [{ MESHID_CLIENT_ID_METADATA_DOCUMENTS: 'sometimes' }, 'clientIdMetadataDocuments (from MESHID_CLIENT_ID_METADATA_DOCUMENTS) = "sometimes": expected true or false'],
    [{ MESHID_CLIENT_ID_METADATA_PRIVATE_HOSTS: 'ok.example,not a host' }, 'clientIdMetadataPrivateHosts (from MESHID_CLIENT_ID_METADATA_PRIVATE_HOSTS)'],
    [{ MESHID_CLIENT_ID_METADATA_PRIVATE_HOSTS: 'Upper.Example' }, 'expected a comma-separated list of lower-case host names'],
    [{ MESHID_CLIENT_ID_METADATA_CA_FILE: 'no-such-ca.pem' }, 'clientIdMetadataCaFile (from MESHID_CLIENT_ID_METADATA_CA_FILE): cannot read'],
    [{ MESHID_CLIENT_ID_METADATA_CA_FILE: '.' }, 'clientIdMetadataCaFile (from MESHID_CLIENT_ID_METADATA_CA_FILE): cannot read'],
  ])('refuses %j naming the key and the expected form', (env, message) => {
    const problems = configProblems(() => load(env));
    expect(problems.join('\n')).toContain(message);
  });

  it('reads the metadata-document CA file at start, relative to the working directory, and refuses one without certificates', () => {
    writeFileSync(join(dir, 'not-a-ca.pem'), 'just text\n');
    expect(configProblems(() => load({ MESHID_CLIENT_ID_METADATA_CA_FILE: 'not-a-ca.pem' })).join('\n')).toContain(
      'clientIdMetadataCaFile (from MESHID_CLIENT_ID_METADATA_CA_FILE): holds no PEM certificate',
    );
  });

  it('reports every bad key at once', () => {
    expect(configProblems(() => load({ MESHID_PORT: 'x', MESHID_HOST: 'bad host!' }))).toHaveLength(2);
  });

  it('refuses the dev identity unless meshid listens on loopback, and turns the dev resolver on otherwise', () => {
    const problems = configProblems(() => load({ MESHID_DEV_IDENTITY: 'alice@example.com', MESHID_HOST: '0.0.0.0' }));
    expect(problems[0]).toContain('the dev resolver runs only when host is a loopback address');
    const { config } = load({ MESHID_DEV_IDENTITY: '{"login":"alice@example.com","groups":["admins"]}' });
    expect(config.identity).toEqual(['dev', 'tailscale']);
  });

  it('refuses unknown keys, non-mappings and broken YAML in the file, naming the file', () => {
    const unknown = join(dir, 'unknown.yaml');
    writeFileSync(unknown, 'prot: 8080\n');
    expect(configProblems(() => load({}, { configFile: unknown }))[0]).toContain(`config file ${unknown}: unknown key "prot"`);
    const list = join(dir, 'list.yaml');
    writeFileSync(list, '- port\n');
    expect(configProblems(() => load({}, { configFile: list }))[0]).toContain('must be a mapping');
    const broken = join(dir, 'broken.yaml');
    writeFileSync(broken, 'port: [8080\n');
    expect(configProblems(() => load({}, { configFile: broken }))[0]).toContain('is not valid YAML');
    expect(configProblems(() => load({}, { configFile: join(dir, 'absent.yaml') }))[0]).toContain('does not exist');
    const typed = join(dir, 'typed.yaml');
    writeFileSync(typed, 'port: "8080"\n');
    expect(configProblems(() => load({}, { configFile: typed }))[0]).toContain(`port (in ${typed}) = "8080"`);
  });

  it('warns about unknown MESHID_ variables instead of failing', () => {
    expect(load({ MESHID_PROT: '1' }).warnings).toEqual(['unknown environment variable MESHID_PROT ignored']);
  });
});
