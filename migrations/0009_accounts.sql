-- Local accounts (`account-<id>` streams), one row per account that exists and is not deleted,
-- and the passkeys they hold. Fed by the accounts projection; read by AccountDirectory.
-- login_key is the login normalised (NFKC, lower case), for case-insensitive look-ups. login,
-- login_key, name, email and groups are personal data: a subject's erasure blanks them.
-- Credentials are never here: only whether a password or TOTP is set. Times are milliseconds
-- since the epoch; revision is the stream revision of the account's last event (its ETag).
CREATE TABLE accounts (
  account_id       TEXT    PRIMARY KEY,
  login            TEXT,
  login_key        TEXT,
  name             TEXT    NOT NULL,
  email            TEXT,
  email_verified   INTEGER NOT NULL,
  groups           TEXT    NOT NULL,
  admin            INTEGER NOT NULL,
  disabled         INTEGER NOT NULL,
  has_password     INTEGER NOT NULL,
  has_totp         INTEGER NOT NULL,
  created_at       INTEGER NOT NULL,
  last_sign_in_at  INTEGER,
  revision         INTEGER NOT NULL
) STRICT;

CREATE INDEX accounts_by_login ON accounts (login_key, account_id);

CREATE TABLE account_passkeys (
  credential_id  TEXT    PRIMARY KEY,
  account_id     TEXT    NOT NULL,
  name           TEXT    NOT NULL,
  added_at       INTEGER NOT NULL
) STRICT;

CREATE INDEX account_passkeys_by_account ON account_passkeys (account_id, added_at);
