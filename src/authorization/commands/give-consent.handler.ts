import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { EVENT_STORE, type EventStore } from '#event-store';
import { Clock } from '../../common/clock.js';
import { commandMetadata } from '../../common/event-sourcing/aggregate-stream.js';
import { ConsentRecords } from '../consent-records.js';
import { CONSENT_GIVEN, type ConsentGiven } from '../domain/consent.events.js';
import { GiveConsentCommand } from './give-consent.command.js';

@CommandHandler(GiveConsentCommand)
export class GiveConsentHandler implements ICommandHandler<GiveConsentCommand> {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    private readonly records: ConsentRecords,
    private readonly clock: Clock,
  ) {}

  /** Appended at `any`: consents decide nothing concurrently, the last one given is the one that holds. */
  async execute({ subject, clientId, scope, context }: GiveConsentCommand) {
    const data: ConsentGiven = { clientId, scope: [...scope], givenAt: this.clock.now() };
    const { position } = await this.store.append(this.records.streamOf(subject), [{ type: CONSENT_GIVEN, data, metadata: commandMetadata(context) }], 'any');
    return { position };
  }
}
