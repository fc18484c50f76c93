import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { CommandBus } from '@nestjs/cqrs';
import * as oauth from 'oauth4webapi';
import { CreateAccountCommand } from '../src/accounts/commands/create-account.command.js';
import { DisableAccountCommand } from '../src/accounts/commands/disable-account.command.js';
import { ProjectionsService } from '../src/storage/projections.service.js';
import { codeLogin } from './support/code-login.js';
import { startTestServer, type TestServer } from './support/test-server.js';

// WebFinger (RFC 7033) as Tailscale's custom-OIDC sign-up and browser lookup tools use it
// (reference/relying-parties.md §1.2): the issuer of an acct: address, nothing more.
const ISSUER_REL = 'http://openid.net/specs/connect/1.0/issuer';
const CALLBACK = 'http://127.0.0.1:9999/callback';

let meshid: TestServer;
beforeAll(async () => {
  meshid = await startTestServer({
    MESHID_DEV_IDENTITY: JSON.stringify({ login: 'alice@example.com', name: 'Alice' }),
    MESHID_WEBFINGER_ACCOUNTS: 'Carol@Example.org',
    MESHID_WEBFINGER_DOMAINS: 'corp.example',
    MESHID_TRUSTED_PROXIES: '127.0.0.1/32',
  });
});
afterAll(async () => meshid?.close());

function webfinger(query: string, init: RequestInit = {}): Promise<Response> {
  return fetch(`${meshid.issuer}/.well-known/webfinger?${query}`, init);
}

const resource = (address: string) => `resource=${encodeURIComponent(`acct:${address}`)}`;

describe('GET /.well-known/webfinger', () => {
  it('answers a configured account with the minimal JRD whose href is byte-equal to the issuer', async () => {
    const response = await webfinger(resource('Carol@Example.org'));
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('application/jrd+json');
    expect(response.headers.get('access-control-allow-origin')).toBe('*');
    const jrd = await response.json();
    expect(jrd).toEqual({ subject: 'acct:Carol@Example.org', links: [{ rel: ISSUER_REL, href: meshid.issuer }] });
    const discovery = (await (await fetch(`${meshid.issuer}/.well-known/openid-configuration`)).json()) as { issuer: string };
    expect((jrd as { links: Array<{ href: string }> }).links[0]!.href).toBe(discovery.issuer);
    // What an RP library does with it: discovery from that href validates the issuer exactly.
    const href = new URL((jrd as { links: Array<{ href: string }> }).links[0]!.href);
    const as = await oauth.processDiscoveryResponse(href, await oauth.discoveryRequest(href, { [oauth.allowInsecureRequests]: true }));
    expect(as.issuer).toBe(meshid.issuer);
  });

  it('compares the domain in any case and the user part exactly', async () => {
    expect((await webfinger(resource('Carol@EXAMPLE.ORG'))).status).toBe(200);
    expect((await webfinger(resource('carol@example.org'))).status).toBe(404);
  });

  it('answers every address at a configured domain, in any case', async () => {
    for (const address of ['anyone@corp.example', 'Someone.Else@CORP.example']) {
      const response = await webfinger(resource(address));
      expect(response.status).toBe(200);
      expect(await response.json()).toEqual({ subject: `acct:${address}`, links: [{ rel: ISSUER_REL, href: meshid.issuer }] });
    }
    expect((await webfinger(resource('anyone@sub.corp.example'))).status).toBe(404);
  });

  it('filters links by rel (RFC 7033 §4.3)', async () => {
    const issuerOnly = await webfinger(`${resource('anyone@corp.example')}&rel=${encodeURIComponent(ISSUER_REL)}`);
    expect((await issuerOnly.json()) as unknown).toMatchObject({ links: [{ rel: ISSUER_REL, href: meshid.issuer }] });
    const other = await webfinger(`${resource('anyone@corp.example')}&rel=${encodeURIComponent('http://webfinger.net/rel/profile-page')}`);
    expect(other.status).toBe(200);
    expect(await other.json()).toEqual({ subject: 'acct:anyone@corp.example', links: [] });
    const both = await webfinger(`${resource('anyone@corp.example')}&rel=http%3A%2F%2Fwebfinger.net%2Frel%2Favatar&rel=${encodeURIComponent(ISSUER_REL)}`);
    expect(((await both.json()) as { links: unknown[] }).links).toEqual([{ rel: ISSUER_REL, href: meshid.issuer }]);
  });

  it.each([
    ['without resource', ''],
    ['with an empty resource', 'resource='],
    ['with resource twice', `${resource('anyone@corp.example')}&${resource('carol@example.org')}`],
    ['with a resource that is not a URI', 'resource=alice%40example.com'],
    ['with an acct: resource that names no address', 'resource=acct%3Aalice'],
    ['with a malformed domain', resource('alice@exa_mple.com')],
    ['with an oversized resource', resource(`${'a'.repeat(600)}@example.com`)],
  ])('is a JSON 400 %s, still readable cross-origin', async (_why, query) => {
    const response = await webfinger(query);
    expect(response.status).toBe(400);
    expect(response.headers.get('content-type')).toMatch(/^application\/json/);
    expect(response.headers.get('access-control-allow-origin')).toBe('*');
    expect(await response.json()).toMatchObject({ error: 'invalid_request' });
  });

  it('is a 404 for an unknown account or another kind of resource, saying nothing more', async () => {
    for (const query of [resource('nobody@example.net'), `resource=${encodeURIComponent('https://example.org/carol')}`]) {
      const response = await webfinger(query);
      expect(response.status).toBe(404);
      expect(response.headers.get('access-control-allow-origin')).toBe('*');
      expect(await response.json()).toEqual({ error: 'not_found', error_description: 'no such account' });
    }
  });

  it('knows a person once they have signed in here', async () => {
    expect((await webfinger(resource('alice@example.com'))).status).toBe(404);
    const { clientId, clientSecret } = await meshid.createClient({ client_name: 'Some app', redirect_uris: [CALLBACK] });
    await codeLogin(meshid.issuer, clientId, oauth.ClientSecretBasic(clientSecret!), CALLBACK, 'openid email');
    await meshid.server.app.get(ProjectionsService).caughtUp(5000);
    const response = await webfinger(resource('alice@EXAMPLE.com'));
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ subject: 'acct:alice@EXAMPLE.com', links: [{ rel: ISSUER_REL, href: meshid.issuer }] });
    expect((await webfinger(resource('Alice@example.com'))).status).toBe(404);
  });

  it('is reachable through Tailscale Funnel, where Tailscale asks from the internet', async () => {
    const response = await webfinger(resource('anyone@corp.example'), { headers: { 'tailscale-funnel-request': '?1', 'x-forwarded-for': '203.0.113.9' } });
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ links: [{ href: meshid.issuer }] });
  });

  it('answers GET only', async () => {
    const response = await webfinger(resource('anyone@corp.example'), { method: 'POST' });
    expect(response.status).toBe(405);
    expect(response.headers.get('allow')).toContain('GET');
  });

  it('answers a CORS preflight', async () => {
    const response = await webfinger(resource('anyone@corp.example'), { method: 'OPTIONS', headers: { origin: 'https://lookup.example', 'access-control-request-method': 'GET' } });
    expect(response.status).toBe(204);
    expect(response.headers.get('access-control-allow-origin')).toBe('*');
    expect(response.headers.get('access-control-allow-methods')).toContain('GET');
  });
});

describe('GET /.well-known/webfinger with local accounts', () => {
  let withAccounts: TestServer;
  beforeAll(async () => {
    withAccounts = await startTestServer({ MESHID_IDENTITY: 'account' });
  });
  afterAll(async () => withAccounts?.close());

  const context = { actor: 'test', correlationId: 'test' };
  const lookup = (address: string) => fetch(`${withAccounts.issuer}/.well-known/webfinger?${resource(address)}`);

  it('knows the verified email of an enabled account, and nothing of the others', async () => {
    const bus = withAccounts.server.app.get(CommandBus);
    await bus.execute(new CreateAccountCommand({ login: 'dana', name: 'Dana', email: 'Dana@Example.com', emailVerified: true }, context));
    await bus.execute(new CreateAccountCommand({ login: 'erin', name: 'Erin', email: 'erin@example.com', emailVerified: false }, context));
    const frank = await bus.execute(new CreateAccountCommand({ login: 'frank', name: 'Frank', email: 'frank@example.com', emailVerified: true }, context));
    await bus.execute(new DisableAccountCommand(frank.accountId, null, context));
    await withAccounts.server.app.get(ProjectionsService).caughtUp(5000);

    const dana = await lookup('Dana@EXAMPLE.COM');
    expect(dana.status).toBe(200);
    expect(await dana.json()).toEqual({ subject: 'acct:Dana@EXAMPLE.COM', links: [{ rel: ISSUER_REL, href: withAccounts.issuer }] });
    expect((await lookup('dana@example.com')).status).toBe(404);
    // An unverified address is not vouched for, a disabled account cannot sign in, a login is not an address.
    expect((await lookup('erin@example.com')).status).toBe(404);
    expect((await lookup('frank@example.com')).status).toBe(404);
    expect((await lookup(`dana@${new URL(withAccounts.issuer).hostname}`)).status).toBe(404);
  });
});
