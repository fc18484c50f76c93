import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as oauth from 'oauth4webapi';
import { MetadataServer } from '../src/clients/metadata-documents/testing/metadata-server.js';
import { TEST_LOCALHOST_CERTIFICATE_PEM } from '../src/clients/metadata-documents/testing/test-certificate.js';
import { Browser, formField } from './support/browser.js';
import { startTestServer, type TestServer } from './support/test-server.js';

// OAuth Client ID Metadata Documents, as MCP clients use them: the client_id is an https URL,
// meshid fetches the client's metadata from it, and the client logs in with oauth4webapi
// without ever registering. The document is served over real TLS by a local server; the
// operator settings allow its host (localhost) and trust its test CA.
const CALLBACK = 'http://127.0.0.1/callback';
const LOGGED_OUT = 'http://127.0.0.1:9999/logged-out';

let documents: MetadataServer;
let meshid: TestServer;
let caDir: string;
let as: oauth.AuthorizationServer;
let clientId: string;

beforeAll(async () => {
  documents = await MetadataServer.start();
  clientId = documents.url('/mcp-client.json');
  documents.json('/mcp-client.json', { client_id: clientId, client_name: 'Some MCP client', redirect_uris: [CALLBACK], post_logout_redirect_uris: [LOGGED_OUT], grant_types: ['authorization_code', 'refresh_token'] });
  documents.json('/copied.json', { client_id: clientId, redirect_uris: [CALLBACK] });
  documents.json('/with-secret.json', { client_id: documents.url('/with-secret.json'), client_secret: 'x', redirect_uris: [CALLBACK] });
  caDir = mkdtempSync(join(tmpdir(), 'meshid-cimd-ca-'));
  writeFileSync(join(caDir, 'ca.pem'), TEST_LOCALHOST_CERTIFICATE_PEM);
  meshid = await startTestServer({
    MESHID_DEV_IDENTITY: 'alice@example.com',
    MESHID_CLIENT_ID_METADATA_DOCUMENTS: 'on',
    MESHID_CLIENT_ID_METADATA_PRIVATE_HOSTS: 'localhost',
    MESHID_CLIENT_ID_METADATA_CA_FILE: join(caDir, 'ca.pem'),
  });
  const issuer = new URL(meshid.issuer);
  as = await oauth.processDiscoveryResponse(issuer, await oauth.discoveryRequest(issuer, { [oauth.allowInsecureRequests]: true }));
});
afterAll(async () => {
  await meshid?.close();
  await documents?.close();
  rmSync(caDir, { recursive: true, force: true });
});

function authorizeUrl(client: string, verifierChallenge: string, params: Record<string, string> = {}): URL {
  const url = new URL(as.authorization_endpoint!);
  const all = { client_id: client, redirect_uri: 'http://127.0.0.1:53682/callback', response_type: 'code', scope: 'openid offline_access', code_challenge: verifierChallenge, code_challenge_method: 'S256', state: 'st', ...params };
  for (const [name, value] of Object.entries(all)) url.searchParams.set(name, value);
  return url;
}

describe('a client identified by its metadata document URL', () => {
  it('is advertised, asks the person, then logs in and refreshes like a registered public client', async () => {
    expect(as.client_id_metadata_document_supported).toBe(true);
    const client: oauth.Client = { client_id: clientId };
    const verifier = oauth.generateRandomCodeVerifier();
    const browser = new Browser(meshid.issuer);

    // RFC 8252: the loopback redirect URI may use any port.
    const page = await browser.fetch(authorizeUrl(clientId, await oauth.calculatePKCECodeChallenge(verifier)));
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain('Allow Some MCP client?');
    expect(html).toContain(`describes itself at ${clientId}`);
    expect(html).toContain('sent back to http://127.0.0.1:53682');
    const answer = await browser.post('/authorize/consent', { consent_token: formField(html, 'consent_token'), decision: 'allow' });
    expect(answer.status).toBe(303);
    const callback = new URL(answer.headers.get('location')!);

    const params = oauth.validateAuthResponse(as, client, callback, 'st');
    const response = await oauth.authorizationCodeGrantRequest(as, client, oauth.None(), params, 'http://127.0.0.1:53682/callback', verifier, { [oauth.allowInsecureRequests]: true });
    const tokens = await oauth.processAuthorizationCodeResponse(as, client, response);
    expect(tokens.refresh_token).toBeDefined();
    const refreshed = await oauth.processRefreshTokenResponse(
      as,
      client,
      await oauth.refreshTokenGrantRequest(as, client, oauth.None(), tokens.refresh_token!, { [oauth.allowInsecureRequests]: true }),
    );
    expect(refreshed.refresh_token).not.toBe(tokens.refresh_token);
    // Fetched once, then cached.
    expect(documents.hitsOf('/mcp-client.json')).toBe(1);
  });

  it('is sent back to a post-logout redirect URI its document lists, and to no other', async () => {
    const endSession = (uri: string) =>
      fetch(`${meshid.issuer}/end-session?${new URLSearchParams({ client_id: clientId, post_logout_redirect_uri: uri, state: 'bye' })}`, { redirect: 'manual' });
    const listed = await endSession(LOGGED_OUT);
    expect(listed.status).toBe(303);
    expect(listed.headers.get('location')).toBe(`${LOGGED_OUT}?state=bye`);
    expect((await endSession('https://attacker.example/bye')).status).toBe(400);
  });

  it('answers prompt=none with consent_required for scopes nobody said yes to', async () => {
    const response = await new Browser(meshid.issuer).fetch(authorizeUrl(clientId, 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM', { prompt: 'none', scope: 'openid email' }));
    expect(response.status).toBe(303);
    expect(new URL(response.headers.get('location')!).searchParams.get('error')).toBe('consent_required');
  });

  it('remembers a consent for the scopes given (ConsentGiven), asks again for more, and always for prompt=consent', async () => {
    const challenge = 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM';
    const browser = new Browser(meshid.issuer);
    const first = await browser.fetch(authorizeUrl(clientId, challenge, { scope: 'openid profile' }));
    expect(first.status).toBe(200);
    const allowed = await browser.post('/authorize/consent', { consent_token: formField(await first.text(), 'consent_token'), decision: 'allow' });
    expect(new URL(allowed.headers.get('location')!).searchParams.get('code')).toBeTruthy();

    // The same or fewer scopes: straight back with a code, also for prompt=none, also from another browser of the same person.
    for (const params of [{ scope: 'openid profile' }, { scope: 'openid', prompt: 'none' }] as Array<Record<string, string>>) {
      const again = await new Browser(meshid.issuer).fetch(authorizeUrl(clientId, challenge, params));
      expect(again.status).toBe(303);
      expect(new URL(again.headers.get('location')!).searchParams.get('code')).toBeTruthy();
    }
    expect((await browser.fetch(authorizeUrl(clientId, challenge, { scope: 'openid profile email' }))).status).toBe(200);
    expect((await browser.fetch(authorizeUrl(clientId, challenge, { scope: 'openid', prompt: 'consent' }))).status).toBe(200);
  });

  it('shows what is wrong with a document, and never redirects to an unlisted URI', async () => {
    const cases: Array<[string, string]> = [
      [documents.url('/copied.json'), 'is not the URL it was fetched from'],
      [documents.url('/with-secret.json'), 'client_secret must not be present'],
      [documents.url('/missing.json'), 'could not fetch'],
    ];
    for (const [id, reason] of cases) {
      const response = await fetch(authorizeUrl(id, 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM'), { redirect: 'manual' });
      expect(response.status).toBe(400);
      expect(await response.text()).toContain(reason);
    }
    const elsewhere = await fetch(authorizeUrl(clientId, 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM', { redirect_uri: 'https://attacker.example/cb' }), { redirect: 'manual' });
    expect(elsewhere.status).toBe(400);
    expect(await elsewhere.text()).toContain('redirect_uri mismatch');
  });

  it('cannot authenticate with a secret or use the grants a confidential client uses', async () => {
    const token = (body: Record<string, string>) =>
      fetch(as.token_endpoint!, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams(body) });
    const withSecret = await token({ grant_type: 'client_credentials', client_id: clientId, client_secret: 'anything-at-all-that-is-long-enough' });
    expect(await withSecret.json()).toMatchObject({ error: 'invalid_client' });
    const credentials = await token({ grant_type: 'client_credentials', client_id: clientId });
    expect(await credentials.json()).toMatchObject({ error: 'invalid_client' });
  });
});

describe('metadata documents switched off (the default)', () => {
  it('treats a URL client_id as an unknown client and fetches nothing', async () => {
    const plain = await startTestServer({ MESHID_DEV_IDENTITY: 'alice@example.com' });
    try {
      const before = documents.hitsOf('/mcp-client.json');
      const response = await fetch(new URL(`/authorize?${authorizeUrl(clientId, 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM').search.slice(1)}`, plain.issuer), { redirect: 'manual' });
      expect(response.status).toBe(400);
      expect(await response.text()).toContain('invalid client ID');
      expect(documents.hitsOf('/mcp-client.json')).toBe(before);
    } finally {
      await plain.close();
    }
  });
});
