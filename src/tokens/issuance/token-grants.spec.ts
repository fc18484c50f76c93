import { beforeEach, describe, expect, it } from '@jest/globals';
import type { CommandBus } from '@nestjs/cqrs';
import { randomBytes } from 'node:crypto';
import { MemoryEventStore } from '#event-store';
import { IssueAuthorizationCodeCommand } from '../../authorization/commands/issue-authorization-code.command.js';
import { IssueAuthorizationCodeHandler } from '../../authorization/commands/issue-authorization-code.handler.js';
import { RedeemAuthorizationCodeCommand } from '../../authorization/commands/redeem-authorization-code.command.js';
import { RedeemAuthorizationCodeHandler } from '../../authorization/commands/redeem-authorization-code.handler.js';
import { validateClientMetadata } from '../../clients/domain/client-metadata.js';
import type { RegisteredClient } from '../../clients/read-model/client-directory.js';
import { FixedClock } from '../../common/clock.js';
import { OAuthError } from '../../common/http/oauth-error.js';
import { SecretHasher } from '../../crypto/secret-hasher.js';
import type { FormParameters } from '../http/form-parameters.js';
import { issuesRefreshToken, refreshPolicyOf } from './refresh-policy.js';
import { TokenGrants } from './token-grants.service.js';
import type { TokenResponseBuilder } from './token-response.js';
import type { PolicyService } from '../../policy/policy.service.js';
import { MeshidConfig } from '../../config/meshid-config.js';

/** The default lifetime of an authorization code. */
const CODE_LIFETIME_MS = new MeshidConfig().authorizationCodeLifetime * 1000;

const hasher = new SecretHasher({ pepper: randomBytes(32), kek: { id: 'k', key: randomBytes(32) } });
const context = { actor: 'test', correlationId: 'c' };
const form = (values: Record<string, string>): FormParameters => ({ get: (name) => values[name], all: () => [] });
const metadata = (input: Record<string, unknown>) => {
  const result = validateClientMetadata({ client_name: 'RP', redirect_uris: ['https://rp.example/cb'], ...input });
  if (!result.ok) throw new Error(JSON.stringify(result.errors));
  return result.metadata;
};

describe('the authorization_code grant', () => {
  let clock: FixedClock;
  let store: MemoryEventStore;
  let grants: TokenGrants;
  let executed: string[];
  const client = { clientId: 'rp', metadata: metadata({}), confidential: true } as RegisteredClient;

  beforeEach(() => {
    clock = new FixedClock(Date.UTC(2026, 0, 1));
    store = new MemoryEventStore();
    executed = [];
    const redeem = new RedeemAuthorizationCodeHandler(store, hasher, clock);
    const bus = {
      execute: async (command: object) => {
        executed.push(command.constructor.name);
        if (command instanceof RedeemAuthorizationCodeCommand) return redeem.execute(command);
        throw new Error(`unexpected ${command.constructor.name}`);
      },
    } as unknown as CommandBus;
    grants = new TokenGrants(bus, {} as TokenResponseBuilder, {} as PolicyService, new MeshidConfig());
  });

  const issue = async () => {
    const request = { clientId: 'rp', redirectUri: 'https://rp.example/cb', scope: ['openid'], subject: 's', claims: {}, authTime: 1 };
    return (await new IssueAuthorizationCodeHandler(store, hasher, clock, new MeshidConfig()).execute(new IssueAuthorizationCodeCommand(request, context))).code;
  };

  it('refuses an expired code with invalid_grant and records no grant', async () => {
    const code = await issue();
    clock.advance(CODE_LIFETIME_MS + 1);
    const attempt = grants.authorizationCode(client, form({ code, redirect_uri: 'https://rp.example/cb' }), context);
    await expect(attempt).rejects.toBeInstanceOf(OAuthError);
    await expect(attempt).rejects.toMatchObject({ error: 'invalid_grant', description: 'the authorization code has expired' });
    expect(executed).toEqual(['RedeemAuthorizationCodeCommand']);
  });

  it('refuses a client that must use PKCE and sent no verifier before touching the code', async () => {
    const publicClient = { clientId: 'rp', metadata: metadata({ token_endpoint_auth_method: 'none' }), confidential: false } as RegisteredClient;
    await expect(grants.authorizationCode(publicClient, form({ code: 'x' }), context)).rejects.toMatchObject({ error: 'invalid_grant' });
    await expect(grants.authorizationCode(client, form({}), context)).rejects.toMatchObject({ error: 'invalid_request' });
    expect(executed).toEqual([]);
  });
});

describe('refresh policy', () => {
  it('issues a refresh token only for offline_access to a client registered for refresh_token', () => {
    expect(issuesRefreshToken(metadata({}), ['openid', 'offline_access'])).toBe(true);
    expect(issuesRefreshToken(metadata({}), ['openid'])).toBe(false);
    expect(issuesRefreshToken(metadata({ grant_types: ['authorization_code'] }), ['openid', 'offline_access'])).toBe(false);
  });

  it('maps rotation to an immediate revocation on replay, and no rotation to a refusal without revocation', () => {
    expect(refreshPolicyOf(metadata({ refresh_token_ttl_seconds: 3600 }), 0)).toEqual({ ttlMs: 3_600_000, reuseGraceMs: 0 });
    expect(refreshPolicyOf(metadata({ refresh_token_ttl_seconds: 3600 }), 10)).toEqual({ ttlMs: 3_600_000, reuseGraceMs: 10_000 });
    expect(refreshPolicyOf(metadata({ refresh_token_ttl_seconds: 3600, refresh_token_rotation: false }), 10)).toEqual({ ttlMs: 3_600_000, reuseGraceMs: 3_600_000 });
  });
});
