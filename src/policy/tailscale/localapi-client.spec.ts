import { rm } from 'node:fs/promises';
import { request as httpRequest } from 'node:http';
import { afterEach, describe, expect, it } from '@jest/globals';
import { LocalApiStandIn } from '../testing/localapi-stand-in.js';
import { TEST_CERTIFICATE_PAIR, TEST_CERTIFICATE_PEM, TEST_KEY_PEM } from '../testing/test-certificate.js';
import { ALICE_LAPTOP } from '../testing/whois-fixtures.js';
import { LocalApiClient, LocalApiUnavailableError } from './localapi-client.js';

const TIMEOUT_MS = 200;
let standIn: LocalApiStandIn | undefined;
const directories: string[] = [];

afterEach(async () => {
  await standIn?.close();
  standIn = undefined;
  for (const directory of directories.splice(0)) await rm(directory, { recursive: true, force: true });
});

async function client(options: Parameters<typeof LocalApiStandIn.start>[0] = {}): Promise<LocalApiClient> {
  standIn = await LocalApiStandIn.start(options);
  return new LocalApiClient(standIn.socketPath, TIMEOUT_MS);
}

/** The rejection of `promise`, and how long it took to come. */
async function failure(promise: Promise<unknown>): Promise<{ error: Error; ms: number }> {
  const started = Date.now();
  const error = await promise.then(
    () => new Error('expected a failure'),
    (reason: Error) => reason,
  );
  return { error, ms: Date.now() - started };
}

describe('LocalApiClient.whois', () => {
  it('asks with Host local-tailscaled.sock and no Origin or Referer, and parses the answer', async () => {
    const localApi = await client({ whois: { [ALICE_LAPTOP.ip]: ALICE_LAPTOP.json } });
    const whois = await localApi.whois('100.101.102.103:41641');
    expect(whois?.Node.ID).toBe('9007199254740993');
    expect(standIn!.requests).toHaveLength(1);
    const [received] = standIn!.requests;
    expect(received!.method).toBe('GET');
    expect(received!.url).toBe('/localapi/v0/whois?addr=100.101.102.103%3A41641');
    expect(received!.headers.host).toBe('local-tailscaled.sock');
    expect(received!.headers.origin).toBeUndefined();
    expect(received!.headers.referer).toBeUndefined();
  });

  it('encodes IPv6 addresses', async () => {
    const localApi = await client({ whois: { 'fd7a:115c:a1e0::1234:5678': ALICE_LAPTOP.json } });
    expect(await localApi.whois('[fd7a:115c:a1e0::1234:5678]:443')).not.toBeNull();
    expect(standIn!.requests[0]!.url).toBe('/localapi/v0/whois?addr=%5Bfd7a%3A115c%3Aa1e0%3A%3A1234%3A5678%5D%3A443');
  });

  it('answers null for an address that is not on the tailnet (404)', async () => {
    const localApi = await client();
    expect(await localApi.whois('100.64.0.99:1234')).toBeNull();
  });

  it('turns any other status into LocalApiUnavailableError with the status and text', async () => {
    const localApi = await client();
    const { error } = await failure(localApi.whois(''));
    expect(error).toBeInstanceOf(LocalApiUnavailableError);
    expect(error.message).toBe(`tailscaled on ${standIn!.socketPath} answered 400 to the request for whois for : missing 'addr' parameter`);
  });

  it('gives up on a slow tailscaled after the timeout, destroying the connection', async () => {
    const localApi = await client({ whois: { [ALICE_LAPTOP.ip]: ALICE_LAPTOP.json }, delayMs: 5000 });
    const { error, ms } = await failure(localApi.whois(ALICE_LAPTOP.ip));
    expect(error).toBeInstanceOf(LocalApiUnavailableError);
    expect(error.message).toBe(`tailscaled did not answer on ${standIn!.socketPath} within 200 ms`);
    expect(ms).toBeGreaterThanOrEqual(TIMEOUT_MS - 5);
    expect(ms).toBeLessThan(TIMEOUT_MS + 300);
  });

  it('fails fast and says why when no tailscaled is there', async () => {
    const missing = await LocalApiStandIn.deadSocket('missing');
    const refusing = await LocalApiStandIn.deadSocket('refusing');
    directories.push(missing.directory, refusing.directory);
    const gone = await failure(new LocalApiClient(missing.socketPath, 2000).whois(ALICE_LAPTOP.ip));
    expect(gone.error).toBeInstanceOf(LocalApiUnavailableError);
    expect(gone.error.message).toBe(`tailscaled's socket ${missing.socketPath} does not exist (is tailscaled running, and is the socket mounted?)`);
    expect(gone.ms).toBeLessThan(150);
    const refused = await failure(new LocalApiClient(refusing.socketPath, 2000).whois(ALICE_LAPTOP.ip));
    expect(refused.error.message).toBe(`nothing is listening on ${refusing.socketPath} (is tailscaled running?)`);
    expect(refused.ms).toBeLessThan(150);
  });

  it('refuses malformed JSON, a wrong field type, and an oversized answer', async () => {
    const localApi = await client({
      whois: {
        '100.64.0.1': '{"Node": {"ID": 1,',
        '100.64.0.2': ALICE_LAPTOP.json.replace('"ID": 9007199254740993', '"ID": "9007199254740993"'),
        '100.64.0.3': `{"pad": "${'x'.repeat(1024 * 1024)}"}`,
      },
    });
    const prefix = `tailscaled on ${standIn!.socketPath} answered whois for`;
    await expect(localApi.whois('100.64.0.1')).rejects.toThrow(new RegExp(`^${escape(prefix)} 100\\.64\\.0\\.1 with an unusable answer: not valid JSON`));
    await expect(localApi.whois('100.64.0.2')).rejects.toThrow(`${prefix} 100.64.0.2 with an unusable answer: Node.ID is not an integer`);
    await expect(localApi.whois('100.64.0.3')).rejects.toThrow(`tailscaled on ${standIn!.socketPath} sent an answer larger than 1 MiB`);
    await expect(localApi.whois('100.64.0.3')).rejects.toBeInstanceOf(LocalApiUnavailableError);
  });
});

describe('LocalApiClient.certificatePair', () => {
  it('splits the pair into the certificate chain and the key', async () => {
    const localApi = await client({ certificates: { 'idp.tail1234.ts.net': TEST_CERTIFICATE_PAIR } });
    expect(await localApi.certificatePair('idp.tail1234.ts.net', 1000)).toEqual({ certificatePem: TEST_CERTIFICATE_PEM, keyPem: TEST_KEY_PEM });
    expect(standIn!.requests[0]!.url).toBe('/localapi/v0/cert/idp.tail1234.ts.net?type=pair');
    expect(standIn!.requests[0]!.headers.host).toBe('local-tailscaled.sock');
  });

  it('keeps a whole chain in order', async () => {
    const chain = TEST_KEY_PEM + TEST_CERTIFICATE_PEM + TEST_CERTIFICATE_PEM.replace('MIIBszCC', 'MIIBszDD');
    const localApi = await client({ certificates: { 'idp.tail1234.ts.net': chain } });
    const pair = await localApi.certificatePair('idp.tail1234.ts.net', 1000);
    expect(pair.certificatePem.match(/BEGIN CERTIFICATE/g)).toHaveLength(2);
    expect(pair.certificatePem.indexOf('MIIBszCC')).toBeLessThan(pair.certificatePem.indexOf('MIIBszDD'));
  });

  it('refuses an answer without both a key and a certificate, and passes on tailscaled errors', async () => {
    const localApi = await client({ certificates: { 'only-cert.ts.net': TEST_CERTIFICATE_PEM, 'two-keys.ts.net': TEST_KEY_PEM + TEST_KEY_PEM + TEST_CERTIFICATE_PEM } });
    await expect(localApi.certificatePair('only-cert.ts.net', 1000)).rejects.toThrow('with 0 private keys and 1 certificates');
    await expect(localApi.certificatePair('two-keys.ts.net', 1000)).rejects.toThrow('with 2 private keys and 1 certificates');
    await expect(localApi.certificatePair('idp.tail1234.ts.net', 1000)).rejects.toThrow(
      `tailscaled on ${standIn!.socketPath} answered 500 to the request for the certificate for idp.tail1234.ts.net: cert for idp.tail1234.ts.net: your Tailscale account does not support getting TLS certs`,
    );
  });

  it('takes its own timeout', async () => {
    const localApi = await client({ certificates: { 'idp.tail1234.ts.net': TEST_CERTIFICATE_PAIR }, delayMs: 5000 });
    await expect(localApi.certificatePair('idp.tail1234.ts.net', 100)).rejects.toThrow('within 100 ms');
  });
});

describe('LocalAPI stand-in', () => {
  /** A raw request to the stand-in, to check it refuses what tailscaled refuses. */
  function rawGet(path: string, headers: Record<string, string>): Promise<{ status: number; body: string }> {
    return new Promise((resolve, reject) => {
      const request = httpRequest({ socketPath: standIn!.socketPath, path, headers, agent: false }, (response) => {
        let body = '';
        response.on('data', (chunk: Buffer) => (body += chunk.toString()));
        response.on('end', () => resolve({ status: response.statusCode ?? 0, body }));
      });
      request.on('error', reject);
      request.end();
    });
  }

  it('refuses a foreign Host, an Origin or a Referer with 403, as tailscaled does', async () => {
    standIn = await LocalApiStandIn.start({ whois: { [ALICE_LAPTOP.ip]: ALICE_LAPTOP.json } });
    const path = `/localapi/v0/whois?addr=${ALICE_LAPTOP.ip}`;
    expect(await rawGet(path, { Host: 'local-tailscaled.sock' })).toMatchObject({ status: 200 });
    expect(await rawGet(path, { Host: 'localhost' })).toEqual({ status: 403, body: 'invalid localapi request\n' });
    expect(await rawGet(path, { Host: 'local-tailscaled.sock', Origin: 'https://evil.example' })).toMatchObject({ status: 403 });
    expect(await rawGet(path, { Host: 'local-tailscaled.sock', Referer: 'https://evil.example/' })).toMatchObject({ status: 403 });
    expect(await rawGet('/localapi/v0/whois?addr=banana', { Host: 'local-tailscaled.sock' })).toEqual({ status: 400, body: "invalid 'addr' parameter\n" });
    expect(await rawGet('/localapi/v0/whois?addr=100.64.0.1:80', { Host: 'local-tailscaled.sock' })).toEqual({ status: 404, body: 'no match for IP:port\n' });
  });
});

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
