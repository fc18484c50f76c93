import { Injectable } from '@nestjs/common';
import type { CommandContext } from '../../common/event-sourcing/aggregate-stream.js';
import type { AdminApi, Principal } from '../api/admin-api.js';
import { AccountsAdmin } from './accounts-admin.js';
import { refusalsAsAdminErrors as refusals } from './admin-errors.js';
import { ClientActivity } from './client-activity.js';
import { ClientsAdmin } from './clients-admin.js';
import { GrantsAdmin } from './grants-admin.js';
import { InitialTokensAdmin } from './initial-tokens-admin.js';
import { KeysAdmin } from './keys-admin.js';
import { SubjectsAdmin } from './subjects-admin.js';

/** Who is acting, for the event metadata, apart from the principal itself. */
export interface RequestContext {
  correlationId: string;
  ip?: string;
}

/**
 * Every admin action, for one caller. The HTTP controllers and the offline CLI both act through
 * `forActor`, so an action is authorized, validated, recorded (the principal's `actor` in the
 * metadata of every event it appends) and refused the same way wherever it comes from. The
 * caller is assumed authorized: AdminAccess decides that before anything here runs.
 */
@Injectable()
export class AdminService {
  constructor(
    private readonly clients: ClientsAdmin,
    private readonly activity: ClientActivity,
    private readonly keys: KeysAdmin,
    private readonly grants: GrantsAdmin,
    private readonly initialTokens: InitialTokensAdmin,
    private readonly subjects: SubjectsAdmin,
    private readonly accounts: AccountsAdmin,
  ) {}

  forActor(principal: Principal, request: RequestContext): AdminApi {
    const context: CommandContext = { actor: principal.actor, correlationId: request.correlationId, ...(request.ip !== undefined ? { ip: request.ip } : {}) };
    const { clients, activity, keys, grants, initialTokens, subjects, accounts } = this;
    return {
      whoami: async () => principal,
      listClients: (query) => refusals(async () => clients.list(query)),
      createClient: (input) => refusals(() => clients.create(input, context)),
      getClient: (clientId) => refusals(async () => clients.get(clientId)),
      updateClient: (clientId, changes, revision) => refusals(() => clients.update(clientId, changes, revision, context)),
      deleteClient: (clientId, revision) => refusals(() => clients.remove(clientId, revision, context)),
      regenerateSecret: (clientId, revision) => refusals(() => clients.regenerateSecret(clientId, revision, context)),
      clientActivity: (clientId, limit) => refusals(() => activity.of(clientId, limit)),
      listKeys: () => refusals(async () => keys.list()),
      rotateKeys: (request) => refusals(() => keys.rotate(request, context)),
      retireKey: (kid, request) => refusals(() => keys.retire(kid, request, context)),
      listGrants: (query) => refusals(async () => grants.list(query)),
      revokeGrant: (grantId) => refusals(() => grants.revoke(grantId, context)),
      revokeSubjectGrants: (subject) => refusals(() => grants.revokeAllOf(subject, context)),
      forgetSubject: (subject) => refusals(() => subjects.forget(subject, context)),
      listAccounts: (query) => refusals(() => accounts.list(query)),
      getAccount: (account) => refusals(() => accounts.get(account)),
      createAccount: (input) => refusals(() => accounts.create(input, context)),
      updateAccount: (account, changes, revision) => refusals(() => accounts.update(account, changes, revision, context)),
      disableAccount: (account, reason) => refusals(() => accounts.disable(account, reason, context)),
      enableAccount: (account) => refusals(() => accounts.enable(account, context)),
      issueSetupLink: (account) => refusals(() => accounts.setupLink(account, context)),
      removePasskey: (account, credentialId) => refusals(() => accounts.removePasskey(account, credentialId, context)),
      removePassword: (account) => refusals(() => accounts.removePassword(account, context)),
      removeTotp: (account) => refusals(() => accounts.removeTotp(account, context)),
      deleteAccount: (account) => refusals(() => accounts.remove(account, context)),
      createInitialAccessToken: (request) => refusals(() => initialTokens.create(request, context)),
      revokeInitialAccessToken: (tokenId) => refusals(() => initialTokens.revoke(tokenId, context)),
    };
  }
}
