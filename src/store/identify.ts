import { StoreError } from '../errors.js';
import { latestVersion } from './migrate.js';
import type { SqlDatabase } from './sql.js';

// What a file is, found with reads only, before anything is written to it: a store of ours (perhaps
// of an older schema), an empty file that may become one, or someone else's SQLite file, which is
// refused untouched (README "Guarantees": reads never write to a file that is not a store).

/** 'hvrp', written by migrations/004_integrity.sql into the SQLite header. */
export const APPLICATION_ID = 0x68767270;

/** The tables every hvreplay store had before it carried APPLICATION_ID (schema versions 1 to 3). */
const LEGACY_TABLES = ['events', 'kinds', 'snapshots', 'strings', 'traces'];

export type FileKind = 'empty' | 'store';

export function identify(db: SqlDatabase, path: string): { kind: FileKind; version: number } {
  let appId: number, version: number, tables: string[];
  try {
    appId = db.pragma('application_id', { simple: true }) as number;
    version = db.pragma('user_version', { simple: true }) as number;
    tables = db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name").pluck().all() as string[];
  } catch (error) {
    if ((error as { code?: unknown }).code === 'SQLITE_NOTADB')
      throw new StoreError(`${path}: not an SQLite file, so not an hvreplay store`);
    throw error;
  }
  const ours = appId === APPLICATION_ID || (appId === 0 && version >= 1 && version <= 3 && LEGACY_TABLES.every((t) => tables.includes(t)));
  if (ours) {
    const latest = latestVersion();
    if (version > latest)
      throw new StoreError(
        `${path}: schema version ${version} is newer than this hvreplay knows (${latest}); upgrade hvreplay, the file was left untouched`,
      );
    return { kind: 'store', version };
  }
  if (appId === 0 && version === 0 && tables.length === 0) return { kind: 'empty', version };
  const what = tables.length
    ? `it holds other tables (${tables.slice(0, 5).join(', ')}${tables.length > 5 ? ', ...' : ''})`
    : 'it belongs to another program';
  throw new StoreError(
    `${path}: an SQLite file but not an hvreplay store: ${what}; nothing was written to it. Choose another file with --db`,
  );
}
