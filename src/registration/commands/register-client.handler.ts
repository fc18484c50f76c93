import { Inject } from '@nestjs/common';
import { CommandBus, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { EVENT_STORE, type EventStore, WrongExpectedVersionError } from '#event-store';
import { CreateClientCommand } from '../../clients/commands/create-client.command.js';
import { generateClientId } from '../../clients/domain/client-id.js';
import { InvalidClientMetadataError } from '../../clients/domain/client.errors.js';
import { Clock } from '../../common/clock.js';
import { appendDecision, type CommandContext, type LoadedAggregate, loadAggregate } from '../../common/event-sourcing/aggregate-stream.js';
import { SecretHasher } from '../../crypto/secret-hasher.js';
import { initialAccessTokenStream, type InitialAccessTokenParts, parseInitialAccessToken } from '../domain/initial-access-token.js';
import { InvalidInitialAccessTokenError } from '../domain/initial-access-token.errors.js';
import { InitialAccessTokenEventType } from '../domain/initial-access-token.events.js';
import { parseRegistrationRequest } from '../domain/registration-request.js';
import { InvalidRegistrationRequestError } from '../domain/registration.errors.js';
import { checkInitialAccessToken, initialAccessTokenEvolver, type InitialAccessTokenState } from '../domain/initial-access-token.evolver.js';
import { RegisterClientCommand, type RegisterClientResult } from './register-client.command.js';

/** Races for one token's last uses are few (at most maxUses); this bound only guards against a broken store. */
const MAX_USE_ATTEMPTS = 20;

@CommandHandler(RegisterClientCommand)
export class RegisterClientHandler implements ICommandHandler<RegisterClientCommand> {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    private readonly hasher: SecretHasher,
    private readonly clock: Clock,
    private readonly commands: CommandBus,
  ) {}

  async execute({ request, authority, context: origin }: RegisterClientCommand): Promise<RegisterClientResult> {
    const token = authority.kind === 'initial-access-token' ? await this.checkToken(authority.token) : null;
    const actor = token === null ? (authority as { subject: string }).subject : `initial-access-token:${token.parts.tokenId}`;
    const context: CommandContext = { actor, ...origin };

    const parsed = parseRegistrationRequest(request);
    if (!parsed.ok && parsed.error === 'invalid_request') throw new InvalidRegistrationRequestError(parsed.description);
    if (!parsed.ok) throw new InvalidClientMetadataError(parsed.errors);

    const clientId = generateClientId();
    if (token !== null) await this.consume(token, clientId, context);
    const created = await this.commands.execute(new CreateClientCommand(parsed.input, context, clientId, undefined, { registrationAccessToken: true }));
    return { ...created, registrationAccessToken: created.registrationAccessToken!, actor };
  }

  /** The token's stream as loaded, if the token may authorize one more registration now. */
  private async checkToken(token: string): Promise<{ parts: InitialAccessTokenParts; loaded: LoadedAggregate<InitialAccessTokenState> }> {
    const parts = parseInitialAccessToken(token);
    if (parts === null) throw new InvalidInitialAccessTokenError('malformed');
    const loaded = await loadAggregate(this.store, initialAccessTokenStream(parts.tokenId), initialAccessTokenEvolver);
    this.decide(parts, loaded.state);
    return { parts, loaded };
  }

  private decide(parts: InitialAccessTokenParts, state: InitialAccessTokenState): void {
    const decision = checkInitialAccessToken(state, (digest) => this.hasher.matches(parts.secret, digest), this.clock.now());
    if (!decision.ok) throw new InvalidInitialAccessTokenError(decision.reason);
  }

  /**
   * Appends one use at the revision the decision was made on (the concurrency gate): of two
   * registrations racing for a token's last use, one appends, the other is refused by the store,
   * decides again on the new state (now used up) and is refused.
   */
  private async consume(token: { parts: InitialAccessTokenParts; loaded: LoadedAggregate<InitialAccessTokenState> }, clientId: string, context: CommandContext) {
    const stream = initialAccessTokenStream(token.parts.tokenId);
    let loaded = token.loaded;
    for (let attempt = 1; ; attempt++) {
      try {
        return await appendDecision(this.store, stream, loaded, [{ type: InitialAccessTokenEventType.Used, data: { clientId } }], context);
      } catch (error) {
        if (!(error instanceof WrongExpectedVersionError) || attempt >= MAX_USE_ATTEMPTS) throw error;
      }
      loaded = await loadAggregate(this.store, stream, initialAccessTokenEvolver, loaded);
      this.decide(token.parts, loaded.state);
    }
  }
}
