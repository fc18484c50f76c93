import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { EVENT_STORE, type EventStore } from '#event-store';
import { Clock } from '../../common/clock.js';
import { commandMetadata } from '../../common/event-sourcing/aggregate-stream.js';
import { MeshidConfig } from '../../config/meshid-config.js';
import { SecretHasher } from '../../crypto/secret-hasher.js';
import { ACCOUNTS_BOOTSTRAP_STREAM, BOOTSTRAP_LINK_ISSUED, type BootstrapLinkIssued } from '../domain/account.events.js';
import { BOOTSTRAP_LINK_TTL_MS, newBootstrapToken } from '../domain/setup-link-token.js';
import { setupUrl } from '../setup/setup-url.js';
import { IssueBootstrapLinkCommand, type IssuedBootstrapLink } from './issue-bootstrap-link.command.js';

/** Appends with `any`: issuing decides nothing (completion is the gate), so replicas starting together may each add one. */
@CommandHandler(IssueBootstrapLinkCommand)
export class IssueBootstrapLinkHandler implements ICommandHandler<IssueBootstrapLinkCommand> {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    private readonly hasher: SecretHasher,
    private readonly clock: Clock,
    @Inject(MeshidConfig) private readonly config: MeshidConfig,
  ) {}

  async execute({ context }: IssueBootstrapLinkCommand): Promise<IssuedBootstrapLink> {
    const token = newBootstrapToken();
    const data: BootstrapLinkIssued = { digest: this.hasher.digest(token), expiresAt: this.clock.now() + BOOTSTRAP_LINK_TTL_MS };
    await this.store.append(ACCOUNTS_BOOTSTRAP_STREAM, [{ type: BOOTSTRAP_LINK_ISSUED, data, metadata: commandMetadata(context) }], 'any');
    return { url: setupUrl(this.config.issuer, token), expiresAt: data.expiresAt };
  }
}
