import type Database from 'better-sqlite3';

/** Beyond this many distinct SQL texts the cache starts over: projections use a fixed handful. */
const MAX_STATEMENTS = 256;

/**
 * `db` as projections see it in `apply` (live, and in a replay): the same connection, except that
 * `prepare` returns one cached statement per SQL text. Projections prepare their statements in
 * each `apply`, and compiling the SQL again for every event was the largest cost of a catch-up or
 * a replay of a whole log after the transactions themselves.
 * A statement prepared again from the same text behaves identically, so applying through the
 * cache writes exactly what applying without it writes; the one difference, a statement already
 * busy in an open iteration being handed out again, cannot arise in a synchronous `apply` that
 * finishes its iterations before returning (better-sqlite3 would throw rather than misbehave).
 */
export function withStatementCache(db: Database.Database): Database.Database {
  const statements = new Map<string, Database.Statement>();
  const prepare = (sql: string): Database.Statement => {
    let statement = statements.get(sql);
    if (statement === undefined) {
      if (statements.size >= MAX_STATEMENTS) statements.clear();
      statement = db.prepare(sql);
      statements.set(sql, statement);
    }
    return statement;
  };
  return new Proxy(db, {
    get(target, property) {
      if (property === 'prepare') return prepare;
      const value: unknown = Reflect.get(target, property, target);
      // better-sqlite3's native methods need the real connection as `this`.
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
}
