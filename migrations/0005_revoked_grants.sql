-- Grants that have been revoked (GrantRevoked in `grant-<id>`), fed by the revoked-grants
-- projection and mirrored in memory (RevokedGrants), so that userinfo and introspection refuse
-- the access tokens of a revoked grant without reading the log. A revocation is permanent, so a
-- row is never updated or deleted, except by a rebuild. `revoked_at` is ISO-8601 UTC.
CREATE TABLE revoked_grants (
  grant_id    TEXT PRIMARY KEY,
  reason      TEXT NOT NULL,
  revoked_at  TEXT NOT NULL
) STRICT;
