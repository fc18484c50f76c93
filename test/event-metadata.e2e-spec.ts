import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import * as oauth from 'oauth4webapi';
import { EVENT_STORE, type EventStore, type RecordedEvent } from '#event-store';
import { discover, INSECURE } from './support/code-login.js';
import { startTestServer, type TestServer } from './support/test-server.js';

// Every event a request causes names the request (its id, as logged and echoed in X-Request-Id)
// and the caller's address as a trusted proxy forwarded it, not the proxy's own loopback address.
const CALLBACK = 'http://127.0.0.1:9999/callback';
const BROWSER = '198.51.100.23';
const RELYING_PARTY = '203.0.113.40';
let meshid: TestServer;
let client: { clientId: string; clientSecret?: string };

beforeAll(async () => {
  meshid = await startTestServer({
    MESHID_DEV_IDENTITY: JSON.stringify({ login: 'alice@example.com', name: 'Alice Example' }),
    MESHID_TRUSTED_PROXIES: '127.0.0.1/32',
  });
  client = await meshid.createClient({ client_name: 'Metadata', redirect_uris: [CALLBACK] });
}, 30000);

afterAll(async () => meshid.close());

async function eventsSince(count: number): Promise<RecordedEvent[]> {
  const all: RecordedEvent[] = [];
  for await (const event of meshid.server.app.get<EventStore>(EVENT_STORE).readAll()) all.push(event);
  return all.slice(count);
}

describe('event metadata', () => {
  it('records the forwarded caller and the request id for /authorize and /token', async () => {
    const before = (await eventsSince(0)).length;
    const as = await discover(meshid.issuer);
    const verifier = oauth.generateRandomCodeVerifier();
    const url = new URL(as.authorization_endpoint!);
    url.search = new URLSearchParams({
      client_id: client.clientId,
      redirect_uri: CALLBACK,
      response_type: 'code',
      scope: 'openid',
      code_challenge: await oauth.calculatePKCECodeChallenge(verifier),
      code_challenge_method: 'S256',
    }).toString();
    const redirect = await fetch(url, { redirect: 'manual', headers: { 'x-forwarded-for': `192.0.2.1, ${BROWSER}`, 'x-request-id': 'browser-authorize-1' } });
    expect(redirect.status).toBe(303);
    expect(redirect.headers.get('x-request-id')).toBe('browser-authorize-1');
    const rp: oauth.Client = { client_id: client.clientId };
    const callback = oauth.validateAuthResponse(as, rp, new URL(redirect.headers.get('location')!), oauth.expectNoState);
    const response = await oauth.authorizationCodeGrantRequest(as, rp, oauth.ClientSecretBasic(client.clientSecret!), callback, CALLBACK, verifier, {
      ...INSECURE,
      headers: new Headers({ 'x-forwarded-for': RELYING_PARTY, 'x-request-id': 'rp-token-1' }),
    });
    await oauth.processAuthorizationCodeResponse(as, rp, response);

    const events = await eventsSince(before);
    const issued = events.find((event) => event.type === 'AuthorizationCodeIssued')!;
    expect(issued.metadata).toMatchObject({ actor: 'dev:alice@example.com', correlationId: 'browser-authorize-1', ip: BROWSER });
    const granted = events.find((event) => event.type === 'GrantIssued')!;
    expect(granted.metadata).toMatchObject({ actor: `client:${client.clientId}`, correlationId: 'rp-token-1', ip: RELYING_PARTY });
    // Nothing the request caused names the proxy's loopback address.
    for (const event of events) expect(event.metadata['ip']).not.toBe('127.0.0.1');
  });
});
