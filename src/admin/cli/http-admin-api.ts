import type {
  AccountChanges,
  AccountQuery,
  AccountSetupLink,
  ActivityEntry,
  AdminAccount,
  AdminApi,
  CreatedAccount,
  DeletedAccount,
  NewAccount,
  ClientChanges,
  ClientQuery,
  ClientView,
  ClientWithSecret,
  ForgottenSubject,
  GrantQuery,
  GrantView,
  InitialAccessTokenIssued,
  KeyView,
  NewClient,
  NewInitialAccessToken,
  NewSecret,
  Page,
  Principal,
  RetireKey,
  RevokedGrants,
  RotateKeys,
} from '../api/admin-api.js';
import { joinUrl } from './admin-token.js';
import { errorFromResponse, type Fetch, readJson, send } from './http-transport.js';

/** Where the access token comes from: given, or fetched on first use (and then reused). */
export type TokenSource = () => Promise<string>;

type Query = Record<string, string | number | boolean | undefined>;

interface Call {
  method?: 'GET' | 'POST' | 'PATCH' | 'DELETE';
  query?: Query;
  body?: unknown;
  /** The client revision the change is for, sent as the strong ETag `If-Match: "<revision>"`. */
  ifMatch?: number;
}

const segment = encodeURIComponent;

/** AdminApi over HTTP: the `/api/v1` routes of a running meshid, with a Bearer access token. */
export class HttpAdminApi implements AdminApi {
  private readonly shownUrl: string;

  constructor(
    private readonly base: URL,
    private readonly token: TokenSource,
    private readonly fetchImpl: Fetch = fetch,
  ) {
    this.shownUrl = base.href.replace(/\/+$/, '');
  }

  whoami(): Promise<Principal> {
    return this.call('/whoami');
  }

  listClients(query: ClientQuery): Promise<Page<ClientView>> {
    return this.call('/clients', { query: { q: query.q, limit: query.limit, cursor: query.cursor } });
  }

  createClient(input: NewClient): Promise<ClientWithSecret> {
    return this.call('/clients', { method: 'POST', body: input });
  }

  getClient(clientId: string): Promise<ClientView> {
    return this.call(`/clients/${segment(clientId)}`);
  }

  updateClient(clientId: string, changes: ClientChanges, expectedRevision: number): Promise<ClientWithSecret> {
    return this.call(`/clients/${segment(clientId)}`, { method: 'PATCH', body: changes, ifMatch: expectedRevision });
  }

  async deleteClient(clientId: string, expectedRevision?: number): Promise<void> {
    await this.call(`/clients/${segment(clientId)}`, { method: 'DELETE', ...(expectedRevision === undefined ? {} : { ifMatch: expectedRevision }) });
  }

  regenerateSecret(clientId: string, expectedRevision?: number): Promise<NewSecret> {
    const ifMatch = expectedRevision === undefined ? {} : { ifMatch: expectedRevision };
    return this.call(`/clients/${segment(clientId)}/secret`, { method: 'POST', body: {}, ...ifMatch });
  }

  clientActivity(clientId: string, limit?: number): Promise<{ items: ActivityEntry[] }> {
    return this.call(`/clients/${segment(clientId)}/activity`, { query: { limit } });
  }

  listKeys(): Promise<{ items: KeyView[] }> {
    return this.call('/keys');
  }

  rotateKeys(request: RotateKeys): Promise<{ items: KeyView[] }> {
    return this.call('/keys/rotate', { method: 'POST', body: request });
  }

  retireKey(kid: string, request: RetireKey): Promise<{ items: KeyView[] }> {
    return this.call(`/keys/${segment(kid)}/retire`, { method: 'POST', body: request });
  }

  listGrants(query: GrantQuery): Promise<Page<GrantView>> {
    const { subject, client_id, active, limit, cursor } = query;
    return this.call('/grants', { query: { subject, client_id, active, limit, cursor } });
  }

  revokeGrant(grantId: string): Promise<GrantView> {
    return this.call(`/grants/${segment(grantId)}/revoke`, { method: 'POST', body: {} });
  }

  revokeSubjectGrants(subject: string): Promise<RevokedGrants> {
    return this.call('/grants/revoke-all', { method: 'POST', body: { subject } });
  }

  forgetSubject(subject: string): Promise<ForgottenSubject> {
    return this.call('/subjects/forget', { method: 'POST', body: { subject } });
  }

  listAccounts(query: AccountQuery): Promise<Page<AdminAccount>> {
    return this.call('/accounts', { query: { limit: query.limit, cursor: query.cursor } });
  }

  getAccount(account: string): Promise<AdminAccount> {
    return this.call(`/accounts/${segment(account)}`);
  }

  createAccount(input: NewAccount): Promise<CreatedAccount> {
    return this.call('/accounts', { method: 'POST', body: input });
  }

  updateAccount(account: string, changes: AccountChanges, expectedRevision: number): Promise<AdminAccount> {
    return this.call(`/accounts/${segment(account)}`, { method: 'PATCH', body: changes, ifMatch: expectedRevision });
  }

  disableAccount(account: string, reason?: string): Promise<AdminAccount> {
    return this.call(`/accounts/${segment(account)}/disable`, { method: 'POST', body: reason === undefined ? {} : { reason } });
  }

  enableAccount(account: string): Promise<AdminAccount> {
    return this.call(`/accounts/${segment(account)}/enable`, { method: 'POST', body: {} });
  }

  issueSetupLink(account: string): Promise<AccountSetupLink> {
    return this.call(`/accounts/${segment(account)}/setup-link`, { method: 'POST', body: {} });
  }

  removePasskey(account: string, credentialId: string): Promise<AdminAccount> {
    return this.call(`/accounts/${segment(account)}/passkeys/${segment(credentialId)}`, { method: 'DELETE' });
  }

  removePassword(account: string): Promise<AdminAccount> {
    return this.call(`/accounts/${segment(account)}/password`, { method: 'DELETE' });
  }

  removeTotp(account: string): Promise<AdminAccount> {
    return this.call(`/accounts/${segment(account)}/totp`, { method: 'DELETE' });
  }

  deleteAccount(account: string): Promise<DeletedAccount> {
    return this.call(`/accounts/${segment(account)}`, { method: 'DELETE' });
  }

  createInitialAccessToken(request: NewInitialAccessToken): Promise<InitialAccessTokenIssued> {
    return this.call('/initial-access-tokens', { method: 'POST', body: request });
  }

  revokeInitialAccessToken(tokenId: string): Promise<{ token_id: string; revoked: boolean; already_revoked: boolean }> {
    return this.call(`/initial-access-tokens/${segment(tokenId)}/revoke`, { method: 'POST', body: {} });
  }

  private async call<T>(path: string, { method = 'GET', query = {}, body, ifMatch }: Call = {}): Promise<T> {
    const url = joinUrl(this.base, `/api/v1${path}`);
    for (const [name, value] of Object.entries(query)) if (value !== undefined) url.searchParams.set(name, String(value));
    const headers: Record<string, string> = { accept: 'application/json', authorization: `Bearer ${await this.token()}` };
    if (body !== undefined) headers['content-type'] = 'application/json';
    if (ifMatch !== undefined) headers['if-match'] = `"${ifMatch}"`;
    const init: RequestInit = { method, headers, ...(body === undefined ? {} : { body: JSON.stringify(body) }) };
    const response = await send(this.fetchImpl, url, init, this.shownUrl);
    if (!response.ok) throw await errorFromResponse(response, this.shownUrl);
    if (response.status === 204) return undefined as T;
    return (await readJson(response, this.shownUrl)) as T;
  }
}
