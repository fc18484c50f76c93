import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { EVENT_STORE, type EventStore } from '#event-store';
import { Clock } from '../../common/clock.js';
import { appendDecision } from '../../common/event-sourcing/aggregate-stream.js';
import { MeshidConfig } from '../../config/meshid-config.js';
import { SecretHasher } from '../../crypto/secret-hasher.js';
import {
  AUTHORIZATION_CODE_ISSUED,
  type AuthorizationCodeIssued,
  authorizationCodeStream,
} from '../domain/authorization-code.events.js';
import { IssueAuthorizationCodeCommand, type IssuedAuthorizationCode } from './issue-authorization-code.command.js';

@CommandHandler(IssueAuthorizationCodeCommand)
export class IssueAuthorizationCodeHandler implements ICommandHandler<IssueAuthorizationCodeCommand> {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    private readonly hasher: SecretHasher,
    private readonly clock: Clock,
    @Inject(MeshidConfig) private readonly config: MeshidConfig,
  ) {}

  /** One event per code, in a stream of its own created with `no_stream`. */
  async execute({ request, context }: IssueAuthorizationCodeCommand): Promise<IssuedAuthorizationCode> {
    const code = SecretHasher.generate();
    const expiresAt = this.clock.now() + this.config.authorizationCodeLifetime * 1000;
    const data: AuthorizationCodeIssued = {
      clientId: request.clientId,
      redirectUri: request.redirectUri,
      scope: request.scope,
      subject: request.subject,
      claims: request.claims,
      authTime: request.authTime,
      expiresAt,
      nonce: request.nonce ?? null,
      codeChallenge: request.codeChallenge ?? null,
      codeChallengeMethod: request.codeChallenge ? (request.codeChallengeMethod ?? 'S256') : null,
      sessionId: request.sessionId ?? null,
      ...(request.identity !== undefined ? { identity: request.identity } : {}),
      ...(request.resources !== undefined && request.resources.length > 0 ? { resources: request.resources } : {}),
    };
    const stream = authorizationCodeStream(this.hasher.digest(code));
    const { position } = await appendDecision(this.store, stream, { revision: undefined }, [{ type: AUTHORIZATION_CODE_ISSUED, data }], context);
    return { code, expiresAt, position };
  }
}
