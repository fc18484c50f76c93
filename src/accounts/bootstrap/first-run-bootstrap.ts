import { randomUUID } from 'node:crypto';
import { Inject, Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { CommandBus } from '@nestjs/cqrs';
import { MeshidConfig } from '../../config/meshid-config.js';
import { ProjectionsService } from '../../storage/projections.service.js';
import { AccountDirectory } from '../read-model/account-directory.js';
import { IssueBootstrapLinkCommand } from './issue-bootstrap-link.command.js';

/** How long start waits for the accounts read model before deciding whether accounts exist. */
const CATCH_UP_TIMEOUT_MS = 30_000;

/**
 * First run: when the server starts with the `account` resolver configured and no account
 * exists, it issues a one-time bootstrap link and prints it, so that whoever runs meshid can
 * create the first administrator. Every such start prints a new link (older ones stay valid
 * until they expire; the first completion ends them all). An offline CLI application (no HTTP
 * adapter) never does: only the server's log is where an operator looks for it.
 */
@Injectable()
export class FirstRunBootstrap implements OnApplicationBootstrap {
  private readonly logger = new Logger('Accounts');

  constructor(
    private readonly adapterHost: HttpAdapterHost,
    private readonly projections: ProjectionsService,
    private readonly accounts: AccountDirectory,
    private readonly commands: CommandBus,
    @Inject(MeshidConfig) private readonly config: MeshidConfig,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    if (!this.adapterHost.httpAdapter || !this.config.identity.includes('account')) return;
    try {
      // The read model must have caught up, or a restart with accounts would look like a first run.
      await this.projections.caughtUp(CATCH_UP_TIMEOUT_MS);
      if ((await this.accounts.count()) > 0) return;
      const { url } = await this.commands.execute(new IssueBootstrapLinkCommand({ actor: 'system', correlationId: randomUUID() }));
      this.logger.log(`first run: create the first administrator at ${url}`);
    } catch (error) {
      this.logger.error(`no first-run link issued: ${(error as Error).message}`);
    }
  }
}
