import Database from 'better-sqlite3';
import { StoreError } from '../errors.js';
import { checkVersion, migrate } from './migrate.js';
import type { SqlDatabase } from './sql.js';

export const DEFAULT_DB = 'hvreplay.db';

/** --db, then $HVREPLAY_DB, then ./hvreplay.db. */
export function dbPath(flag: string | undefined, env: NodeJS.ProcessEnv = process.env): string {
  return flag ?? env.HVREPLAY_DB ?? DEFAULT_DB;
}

export function openStore(path: string): SqlDatabase {
  let db: Database.Database;
  try {
    db = new Database(path, { timeout: 10_000 });
  } catch (error) {
    throw new StoreError(`${path}: cannot open: ${(error as Error).message}`);
  }
  try {
    checkVersion(db, path);
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = NORMAL');
    db.pragma('foreign_keys = ON');
    migrate(db, path);
    return db;
  } catch (error) {
    db.close();
    if (error instanceof StoreError) throw error;
    throw storeFailure(path, error) ?? new StoreError(`${path}: not an hvreplay store: ${(error as Error).message}`);
  }
}

/** SQLite result codes that mean the file, not hvreplay, is the problem (sqlite.org/rescode.html). */
const NOT_WRITABLE = new Set([
  'SQLITE_READONLY',
  'SQLITE_READONLY_DBMOVED',
  'SQLITE_READONLY_DIRECTORY',
  'SQLITE_CANTOPEN',
  'SQLITE_PERM',
  'SQLITE_AUTH',
]);

/**
 * A store that cannot be written, in words a user can act on: a `sudo hvreplay record` leaves a
 * root-owned ./hvreplay.db behind, and the next command as yourself then meets SQLITE_READONLY.
 */
export function storeFailure(path: string, error: unknown): StoreError | undefined {
  const code = (error as { code?: unknown }).code;
  if (typeof code !== 'string' || !NOT_WRITABLE.has(code)) return undefined;
  return new StoreError(
    `${path}: cannot write the store (${code}: ${(error as Error).message}); check the file's owner and permissions (a \`sudo hvreplay record\` makes it root's), or choose another with --db`,
  );
}
