import { afterEach, describe, expect, it, jest } from '@jest/globals';
import { Logger } from '@nestjs/common';
import type { HttpAdapterHost } from '@nestjs/core';
import type { CommandBus } from '@nestjs/cqrs';
import type { ProjectionsService } from '../../storage/projections.service.js';
import { CreateAccountCommand } from '../commands/create-account.command.js';
import { ACCOUNTS_BOOTSTRAP_STREAM } from '../domain/account.events.js';
import { accountsHarness, context, type AccountsHarness } from '../testing/accounts-harness.js';
import { FirstRunBootstrap } from './first-run-bootstrap.js';

const harnesses: AccountsHarness[] = [];
afterEach(async () => {
  jest.restoreAllMocks();
  for (const harness of harnesses.splice(0)) await harness.close();
});

async function start(options: { server: boolean; resolvers?: string[]; accounts?: number }) {
  const harness = accountsHarness();
  harnesses.push(harness);
  await harness.runner.start();
  for (let i = 0; i < (options.accounts ?? 0); i++) await harness.run(new CreateAccountCommand({ login: `user${i}`, name: 'User' }, context));
  const logged: string[] = [];
  jest.spyOn(Logger.prototype, 'log').mockImplementation((message: unknown) => void logged.push(String(message)));
  const adapterHost = { httpAdapter: options.server ? {} : undefined } as unknown as HttpAdapterHost;
  const projections = { caughtUp: () => harness.caughtUp() } as unknown as ProjectionsService;
  const commands = { execute: (command: never) => harness.run(command) } as unknown as CommandBus;
  const config = Object.assign(harness.config, { identity: options.resolvers ?? ['tailscale', 'account'] });
  await new FirstRunBootstrap(adapterHost, projections, harness.directory, commands, config).onApplicationBootstrap();
  const issued = (await harness.events(ACCOUNTS_BOOTSTRAP_STREAM)).length;
  return { logged, issued };
}

describe('first-run bootstrap', () => {
  it('the server with no account prints one link to /setup and records only its digest', async () => {
    const { logged, issued } = await start({ server: true });
    expect(issued).toBe(1);
    expect(logged).toEqual([expect.stringMatching(/^first run: create the first administrator at http:\/\/localhost:8080\/setup\?token=b\.[A-Za-z0-9_-]{43}$/)]);
  });

  it('does nothing when an account exists, without the account resolver, or in an offline CLI application', async () => {
    for (const options of [{ server: true, accounts: 1 }, { server: true, resolvers: ['tailscale'] }, { server: false }]) {
      const { logged, issued } = await start(options);
      expect({ options, logged, issued }).toEqual({ options, logged: [], issued: 0 });
    }
  });
});
