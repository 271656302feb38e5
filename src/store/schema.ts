import type { SqlDatabase } from './sql.js';

// Reads do not migrate (README "Guarantees"), so a store of an older schema is read as it is: what came
// with a later migration is used only where the file has it.

const versions = new WeakMap<SqlDatabase, number>();

export function schemaVersion(db: SqlDatabase): number {
  let version = versions.get(db);
  if (version === undefined) {
    version = db.pragma('user_version', { simple: true }) as number;
    versions.set(db, version);
  }
  return version;
}

/** Checksums of events, strings and trace rows (migration 003). */
export function hasChecksums(db: SqlDatabase): boolean {
  return schemaVersion(db) >= 3;
}
