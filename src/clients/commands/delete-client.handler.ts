import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { EVENT_STORE, type EventStore } from '#event-store';
import { ClientEventType } from '../domain/client.events.js';
import { appendClientEvents, type ClientCommandResult, loadActiveClient } from './client-stream.js';
import { DeleteClientCommand } from './delete-client.command.js';

@CommandHandler(DeleteClientCommand)
export class DeleteClientHandler implements ICommandHandler<DeleteClientCommand> {
  constructor(@Inject(EVENT_STORE) private readonly store: EventStore) {}

  async execute({ clientId, context, expectedRevision }: DeleteClientCommand): Promise<ClientCommandResult> {
    const { revision } = await loadActiveClient(this.store, clientId, expectedRevision);
    return appendClientEvents(this.store, clientId, revision, [{ type: ClientEventType.Deleted, data: { clientId } }], context);
  }
}
