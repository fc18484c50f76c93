import type Database from 'better-sqlite3';
import type { RecordedEvent } from '#event-store';
import type { Projection } from '#projections';
import { PERSONAL_DATA_ERASED, PERSONAL_ERASURE_STREAM_PREFIX, type PersonalDataErased } from '../../storage/personal-data/personal-data.events.js';
import { ReadModelProjection } from '../../storage/storage.tokens.js';
import {
  ACCOUNT_CREATED,
  ACCOUNT_DELETED,
  ACCOUNT_DISABLED,
  ACCOUNT_ENABLED,
  ACCOUNT_SIGNED_IN,
  ACCOUNT_STREAM_PREFIX,
  ACCOUNT_SUBJECT_PREFIX,
  ACCOUNT_UPDATED,
  type AccountCreated,
  type AccountSignedIn,
  type AccountUpdated,
  PASSKEY_ADDED,
  PASSKEY_REMOVED,
  type PasskeyAdded,
  type PasskeyRemoved,
  PASSWORD_REMOVED,
  PASSWORD_SET,
  TOTP_ENROLLED,
  TOTP_REMOVED,
} from '../domain/account.events.js';
import { normaliseLogin } from '../domain/login-name.js';

const text = (value: unknown): string | null => (typeof value === 'string' ? value : null);
const groupsJson = (value: unknown): string => JSON.stringify(Array.isArray(value) ? value.filter((g) => typeof g === 'string') : []);

/** Single-column updates an event makes, by type (the value is bound as @value). */
const FLAG_UPDATES: Readonly<Record<string, [column: string, value: number]>> = {
  [ACCOUNT_DISABLED]: ['disabled', 1],
  [ACCOUNT_ENABLED]: ['disabled', 0],
  [PASSWORD_SET]: ['has_password', 1],
  [PASSWORD_REMOVED]: ['has_password', 0],
  [TOTP_ENROLLED]: ['has_totp', 1],
  [TOTP_REMOVED]: ['has_totp', 0],
};

/**
 * The `accounts` and `account_passkeys` tables. Every write is keyed by account (or credential)
 * id and sets whole values, so replaying an event gives the same rows. A deleted account's rows
 * go. A subject's erasure blanks the account's personal fields, as a replay would find them (their
 * values no longer open, and read as erased markers, which are written as blanks too).
 */
@ReadModelProjection()
export class AccountsProjection implements Projection {
  readonly name = 'accounts';
  readonly tables = ['accounts', 'account_passkeys'] as const;
  readonly filter = { streamNamePrefixes: [ACCOUNT_STREAM_PREFIX, PERSONAL_ERASURE_STREAM_PREFIX] };

  apply(recorded: RecordedEvent, db: Database.Database): void {
    if (recorded.type === PERSONAL_DATA_ERASED && recorded.stream.startsWith(PERSONAL_ERASURE_STREAM_PREFIX)) {
      const subject = String((recorded.data as PersonalDataErased).subject);
      if (!subject.startsWith(ACCOUNT_SUBJECT_PREFIX)) return;
      db.prepare(`UPDATE accounts SET login = NULL, login_key = NULL, name = '', email = NULL, groups = '[]' WHERE account_id = ?`).run(subject.slice(ACCOUNT_SUBJECT_PREFIX.length));
      return;
    }
    if (!recorded.stream.startsWith(ACCOUNT_STREAM_PREFIX)) return;
    const id = recorded.stream.slice(ACCOUNT_STREAM_PREFIX.length);
    const revision = Number(recorded.revision);
    if (recorded.type === ACCOUNT_CREATED) return this.created(db, id, recorded.data as AccountCreated, revision);
    if (recorded.type === ACCOUNT_DELETED) {
      db.prepare('DELETE FROM accounts WHERE account_id = ?').run(id);
      db.prepare('DELETE FROM account_passkeys WHERE account_id = ?').run(id);
      return;
    }
    const flag = FLAG_UPDATES[recorded.type];
    if (flag !== undefined) {
      db.prepare(`UPDATE accounts SET ${flag[0]} = @value, revision = @revision WHERE account_id = @id`).run({ id, value: flag[1], revision });
    } else if (recorded.type === ACCOUNT_UPDATED) {
      this.updated(db, id, recorded.data as AccountUpdated, revision);
    } else if (recorded.type === PASSKEY_ADDED) {
      const { credentialId, name, addedAt } = recorded.data as PasskeyAdded;
      db.prepare('INSERT OR REPLACE INTO account_passkeys (credential_id, account_id, name, added_at) VALUES (?, ?, ?, ?)').run(credentialId, id, name, addedAt);
    } else if (recorded.type === PASSKEY_REMOVED) {
      db.prepare('DELETE FROM account_passkeys WHERE credential_id = ? AND account_id = ?').run((recorded.data as PasskeyRemoved).credentialId, id);
    } else if (recorded.type === ACCOUNT_SIGNED_IN) {
      db.prepare('UPDATE accounts SET last_sign_in_at = ? WHERE account_id = ?').run((recorded.data as AccountSignedIn).at, id);
    }
    // Every event moves the ETag, whatever it changed.
    db.prepare('UPDATE accounts SET revision = ? WHERE account_id = ?').run(revision, id);
  }

  private created(db: Database.Database, id: string, data: AccountCreated, revision: number): void {
    const login = text(data.login);
    db.prepare(
      `INSERT OR REPLACE INTO accounts (account_id, login, login_key, name, email, email_verified, groups, admin, disabled, has_password, has_totp, created_at, last_sign_in_at, revision)
       VALUES (@id, @login, @loginKey, @name, @email, @emailVerified, @groups, @admin, 0, 0, 0, @createdAt, NULL, @revision)`,
    ).run({
      id,
      login,
      loginKey: login === null ? null : normaliseLogin(login),
      name: text(data.name) ?? '',
      email: text(data.email),
      emailVerified: data.emailVerified === true ? 1 : 0,
      groups: groupsJson(data.groups),
      admin: data.admin === true ? 1 : 0,
      createdAt: data.createdAt,
      revision,
    });
  }

  private updated(db: Database.Database, id: string, data: AccountUpdated, revision: number): void {
    const set: string[] = ['revision = @revision'];
    const values: Record<string, unknown> = { id, revision };
    if (data.name !== undefined) (set.push('name = @name'), (values['name'] = text(data.name) ?? ''));
    if (data.email !== undefined) (set.push('email = @email'), (values['email'] = text(data.email)));
    if (data.emailVerified !== undefined) (set.push('email_verified = @emailVerified'), (values['emailVerified'] = data.emailVerified === true ? 1 : 0));
    if (data.groups !== undefined) (set.push('groups = @groups'), (values['groups'] = groupsJson(data.groups)));
    if (data.admin !== undefined) (set.push('admin = @admin'), (values['admin'] = data.admin === true ? 1 : 0));
    db.prepare(`UPDATE accounts SET ${set.join(', ')} WHERE account_id = @id`).run(values);
  }
}
