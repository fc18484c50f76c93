import type { LoggerService } from '@nestjs/common';

/**
 * SIGINT/SIGTERM run `shutDown` (stop accepting, drain requests in flight, then the application's
 * shutdown hooks: the log seal, projections stopped at a checkpoint, store closed), then exit 0.
 * Nest's own signal hooks re-raise the signal instead, which reads as a crash to supervisors. A
 * shutdown that fails, or takes longer than `timeoutSeconds` (MESHID_SHUTDOWN_TIMEOUT_SECONDS: a
 * request that never ends, a store that does not answer), exits 1 saying so.
 */
export function exitOnSignals(shutDown: () => Promise<void>, logger: LoggerService, timeoutSeconds: number): void {
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      logger.log(`${signal}: shutting down: no new connections, requests in flight get up to ${timeoutSeconds} s to finish`);
      setTimeout(() => {
        logger.error(`shutdown did not finish within ${timeoutSeconds} s (MESHID_SHUTDOWN_TIMEOUT_SECONDS): exiting with work unfinished`);
        process.exit(1);
      }, timeoutSeconds * 1000);
      shutDown().then(
        () => {
          logger.log('shut down cleanly');
          process.exit(0);
        },
        (error: unknown) => {
          logger.error(`shutdown failed: ${(error as Error).message}`);
          process.exit(1);
        },
      );
    });
  }
}
