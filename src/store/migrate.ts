import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { SqlDatabase } from './sql.js';
import { StoreError } from '../errors.js';
import { storeFailure } from './failures.js';
import { withWriteLock } from './lock.js';

// kysely's model: plain SQL files ordered by name, applied under an exclusive lock, each in the
// same transaction as the bump of PRAGMA user_version that records it.

/** migrations/ at the package root; this file runs from dist/src/store/. */
const MIGRATIONS_DIR = fileURLToPath(new URL('../../../migrations/', import.meta.url));

export interface Migration {
  version: number;
  name: string;
  sql: string;
}

export function loadMigrations(dir = MIGRATIONS_DIR): Migration[] {
  return readdirSync(dir)
    .filter((f) => /^\d{3}_[\w-]+\.sql$/.test(f))
    .sort()
    .map((f) => ({ version: Number(f.slice(0, 3)), name: f, sql: readFileSync(dir + f, 'utf8') }));
}

export function latestVersion(migrations = loadMigrations()): number {
  return migrations.at(-1)?.version ?? 0;
}

/** Refuses a file from a newer hvreplay before anything is written to it. */
export function checkVersion(db: SqlDatabase, path: string, migrations = loadMigrations()): number {
  const version = db.pragma('user_version', { simple: true }) as number;
  const latest = latestVersion(migrations);
  if (version > latest) {
    throw new StoreError(
      `${path}: schema version ${version} is newer than this hvreplay knows (${latest}); upgrade hvreplay, the file was left untouched`,
    );
  }
  return version;
}

export function migrate(db: SqlDatabase, path: string, migrations = loadMigrations()): void {
  const pending = () => migrations.filter((m) => m.version > (db.pragma('user_version', { simple: true }) as number));
  if (pending().length === 0) return;
  withWriteLock(db, () => db.exec('BEGIN EXCLUSIVE'));
  try {
    // Another process may have migrated while we waited for the lock.
    checkVersion(db, path, migrations);
    for (const m of pending()) {
      db.exec(m.sql);
      db.pragma(`user_version = ${m.version}`);
    }
    db.exec('COMMIT');
  } catch (error) {
    db.exec('ROLLBACK');
    throw storeFailure(path, error) ?? new StoreError(`${path}: migration failed: ${(error as Error).message}`);
  }
}
