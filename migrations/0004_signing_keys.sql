-- Every signing key of the `signing-keys` stream, fed by the signing-keys projection: what JWKS
-- publishes, what `meshid keys list` shows, and what the key ring signs with. `private_key` is
-- the SealedSecret JSON of the event (AES-256-GCM under the KEK, bound to the kid): never clear.
-- Times are ISO-8601 UTC; status is published (in JWKS, not signing), active or retired.
CREATE TABLE signing_keys (
  kid              TEXT PRIMARY KEY,
  alg              TEXT NOT NULL,
  status           TEXT NOT NULL CHECK (status IN ('published', 'active', 'retired')),
  public_jwk       TEXT NOT NULL,
  private_key      TEXT NOT NULL,
  generated_at     TEXT NOT NULL,
  activate_after   TEXT NOT NULL,
  activated_at     TEXT,
  retired_at       TEXT,
  unpublish_after  TEXT
) STRICT;
