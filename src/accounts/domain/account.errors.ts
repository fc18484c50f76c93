/** Base of every refusal of an account command: the message is meant for the operator as is. */
export class AccountError extends Error {
  override readonly name: string = 'AccountError';
}

/** No such account, or it was deleted. */
export class AccountNotFoundError extends AccountError {
  override readonly name = 'AccountNotFoundError';
  constructor(readonly accountId: string) {
    super(`unknown account "${accountId}"`);
  }
}

/** Another account has this login (compared case-insensitively, NFKC). */
export class AccountLoginTakenError extends AccountError {
  override readonly name = 'AccountLoginTakenError';
  constructor(readonly login: string) {
    super(`the login "${login}" is taken`);
  }
}

/** An input breaks a rule; `field` names it (the admin API maps this to 400). */
export class InvalidAccountInputError extends AccountError {
  override readonly name = 'InvalidAccountInputError';
  constructor(
    readonly field: string,
    readonly reason: string,
  ) {
    super(`invalid ${field}: ${reason}`);
  }
}

/**
 * The account changed since the caller read it: the expected revision (an ETag) is not the
 * current one, or another writer appended between load and append (the admin API maps it to 412).
 */
export class StaleAccountRevisionError extends AccountError {
  override readonly name = 'StaleAccountRevisionError';
  constructor(
    readonly accountId: string,
    readonly expected: bigint | undefined,
    readonly actual: bigint | undefined,
  ) {
    super(
      expected === undefined
        ? `account "${accountId}" was changed concurrently; reload it and retry`
        : `account "${accountId}" is stale: expected revision ${expected}, current revision ${actual ?? 'none'}; reload it and retry`,
    );
  }
}

/** A passkey, or a TOTP enrolment, that is not there to remove. */
export class AccountCredentialNotFoundError extends AccountError {
  override readonly name = 'AccountCredentialNotFoundError';
  constructor(
    readonly accountId: string,
    readonly credential: string,
  ) {
    super(`account "${accountId}" has no ${credential}`);
  }
}

/** A setup or bootstrap link that is unknown, expired, replaced or already used. */
export class SetupLinkInvalidError extends AccountError {
  override readonly name = 'SetupLinkInvalidError';
  constructor() {
    super('this setup link is invalid, expired or already used; ask an administrator for a new one');
  }
}

/** A TOTP enrolment whose token is invalid or expired, or whose confirming code is wrong. */
export class TotpEnrolmentRejectedError extends AccountError {
  override readonly name = 'TotpEnrolmentRejectedError';
  constructor(readonly reason: 'invalid_token' | 'expired' | 'wrong_code' | 'wrong_account') {
    super(`TOTP enrolment refused: ${reason.replace('_', ' ')}`);
  }
}

/** A passkey registration or assertion that did not verify. */
export class PasskeyRejectedError extends AccountError {
  override readonly name = 'PasskeyRejectedError';
  constructor(readonly reason: string) {
    super(`passkey refused: ${reason}`);
  }
}
