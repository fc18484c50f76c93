import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { EVENT_STORE, type EventStore } from '#event-store';
import { Clock } from '../../common/clock.js';
import { MeshidConfig } from '../../config/meshid-config.js';
import { SecretHasher } from '../../crypto/secret-hasher.js';
import { SETUP_LINK_ISSUED, type SetupLinkIssued } from '../domain/account.events.js';
import { newAccountSetupToken, SETUP_LINK_TTL_MS } from '../domain/setup-link-token.js';
import { setupUrl } from '../setup/setup-url.js';
import { appendAccountEvents, loadLiveAccount } from './account-stream.js';
import { type IssuedSetupLink, IssueSetupLinkCommand } from './issue-setup-link.command.js';

@CommandHandler(IssueSetupLinkCommand)
export class IssueSetupLinkHandler implements ICommandHandler<IssueSetupLinkCommand> {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    private readonly hasher: SecretHasher,
    private readonly clock: Clock,
    @Inject(MeshidConfig) private readonly config: MeshidConfig,
  ) {}

  async execute({ accountId, context }: IssueSetupLinkCommand): Promise<IssuedSetupLink> {
    const { revision } = await loadLiveAccount(this.store, accountId);
    const token = newAccountSetupToken(accountId);
    const data: SetupLinkIssued = { digest: this.hasher.digest(token), expiresAt: this.clock.now() + SETUP_LINK_TTL_MS };
    const result = await appendAccountEvents(this.store, accountId, revision, [{ type: SETUP_LINK_ISSUED, data }], context);
    return { url: setupUrl(this.config.issuer, token), expiresAt: data.expiresAt, position: result.position };
  }
}
