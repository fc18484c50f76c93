import { Server, ServerCredentials, type UntypedServiceImplementation } from '@grpc/grpc-js';
import { appendHandler } from './append-handler.js';
import { FakeLog, type FakeRecord } from './fake-log.js';
import { batchAppendHandler } from './batch-append-handler.js';
import { ServerFeaturesService, StreamsService } from './protocol.js';
import { readHandler } from './read-handler.js';
import { serverFeaturesHandler } from './server-features.js';
import { tombstoneHandler } from './stream-deleted.js';

export interface KurrentDbWireFakeOptions {
  /** Added to every `$all` position, e.g. `2n ** 60n` to check positions past 2^53. Default 0. */
  positionBase?: bigint;
  /** The filter window checkpoints are counted in when the client sends none (server: 32). */
  checkpointWindow?: number;
  /**
   * Answer ServerFeatures with BatchAppend, so that the client appends through it as it does
   * against a real server (default). `false` leaves ServerFeatures UNIMPLEMENTED, as before
   * 21.10, and the client falls back to the plain Append.
   */
  serverFeatures?: boolean;
}

/** Large enough for a 1 MB event and its envelope; the client itself accepts up to 17 MB. */
const MAX_MESSAGE_BYTES = 17 * 1024 * 1024;

/**
 * A gRPC server on 127.0.0.1 speaking the subset of KurrentDB's v1 protocol that the adapter
 * uses (see `index.ts` for what is and is not there). Services it does not register (Gossip,
 * persistent subscriptions, ...) answer UNIMPLEMENTED; so does ServerFeatures when disabled,
 * which the client takes as "unknown server version".
 */
export class KurrentDbWireFake {
  readonly log: FakeLog;
  private server: Server | undefined;
  private port: number | undefined;
  private readonly checkpointWindow: number;
  private readonly serverFeatures: boolean;

  constructor(options: KurrentDbWireFakeOptions = {}) {
    this.log = new FakeLog(options.positionBase ?? 0n);
    this.checkpointWindow = options.checkpointWindow ?? 32;
    this.serverFeatures = options.serverFeatures ?? true;
    // Like a real server, the log is never quite empty: a system event precedes user events.
    this.log.appendSystemEvent('$$fake-settings', '$metadata');
  }

  async start(): Promise<{ port: number; connectionString: string }> {
    if (this.server) throw new Error('the KurrentDB wire fake is already started');
    const server = new Server({
      'grpc.max_receive_message_length': MAX_MESSAGE_BYTES,
      'grpc.max_send_message_length': MAX_MESSAGE_BYTES,
    });
    const streams: UntypedServiceImplementation = {
      append: appendHandler(this.log),
      batchAppend: batchAppendHandler(this.log),
      read: readHandler(this.log, this.checkpointWindow),
      tombstone: tombstoneHandler(this.log),
    };
    server.addService(StreamsService, streams);
    if (this.serverFeatures) server.addService(ServerFeaturesService, { getSupportedMethods: serverFeaturesHandler() });
    this.port = await new Promise<number>((resolve, reject) =>
      server.bindAsync('127.0.0.1:0', ServerCredentials.createInsecure(), (error, port) =>
        error ? reject(error) : resolve(port),
      ),
    );
    this.server = server;
    return { port: this.port, connectionString: this.connectionString };
  }

  get connectionString(): string {
    if (this.port === undefined) throw new Error('the KurrentDB wire fake is not started');
    return `kurrentdb://127.0.0.1:${this.port}?tls=false`;
  }

  /** Cancels every open call (subscriptions included) and closes the listening socket. */
  async stop(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    server?.forceShutdown();
  }

  /** Test hook: `stream` exists with one event at `revision`, as if it had grown that long. */
  seedStreamAt(stream: string, revision: bigint): void {
    this.log.seedStreamAt(stream, revision);
  }

  /** Test hook: subscriptions the fake is serving (0 once every client has cancelled). */
  get activeSubscriptions(): number {
    return this.log.listenerCount;
  }

  /** Test hook: the `$maxAge` the stream's metadata holds, as `setStreamMetadata` wrote it. */
  maxAge(stream: string): number | undefined {
    return this.log.maxAge(stream);
  }

  /** Test hook: whether `stream` was tombstoned. */
  isTombstoned(stream: string): boolean {
    return this.log.isTombstoned(stream);
  }

  /** Test hook: records a server-side event, `$metadata` in a `$$` stream by default. */
  appendSystemEvent(stream = '$$fake-settings', type = '$metadata'): FakeRecord {
    return this.log.appendSystemEvent(stream, type);
  }
}
