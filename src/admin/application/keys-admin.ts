import { Injectable } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { Clock } from '../../common/clock.js';
import type { CommandContext } from '../../common/event-sourcing/aggregate-stream.js';
import type { SigningKeysOutcome } from '../../keys/commands/signing-keys.writer.js';
import { RetireSigningKeyCommand } from '../../keys/commands/retire-signing-key.command.js';
import { RotateSigningKeysCommand } from '../../keys/commands/rotate-signing-keys.command.js';
import { SIGNING_ALGS } from '../../keys/domain/signing-keys.events.js';
import { SigningKeysQuery } from '../../keys/read-model/signing-keys.query.js';
import type { KeyView, RetireKey, RotateKeys } from '../api/admin-api.js';
import { ReadYourWrites } from './read-your-writes.js';
import { keyView } from './views.js';

const KEYS_PROJECTIONS = ['signing-keys'] as const;

/** Signing-key administration: list, rotate now, retire one key. */
@Injectable()
export class KeysAdmin {
  constructor(
    private readonly commands: CommandBus,
    private readonly query: SigningKeysQuery,
    private readonly settled: ReadYourWrites,
    private readonly clock: Clock,
  ) {}

  list(): { items: KeyView[] } {
    const now = this.clock.now();
    return { items: this.query.list().map((row) => keyView(row, now)) };
  }

  async rotate(request: RotateKeys, context: CommandContext): Promise<{ items: KeyView[] }> {
    const algs = request.algs !== undefined && request.algs.length > 0 ? [...new Set(request.algs)] : SIGNING_ALGS;
    return this.touched(await this.commands.execute(new RotateSigningKeysCommand(algs, request.immediate === true, context)));
  }

  async retire(kid: string, request: RetireKey, context: CommandContext): Promise<{ items: KeyView[] }> {
    return this.touched(await this.commands.execute(new RetireSigningKeyCommand({ kid, unpublishNow: request.unpublish_now === true }, context)));
  }

  /** The keys an outcome generated, activated or retired, as the read model has them once it applied them. */
  private async touched(outcome: SigningKeysOutcome): Promise<{ items: KeyView[] }> {
    await this.settled.settle(outcome.position, KEYS_PROJECTIONS);
    const kids = new Set(outcome.appended.map((event) => event.data.kid));
    return { items: this.list().items.filter((key) => kids.has(key.kid)) };
  }
}
