import { randomBytes } from 'node:crypto';
import type { Command } from '@nestjs/cqrs';
import { MemoryEventStore, type RecordedEvent } from '#event-store';
import { defaultMigrationsDir, openReadModelDatabase, ProjectionRunner } from '#projections';
import { FixedClock } from '../../common/clock.js';
import type { ServerSecrets } from '../../config/data-directory.js';
import { MeshidConfig } from '../../config/meshid-config.js';
import { KeyEncryption } from '../../crypto/key-encryption.js';
import { SecretHasher } from '../../crypto/secret-hasher.js';
import { PersonalDataKeys } from '../../storage/personal-data/personal-data-keys.js';
import { PersonalDataStore } from '../../storage/personal-data/personal-data-store.js';
import { IssueBootstrapLinkHandler } from '../bootstrap/issue-bootstrap-link.handler.js';
import { AccountCreator } from '../commands/account-creation.js';
import { AddPasskeyHandler, RemovePasskeyHandler } from '../commands/add-passkey.handler.js';
import { CompleteAccountSetupHandler } from '../commands/complete-account-setup.handler.js';
import { CompleteBootstrapHandler } from '../commands/complete-bootstrap.handler.js';
import { CreateAccountHandler } from '../commands/create-account.handler.js';
import { DeleteAccountHandler } from '../commands/delete-account.handler.js';
import { DisableAccountHandler, EnableAccountHandler } from '../commands/disable-account.handler.js';
import { EnrolTotpHandler, RemoveTotpHandler } from '../commands/enrol-totp.handler.js';
import { ForgetSubjectHandler } from '../commands/forget-subject.handler.js';
import { IssueSetupLinkHandler } from '../commands/issue-setup-link.handler.js';
import { LoginNameClaims } from '../commands/login-name-claims.js';
import { RemovePasswordHandler, SetPasswordHandler } from '../commands/set-password.handler.js';
import { UpdateAccountHandler } from '../commands/update-account.handler.js';
import { PasskeyRelyingParty } from '../credentials/passkey-relying-party.js';
import { TotpSecrets } from '../credentials/totp-enrolments.js';
import { WebauthnChallenges } from '../credentials/webauthn-challenges.js';
import { AccountDirectory } from '../read-model/account-directory.js';
import { AccountsProjection } from '../read-model/accounts.projection.js';
import { AccountSetupLinks } from '../setup/account-setup-links.js';
import { AccountSignIn } from '../sign-in/account-sign-in.js';
import { LoginTrail } from '../sign-in/login-trail.js';
import { SignInAttempts } from '../sign-in/sign-in-attempts.js';

export const ISSUER = 'http://localhost:8080';
export const context = { actor: 'admin@example.com', correlationId: 'corr-1' };

/** A 2026 instant on a 30-second boundary, for TOTP tests. */
export const T0 = Date.UTC(2026, 0, 1);

interface Executable<R> {
  execute(command: never): Promise<R>;
}

/**
 * TEST-ONLY: the accounts module wired by hand over a memory store (with personal data sealed,
 * as the server's EVENT_STORE does), a read-model database in memory and a clock that moves
 * only when told. `run(command)` plays the CommandBus. Call `close()` after.
 */
export function accountsHarness(now = T0) {
  const secrets: ServerSecrets = { pepper: randomBytes(32), kek: { id: 'kek-test', key: randomBytes(32) } };
  const raw = new MemoryEventStore();
  const hasher = new SecretHasher(secrets);
  const encryption = new KeyEncryption(secrets);
  const keys = new PersonalDataKeys(raw, hasher, encryption);
  const store = new PersonalDataStore(raw, keys);
  const clock = new FixedClock(now);
  const config = Object.assign(new MeshidConfig(), { issuer: ISSUER, identity: ['account'] });
  const readModels = openReadModelDatabase(':memory:', { migrationsDir: defaultMigrationsDir() });
  const directory = new AccountDirectory(readModels);
  const runner = new ProjectionRunner(store, readModels.db, [new AccountsProjection()]);
  const claims = new LoginNameClaims(store, hasher);
  const creator = new AccountCreator(store, claims, clock);
  const totp = new TotpSecrets(encryption, hasher, clock, config);
  const challenges = new WebauthnChallenges(hasher, clock);
  const passkeys = new PasskeyRelyingParty(config, challenges);
  const trail = new LoginTrail(store, clock);
  const attempts = new SignInAttempts(store, trail, clock);
  const signIn = new AccountSignIn(store, directory, passkeys, totp, attempts, clock);
  const setupLinks = new AccountSetupLinks(store, hasher, clock);
  const handlers: Array<Executable<unknown>> = [
    new CreateAccountHandler(creator),
    new UpdateAccountHandler(store),
    new DisableAccountHandler(store),
    new EnableAccountHandler(store),
    new DeleteAccountHandler(store, claims),
    new SetPasswordHandler(store),
    new RemovePasswordHandler(store),
    new AddPasskeyHandler(store, clock),
    new RemovePasskeyHandler(store),
    new EnrolTotpHandler(store, totp, clock),
    new RemoveTotpHandler(store),
    new IssueSetupLinkHandler(store, hasher, clock, config),
    new CompleteAccountSetupHandler(store, hasher, clock),
    new CompleteBootstrapHandler(store, creator, hasher, clock),
    new IssueBootstrapLinkHandler(store, hasher, clock, config),
    new ForgetSubjectHandler(keys, clock),
  ];
  const byCommand = new Map<string, Executable<unknown>>(handlers.map((handler) => [handler.constructor.name.replace(/Handler$/, 'Command'), handler]));
  /** Plays the CommandBus: the handler named like the command. */
  async function run<R>(command: Command<R>): Promise<R> {
    const handler = byCommand.get(command.constructor.name);
    if (handler === undefined) throw new Error(`no handler for ${command.constructor.name}`);
    return (await handler.execute(command as never)) as R;
  }
  async function events(stream: string, fromRaw = false): Promise<RecordedEvent[]> {
    const all: RecordedEvent[] = [];
    for await (const event of (fromRaw ? raw : store).readStream(stream)) all.push(event);
    return all;
  }
  async function caughtUp(): Promise<void> {
    for await (const head of raw.readAll({ direction: 'backwards', maxCount: 1 })) await runner.waitFor(head.position, 2000);
  }
  async function close(): Promise<void> {
    await runner.stop();
    readModels.close();
    await raw.close();
  }
  return { raw, store, hasher, encryption, keys, clock, config, readModels, directory, runner, claims, creator, totp, challenges, passkeys, trail, attempts, signIn, setupLinks, run, events, caughtUp, close };
}

export type AccountsHarness = ReturnType<typeof accountsHarness>;
