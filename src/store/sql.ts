import type BetterSqlite3 from 'better-sqlite3';

// The small part of better-sqlite3 the store uses, declared once (kysely's habit), so the rest of the
// code depends on this interface and not on the driver.
export type SqlDatabase = Pick<
  BetterSqlite3.Database,
  'prepare' | 'exec' | 'pragma' | 'close' | 'transaction' | 'inTransaction' | 'function'
>;
export type SqlStatement = BetterSqlite3.Statement;
