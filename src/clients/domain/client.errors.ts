import type { FieldError } from './client-metadata.js';

/** Base of every refusal of a client command: the message is meant for the operator as is. */
export class ClientError extends Error {
  override readonly name: string = 'ClientError';
}

/** No such client, or it was deleted (a deleted client is gone for every command). */
export class ClientNotFoundError extends ClientError {
  override readonly name = 'ClientNotFoundError';
  constructor(readonly clientId: string) {
    super(`unknown client "${clientId}"`);
  }
}

/** The client id is taken: the stream exists, even if the client was deleted since. */
export class ClientAlreadyExistsError extends ClientError {
  override readonly name = 'ClientAlreadyExistsError';
  constructor(readonly clientId: string) {
    super(`client id "${clientId}" is already taken (client ids are never reused, even after delete)`);
  }
}

/** The metadata breaks one or more rules; `errors` name each field (the admin API maps this to 400). */
export class InvalidClientMetadataError extends ClientError {
  override readonly name = 'InvalidClientMetadataError';
  constructor(readonly errors: readonly FieldError[]) {
    super(`invalid client metadata: ${errors.map((e) => `${e.field} ${e.message}`).join('; ')}`);
  }
}

/** A malformed client id was given (ids are 1-128 characters of A-Z a-z 0-9 - _ .). */
export class InvalidClientIdError extends ClientError {
  override readonly name = 'InvalidClientIdError';
  constructor(readonly clientId: string) {
    super(`invalid client id ${JSON.stringify(clientId)}: expected 1-128 characters of A-Z a-z 0-9 - _ .`);
  }
}

/**
 * The client changed since the caller read it: the expected revision (the ETag an admin saw)
 * is not the current one, or another writer appended between load and append. The admin API
 * maps this to 412; reload and retry.
 */
export class StaleClientRevisionError extends ClientError {
  override readonly name = 'StaleClientRevisionError';
  constructor(
    readonly clientId: string,
    readonly expected: bigint | undefined,
    readonly actual: bigint | undefined,
  ) {
    super(
      expected === undefined
        ? `client "${clientId}" was changed concurrently; reload it and retry`
        : `client "${clientId}" is stale: expected revision ${expected}, current revision ${actual ?? 'none'}; reload it and retry`,
    );
  }
}

/** A public client (token_endpoint_auth_method none) has no secret to rotate. */
export class ClientHasNoSecretError extends ClientError {
  override readonly name = 'ClientHasNoSecretError';
  constructor(readonly clientId: string) {
    super(`client "${clientId}" is public (token_endpoint_auth_method none): it has no secret`);
  }
}
