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
    throw new StoreError(`${path}: not an hvreplay store: ${(error as Error).message}`);
  }
}
