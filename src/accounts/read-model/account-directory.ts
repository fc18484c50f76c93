import { Inject, Injectable } from '@nestjs/common';
import type { ReadModelDatabase } from '#projections';
import { decodeCursor, encodeCursor } from '../../common/page-cursor.js';
import { READ_MODEL_DATABASE } from '../../storage/storage.tokens.js';
import { ACCOUNT_SUBJECT_PREFIX, accountSubject } from '../domain/account.events.js';
import { normaliseLogin } from '../domain/login-name.js';
import type { AccountView } from './account-view.js';

export const MAX_PAGE_SIZE = 200;

interface AccountRow {
  account_id: string;
  login: string | null;
  login_key: string | null;
  name: string;
  email: string | null;
  email_verified: number;
  groups: string;
  admin: number;
  disabled: number;
  has_password: number;
  has_totp: number;
  created_at: number;
  last_sign_in_at: number | null;
  revision: number;
}

interface PasskeyRow {
  credential_id: string;
  name: string;
  added_at: number;
}

export interface AccountPage {
  items: AccountView[];
  /** Cursor of the next page, or null on the last one. */
  next: string | null;
}

/**
 * The local accounts read model (the `accounts` projection's tables). It lags the log by the
 * projections' lag: a caller that just ran a command waits for its position
 * (`ProjectionsService.waitFor`) first. Decisions never rest on it alone: sign-in checks
 * credentials against the account's stream.
 */
@Injectable()
export class AccountDirectory {
  constructor(@Inject(READ_MODEL_DATABASE) private readonly readModels: ReadModelDatabase) {}

  /** By login name, compared case-insensitively (normalised as the login-name stream is). */
  async byLogin(login: string): Promise<AccountView | null> {
    if (typeof login !== 'string' || login.length > 256) return null;
    return this.one('SELECT * FROM accounts WHERE login_key = ? ORDER BY account_id LIMIT 1', normaliseLogin(login));
  }

  /** By `account:<id>` subject. */
  async bySubject(subject: string): Promise<AccountView | null> {
    if (typeof subject !== 'string' || !subject.startsWith(ACCOUNT_SUBJECT_PREFIX)) return null;
    return this.byId(subject.slice(ACCOUNT_SUBJECT_PREFIX.length));
  }

  async byId(accountId: string): Promise<AccountView | null> {
    if (typeof accountId !== 'string') return null;
    return this.one('SELECT * FROM accounts WHERE account_id = ?', accountId);
  }

  /** The account holding a passkey credential id (base64url). */
  async byCredentialId(credentialId: string): Promise<AccountView | null> {
    if (typeof credentialId !== 'string') return null;
    return this.one('SELECT a.* FROM accounts a JOIN account_passkeys p ON p.account_id = a.account_id WHERE p.credential_id = ?', credentialId);
  }

  /**
   * The accounts whose email is `email` compared ASCII case-insensitively, at most `limit` of
   * them (emails are not unique; the caller applies its own rule, WebFinger an exact local part).
   * No index: a scan of the people's accounts is cheap.
   */
  async byEmail(email: string, limit = 10): Promise<AccountView[]> {
    if (typeof email !== 'string' || email.length > 320) return [];
    const rows = this.readModels.db.prepare('SELECT * FROM accounts WHERE email = ? COLLATE NOCASE ORDER BY account_id LIMIT ?').all(email, limit) as AccountRow[];
    return rows.map((row) => this.view(row));
  }

  /** How many accounts exist (deleted ones excluded). */
  async count(): Promise<number> {
    return this.readModels.db.prepare('SELECT count(*) FROM accounts').pluck().get() as number;
  }

  /** A page of accounts by login (erased ones first), then id; `after` is the previous page's `next`. */
  async list(options: { after?: string; limit?: number } = {}): Promise<AccountPage> {
    const limit = Math.max(1, Math.min(MAX_PAGE_SIZE, Math.floor(options.limit ?? 50)));
    const key = options.after === undefined ? null : decodeCursor(options.after, 2);
    const rows = (
      key === null
        ? this.readModels.db.prepare(`SELECT * FROM accounts ORDER BY coalesce(login_key, ''), account_id LIMIT ?`).all(limit + 1)
        : this.readModels.db
            .prepare(`SELECT * FROM accounts WHERE (coalesce(login_key, ''), account_id) > (?, ?) ORDER BY coalesce(login_key, ''), account_id LIMIT ?`)
            .all(key[0], key[1], limit + 1)
    ) as AccountRow[];
    const items = rows.slice(0, limit).map((row) => this.view(row));
    const last = rows.length > limit ? rows[limit - 1]! : null;
    return { items, next: last === null ? null : encodeCursor([last.login_key ?? '', last.account_id]) };
  }

  private one(sql: string, parameter: string): AccountView | null {
    const row = this.readModels.db.prepare(sql).get(parameter) as AccountRow | undefined;
    return row === undefined ? null : this.view(row);
  }

  private view(row: AccountRow): AccountView {
    const passkeys = this.readModels.db
      .prepare('SELECT credential_id, name, added_at FROM account_passkeys WHERE account_id = ? ORDER BY added_at, credential_id')
      .all(row.account_id) as PasskeyRow[];
    return {
      accountId: row.account_id,
      subject: accountSubject(row.account_id),
      login: row.login ?? '',
      name: row.name,
      email: row.email,
      emailVerified: row.email_verified === 1,
      groups: JSON.parse(row.groups) as string[],
      admin: row.admin === 1,
      disabled: row.disabled === 1,
      hasPassword: row.has_password === 1,
      hasTotp: row.has_totp === 1,
      passkeys: passkeys.map((p) => ({ credentialId: p.credential_id, name: p.name, addedAt: p.added_at })),
      createdAt: row.created_at,
      lastSignInAt: row.last_sign_in_at,
      revision: String(row.revision),
    };
  }
}
