import { Injectable } from '@nestjs/common';
import type { AccountView } from './account-view.js';

/**
 * The local accounts read model. SCAFFOLDING: the accounts-core helper replaces this file with the
 * projection-backed implementation, keeping these signatures.
 */
@Injectable()
export class AccountDirectory {
  /** By login name, compared case-insensitively (normalised as the login-name stream is). */
  async byLogin(_login: string): Promise<AccountView | null> {
    throw new Error('not built yet');
  }

  /** By `account:<id>` subject. */
  async bySubject(_subject: string): Promise<AccountView | null> {
    throw new Error('not built yet');
  }

  /** The account holding a passkey credential id (base64url). */
  async byCredentialId(_credentialId: string): Promise<AccountView | null> {
    throw new Error('not built yet');
  }

  /** How many accounts exist (deleted ones excluded). */
  async count(): Promise<number> {
    throw new Error('not built yet');
  }
}
