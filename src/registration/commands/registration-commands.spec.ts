import { afterEach, describe, expect, it } from '@jest/globals';
import { randomBytes } from 'node:crypto';
import type { CommandBus } from '@nestjs/cqrs';
import { MemoryEventStore, type RecordedEvent } from '#event-store';
import { CreateClientCommand } from '../../clients/commands/create-client.command.js';
import { CreateClientHandler } from '../../clients/commands/create-client.handler.js';
import { InvalidClientMetadataError } from '../../clients/domain/client.errors.js';
import { FixedClock } from '../../common/clock.js';
import { SecretHasher } from '../../crypto/secret-hasher.js';
import { initialAccessTokenStream } from '../domain/initial-access-token.js';
import { InitialAccessTokenNotFoundError, InvalidInitialAccessTokenError, InvalidInitialAccessTokenOptionsError } from '../domain/initial-access-token.errors.js';
import { InvalidRegistrationRequestError } from '../domain/registration.errors.js';
import { IssueInitialAccessTokenCommand } from './issue-initial-access-token.command.js';
import { IssueInitialAccessTokenHandler } from './issue-initial-access-token.handler.js';
import { RegisterClientCommand } from './register-client.command.js';
import { RegisterClientHandler } from './register-client.handler.js';
import { RevokeInitialAccessTokenCommand } from './revoke-initial-access-token.command.js';
import { RevokeInitialAccessTokenHandler } from './revoke-initial-access-token.handler.js';

const context = { actor: 'cli:admin', correlationId: 'corr-1' };
const origin = { correlationId: 'req-1', ip: '127.0.0.1' };
const body = { redirect_uris: ['https://app.example.com/cb'] };
const HOUR = 3_600_000;
const stores: MemoryEventStore[] = [];
afterEach(async () => {
  for (const store of stores.splice(0)) await store.close();
});

function setup() {
  const store = new MemoryEventStore();
  stores.push(store);
  const hasher = new SecretHasher({ pepper: randomBytes(32), kek: { id: 'kek-test', key: randomBytes(32) } });
  const clock = new FixedClock(1_000_000);
  const create = new CreateClientHandler(store, hasher);
  const bus = { execute: (command: CreateClientCommand) => create.execute(command) } as unknown as CommandBus;
  const issue = new IssueInitialAccessTokenHandler(store, hasher, clock);
  const revoke = new RevokeInitialAccessTokenHandler(store);
  const register = new RegisterClientHandler(store, hasher, clock, bus);
  const events = async (stream: string) => {
    const all: RecordedEvent[] = [];
    for await (const event of store.readStream(stream)) all.push(event);
    return all;
  };
  const withToken = (token: string, request: unknown = body) => register.execute(new RegisterClientCommand(request, { kind: 'initial-access-token', token }, origin));
  return { store, hasher, clock, issue, revoke, register, events, withToken };
}

describe('IssueInitialAccessTokenCommand', () => {
  it('stores the digest, the expiry and the uses, never the token', async () => {
    const { issue, events, hasher } = setup();
    const result = await issue.execute(new IssueInitialAccessTokenCommand({ maxUses: 3, lifetimeMs: HOUR, description: ' for grafana ' }, context));
    expect(result).toMatchObject({ maxUses: 3, expiresAt: 1_000_000 + HOUR, description: 'for grafana' });
    const [issued] = await events(initialAccessTokenStream(result.tokenId));
    expect(issued).toMatchObject({ type: 'InitialAccessTokenIssued', data: { tokenId: result.tokenId, maxUses: 3, expiresAt: 1_000_000 + HOUR }, metadata: { actor: 'cli:admin' } });
    expect(hasher.matches(result.token.split('.')[1]!, issued!.data['digest'] as string)).toBe(true);
    expect(JSON.stringify([issued!.data, issued!.metadata])).not.toContain(result.token.split('.')[1]);
  });

  it.each([
    [{ maxUses: 0, lifetimeMs: HOUR }, 'uses'],
    [{ maxUses: 1001, lifetimeMs: HOUR }, 'uses'],
    [{ maxUses: 1.5, lifetimeMs: HOUR }, 'uses'],
    [{ maxUses: 1, lifetimeMs: 59_999 }, 'expires-in'],
    [{ maxUses: 1, lifetimeMs: 91 * 24 * HOUR }, 'expires-in'],
    [{ maxUses: 1, lifetimeMs: HOUR, description: 'a\nb' }, 'description'],
  ])('refuses %j, naming %s', async (options, option) => {
    const { issue } = setup();
    await expect(issue.execute(new IssueInitialAccessTokenCommand(options, context))).rejects.toThrow(new RegExp(`^${option}:`));
    await expect(issue.execute(new IssueInitialAccessTokenCommand(options, context))).rejects.toThrow(InvalidInitialAccessTokenOptionsError);
  });
});

describe('RegisterClientCommand', () => {
  it('registers with a registration access token, consuming one use recorded with the client id', async () => {
    const { issue, withToken, events } = setup();
    const { token, tokenId } = await issue.execute(new IssueInitialAccessTokenCommand({ maxUses: 2, lifetimeMs: HOUR }, context));
    const first = await withToken(token);
    expect(first).toMatchObject({ actor: `initial-access-token:${tokenId}`, registrationAccessToken: expect.any(String), clientSecret: expect.any(String) });
    const [registered] = await events(`client-${first.clientId}`);
    expect(registered!.metadata).toMatchObject({ actor: `initial-access-token:${tokenId}`, correlationId: 'req-1', ip: '127.0.0.1' });
    await withToken(token);
    await expect(withToken(token)).rejects.toEqual(new InvalidInitialAccessTokenError('used-up'));
    const uses = (await events(initialAccessTokenStream(tokenId))).filter((e) => e.type === 'InitialAccessTokenUsed');
    expect(uses.map((e) => e.data['clientId'])).toEqual([first.clientId, expect.any(String)]);
  });

  it('of concurrent registrations, no more succeed than the token has uses', async () => {
    const { issue, withToken, events } = setup();
    const { token, tokenId } = await issue.execute(new IssueInitialAccessTokenCommand({ maxUses: 2, lifetimeMs: HOUR }, context));
    const results = await Promise.allSettled(Array.from({ length: 6 }, () => withToken(token)));
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(2);
    for (const refused of results.filter((r) => r.status === 'rejected')) expect(refused.reason).toEqual(new InvalidInitialAccessTokenError('used-up'));
    expect((await events(initialAccessTokenStream(tokenId))).filter((e) => e.type === 'InitialAccessTokenUsed')).toHaveLength(2);
  });

  it('does not consume the token for invalid metadata or a body that is not an object', async () => {
    const { issue, withToken, events } = setup();
    const { token, tokenId } = await issue.execute(new IssueInitialAccessTokenCommand({ maxUses: 1, lifetimeMs: HOUR }, context));
    await expect(withToken(token, { redirect_uris: ['javascript:x'] })).rejects.toThrow(InvalidClientMetadataError);
    await expect(withToken(token, [body])).rejects.toThrow(InvalidRegistrationRequestError);
    expect(await events(initialAccessTokenStream(tokenId))).toHaveLength(1);
    await expect(withToken(token)).resolves.toMatchObject({ clientId: expect.any(String) });
  });

  it('checks the token before the metadata: a bad token with bad metadata is a token error', async () => {
    const { withToken } = setup();
    await expect(withToken('nope', 'not even an object')).rejects.toEqual(new InvalidInitialAccessTokenError('malformed'));
  });

  it('refuses expired and revoked tokens', async () => {
    const { issue, revoke, withToken, clock } = setup();
    const expiring = await issue.execute(new IssueInitialAccessTokenCommand({ maxUses: 5, lifetimeMs: HOUR }, context));
    const revoked = await issue.execute(new IssueInitialAccessTokenCommand({ maxUses: 5, lifetimeMs: 2 * HOUR }, context));
    expect(await revoke.execute(new RevokeInitialAccessTokenCommand(revoked.tokenId, context))).toMatchObject({ revoked: true });
    expect(await revoke.execute(new RevokeInitialAccessTokenCommand(revoked.tokenId, context))).toMatchObject({ revoked: false, position: null });
    await expect(withToken(revoked.token)).rejects.toEqual(new InvalidInitialAccessTokenError('revoked'));
    await withToken(expiring.token);
    clock.advance(HOUR);
    await expect(withToken(expiring.token)).rejects.toEqual(new InvalidInitialAccessTokenError('expired'));
  });

  it('registers for an identity without any token, recording its subject', async () => {
    const { register, events } = setup();
    const result = await register.execute(new RegisterClientCommand(body, { kind: 'identity', subject: 'dev:alice@example.com' }, origin));
    const [registered] = await events(`client-${result.clientId}`);
    expect(registered!.metadata['actor']).toBe('dev:alice@example.com');
    expect(registered!.data['registrationTokenDigest']).toEqual(expect.any(String));
  });
});

describe('RevokeInitialAccessTokenCommand', () => {
  it('refuses unknown and malformed ids', async () => {
    const { revoke } = setup();
    await expect(revoke.execute(new RevokeInitialAccessTokenCommand('AAAAAAAAAAAAAAAAAAAAAA', context))).rejects.toThrow(InitialAccessTokenNotFoundError);
    await expect(revoke.execute(new RevokeInitialAccessTokenCommand('../x', context))).rejects.toThrow('unknown initial access token "../x"');
  });
});
