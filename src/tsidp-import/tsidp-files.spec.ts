import { describe, expect, it } from '@jest/globals';
import { generateKeyPairSync } from 'node:crypto';
import { parseTsidpClientsFile } from './tsidp-clients-file.js';
import { parseTsidpKeyFile } from './tsidp-key-file.js';
import { rsaPkcs1Pem, TSIDP_KID, tsidpClients, tsidpKeyFile } from './testing/tsidp-fixture.js';

const pem = rsaPkcs1Pem();
const strict = { allowInsecureHttp: false };
const problemsOf = (result: object) => ('problems' in result ? (result.problems as string[]) : []);

describe('oidc-key.json', () => {
  it('keeps the kid as its exact decimal digits, above 2^53, and the key as RS256 under that kid', () => {
    const result = parseTsidpKeyFile(tsidpKeyFile(TSIDP_KID, pem));
    if (!('key' in result)) throw new Error(result.problems.join('; '));
    expect(result.key.kid).toBe('12345678901234567890');
    expect(result.key.alg).toBe('RS256');
    expect(result.key.publicJwk).toMatchObject({ kty: 'RSA', kid: '12345678901234567890', alg: 'RS256', use: 'sig' });
    expect(result.key.publicJwk).not.toHaveProperty('d');
  });

  it.each([
    ['corrupt JSON', '{"kid":1,"key":', /oidc-key\.json: is not valid JSON/],
    ['a kid of letters', tsidpKeyFile('"abc"', pem), /oidc-key\.json: kid "abc" is not an unsigned 64-bit integer/],
    ['a kid as a string of digits', tsidpKeyFile('"123"', pem), /kid "123" is not an unsigned 64-bit integer/],
    ['a negative kid', tsidpKeyFile('-5', pem), /kid -5 is not an unsigned 64-bit integer/],
    ['a fractional kid', tsidpKeyFile('1.5', pem), /kid 1\.5 is not/],
    ['a kid above 2^64-1', tsidpKeyFile('18446744073709551616', pem), /kid 18446744073709551616 is not/],
    ['a missing kid', `{"key":${JSON.stringify(pem)}}`, /kid \(missing\) is not/],
    ['a bad PEM', tsidpKeyFile('7', '-----BEGIN RSA PRIVATE KEY-----\nnot base64\n-----END RSA PRIVATE KEY-----\n'), /oidc-key\.json: key is not a PEM private key/],
    ['a key that is not a string', '{"kid":7,"key":42}', /key 42 is not a PEM string/],
    ['an array', '[]', /must be a JSON object/],
  ])('refuses %s, naming the file and the field', (_case, text, message) => {
    const problems = problemsOf(parseTsidpKeyFile(text));
    expect(problems.join('\n')).toMatch(message);
  });

  it('accepts the largest uint64, and refuses a key that is not RSA-2048 or more', () => {
    expect(parseTsidpKeyFile(tsidpKeyFile('18446744073709551615', pem))).toHaveProperty('key.kid', '18446744073709551615');
    const ec = generateKeyPairSync('ec', { namedCurve: 'P-256', privateKeyEncoding: { type: 'sec1', format: 'pem' }, publicKeyEncoding: { type: 'spki', format: 'pem' } }).privateKey;
    expect(problemsOf(parseTsidpKeyFile(tsidpKeyFile('7', ec)))).toEqual([expect.stringMatching(/oidc-key\.json: key: expected an RSA private key/)]);
    const small = generateKeyPairSync('rsa', { modulusLength: 1024, privateKeyEncoding: { type: 'pkcs1', format: 'pem' }, publicKeyEncoding: { type: 'spki', format: 'pem' } }).privateKey;
    expect(problemsOf(parseTsidpKeyFile(tsidpKeyFile('7', small)))).toEqual([expect.stringMatching(/1024 bits/)]);
  });
});

describe('oidc-funnel-clients.json', () => {
  it('maps DCR, UI and legacy clients, migrating a lone redirect_uri', () => {
    const file = tsidpClients();
    const result = parseTsidpClientsFile(JSON.stringify(file), strict);
    if (!('clients' in result)) throw new Error(result.problems.join('; '));
    const [dcr, ui, legacy] = result.clients;
    const ids = Object.keys(file);
    expect(result.clients.map((client) => client.clientId)).toEqual(ids);
    expect(dcr!.metadata).toEqual({ client_name: 'MCP inspector', redirect_uris: ['https://mcp.example.ts.net/callback', 'http://127.0.0.1:6274/oauth/callback'], token_endpoint_auth_method: 'client_secret_post' });
    expect(ui!.metadata).toMatchObject({ client_name: 'Grafana', token_endpoint_auth_method: 'client_secret_basic' });
    expect(legacy!.metadata.redirect_uris).toEqual(['https://pve.example.ts.net:8006']);
    expect(legacy!.notes).toEqual(['legacy redirect_uri migrated to redirect_uris']);
    expect(result.clients.map((client) => client.clientSecret)).toEqual(ids.map((id) => file[id]!.client_secret));
  });

  it('reports every bad client, naming the file, the client and the field', () => {
    const file = tsidpClients();
    const [a, b, c] = Object.keys(file) as [string, string, string];
    file[a]!.redirect_uris = ['https://ok.example/cb', 'javascript:x'];
    delete file[b]!.client_secret;
    file[c]!.redirect_uri = 'http://pve.internal:8006/cb';
    const problems = problemsOf(parseTsidpClientsFile(JSON.stringify({ ...file, 'other-key': { ...file[a], client_id: 'x' } }), strict));
    expect(problems).toEqual(expect.arrayContaining([
      `oidc-funnel-clients.json: client "${a}": redirect_uris[1] "javascript:x": scheme "javascript:" is not allowed`,
      expect.stringMatching(new RegExp(`^oidc-funnel-clients\\.json: client "${b}": client_secret is missing`)),
      expect.stringMatching(new RegExp(`^oidc-funnel-clients\\.json: client "${c}": redirect_uri "http://pve.internal:8006/cb": plain http`)),
      'oidc-funnel-clients.json: client "other-key": client_id "x" is not its key in the map',
    ]));
  });

  it('lets plain-http tailnet redirect URIs through only when allowed, and refuses weak secrets and wrong types', () => {
    const file = tsidpClients();
    const [a, b] = Object.keys(file) as [string, string];
    file[a]!.redirect_uris = ['http://grafana.tail1234.ts.net/login'];
    const allowed = parseTsidpClientsFile(JSON.stringify({ [a]: file[a] }), { allowInsecureHttp: true });
    expect(allowed).toHaveProperty('clients.0.metadata.allow_insecure_http_redirects', true);
    file[b]!.client_secret = 'short';
    file[b]!.redirect_uris = 'https://one.example/cb';
    const problems = problemsOf(parseTsidpClientsFile(JSON.stringify({ [b]: file[b] }), strict)).join('\n');
    expect(problems).toContain('client_secret must be 32-512 visible ASCII characters');
    expect(problems).toContain('redirect_uris "https://one.example/cb" is not a list of strings');
    expect(problems).not.toContain('short');
  });

  it('refuses corrupt JSON and a file that is not a map; reads null (Go\'s empty map) as no clients', () => {
    expect(problemsOf(parseTsidpClientsFile('{"a":', strict))).toEqual([expect.stringMatching(/^oidc-funnel-clients\.json: is not valid JSON/)]);
    expect(problemsOf(parseTsidpClientsFile('[1]', strict))).toEqual(['oidc-funnel-clients.json: must be a JSON object of client_id to client']);
    expect(parseTsidpClientsFile('null', strict)).toEqual({ clients: [] });
  });
});
