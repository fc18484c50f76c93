-- WebFinger (src/discovery/webfinger-directory.ts) asks, for any address an internet caller
-- sends, whether someone with that login has signed in: without an index that is a scan of
-- every grant per request on a public endpoint.
CREATE INDEX grants_by_login ON grants (login COLLATE NOCASE);
