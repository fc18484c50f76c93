import { status, type ServerWritableStream } from '@grpc/grpc-js';
import type { ReadReq, ReadReqMessage, ReadRespMessage } from './protocol.js';

export type ReadCall = ServerWritableStream<ReadReqMessage, ReadRespMessage>;
export type ReadOptions = InstanceType<typeof ReadReq.Options>;

/** `call.write` that waits for the buffer to drain (or the call to go away) when it is full. */
export function write(call: ReadCall, message: ReadRespMessage): Promise<void> {
  if (call.write(message)) return Promise.resolve();
  return new Promise((resolve) => {
    const done = () => {
      call.off('drain', done);
      call.off('cancelled', done);
      resolve();
    };
    call.on('drain', done);
    call.on('cancelled', done);
  });
}

/** Ends the call with the error's gRPC status (grpc-js turns an `error` event into the status). */
export function fail(call: ReadCall, error: unknown): void {
  const details = error instanceof Error ? error.message : String(error);
  const code = (error as { code?: unknown })?.code;
  call.emit('error', { code: typeof code === 'number' ? code : status.INTERNAL, details });
}

export function invalid(details: string): Error {
  return Object.assign(new Error(details), { code: status.INVALID_ARGUMENT, details });
}
