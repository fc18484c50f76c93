import { generateKeyPairSync } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { connect, createServer } from 'node:tls';
import { afterEach, beforeEach, describe, expect, it, jest } from '@jest/globals';
import { Logger } from '@nestjs/common';
import { LocalApiStandIn } from '../testing/localapi-stand-in.js';
import { TEST_CERTIFICATE_NOT_AFTER, TEST_CERTIFICATE_PAIR, TEST_CERTIFICATE_PEM } from '../testing/test-certificate.js';
import { LocalApiClient } from './localapi-client.js';
import { CERTIFICATE_CHECK_INTERVAL_MS, TailscaleCertificates } from './tailscale-certificates.js';

Logger.overrideLogger(false);

const DOMAIN = 'idp.tail1234.ts.net';
const DAY_MS = 24 * 60 * 60 * 1000;
let standIn: LocalApiStandIn;
let clock: number;

beforeEach(async () => {
  standIn = await LocalApiStandIn.start({ certificates: { [DOMAIN]: TEST_CERTIFICATE_PAIR } });
  clock = TEST_CERTIFICATE_NOT_AFTER - 100 * DAY_MS;
});

afterEach(async () => {
  jest.restoreAllMocks();
  await standIn.close();
});

const certificates = (domain = DOMAIN) => new TailscaleCertificates(new LocalApiClient(standIn.socketPath, 200), domain, () => clock, 1000);

describe('TailscaleCertificates', () => {
  it('loads the pair and serves TLS with it through an SNICallback', async () => {
    const certs = certificates();
    expect(() => certs.secureContext()).toThrow('load() has not completed');
    await certs.load();
    expect(certs.expiresAt).toBe(TEST_CERTIFICATE_NOT_AFTER);

    const server = createServer({ SNICallback: (_name, done) => done(null, certs.secureContext()) }, (socket) => socket.end('hello'));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const { port } = server.address() as AddressInfo;
      const greeting = await new Promise<string>((resolve, reject) => {
        const socket = connect({ host: '127.0.0.1', port, servername: DOMAIN, ca: TEST_CERTIFICATE_PEM }, () => socket.once('data', (data) => resolve(data.toString())));
        socket.on('error', reject);
      });
      expect(greeting).toBe('hello');
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });

  it('explains a tailscaled that cannot issue a certificate', async () => {
    await expect(certificates('other.tail1234.ts.net').load()).rejects.toThrow(
      /^cannot serve HTTPS for other\.tail1234\.ts\.net with a tailscaled certificate \(are HTTPS certificates enabled for the tailnet.*answered 500/,
    );
  });

  it('refuses a key that does not belong to the certificate', async () => {
    const otherKey = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
    standIn.certificates.set(DOMAIN, otherKey + TEST_CERTIFICATE_PEM);
    await expect(certificates().load()).rejects.toThrow(/^cannot serve HTTPS for idp\.tail1234\.ts\.net.*key values mismatch/);
  });

  it('renews in the background only when expiry is near, looking at most every 12 hours', async () => {
    const client = new LocalApiClient(standIn.socketPath, 200);
    const fetches = jest.spyOn(client, 'certificatePair');
    const certs = new TailscaleCertificates(client, DOMAIN, () => clock, 1000);
    await certs.load();
    clock += CERTIFICATE_CHECK_INTERVAL_MS;
    certs.secureContext();
    expect(fetches).toHaveBeenCalledTimes(1);

    clock = TEST_CERTIFICATE_NOT_AFTER - 13 * DAY_MS;
    certs.secureContext();
    certs.secureContext();
    expect(fetches).toHaveBeenCalledTimes(2);
    await certs.refresh(); // joins the renewal in flight
    expect(fetches).toHaveBeenCalledTimes(2);
    expect(fetches).toHaveBeenLastCalledWith(DOMAIN, 1000);

    clock += CERTIFICATE_CHECK_INTERVAL_MS - 1;
    certs.secureContext();
    expect(fetches).toHaveBeenCalledTimes(2);
    clock += 1;
    certs.secureContext();
    expect(fetches).toHaveBeenCalledTimes(3);
    await certs.refresh();
    expect(standIn.requests).toHaveLength(3);
  });

  it('keeps serving the current certificate when a renewal fails', async () => {
    const warn = jest.spyOn(Logger.prototype, 'warn');
    const certs = certificates();
    await certs.load();
    const context = certs.secureContext();
    standIn.certificates.delete(DOMAIN);
    clock = TEST_CERTIFICATE_NOT_AFTER - DAY_MS;
    expect(certs.secureContext()).toBe(context);
    await certs.refresh();
    expect(certs.secureContext()).toBe(context);
    expect(warn).toHaveBeenCalledWith(expect.stringMatching(/^renewing the certificate for idp\.tail1234\.ts\.net failed, still serving the one expiring 2126-10-30T23:38:24\.000Z: /));
  });
});
