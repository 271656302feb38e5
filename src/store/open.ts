import { accessSync, constants, statSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import { StoreError } from '../errors.js';
import { storeFailure } from './failures.js';
import { identify } from './identify.js';
import { READ_BUSY_MS, setWaitPolicy, withWriteLock } from './lock.js';
import { migrate } from './migrate.js';
import { isWalFile, privateCopy } from './read-only-copy.js';
import type { SqlDatabase } from './sql.js';

export const DEFAULT_DB = 'hvreplay.db';

/**
 * --db, then $HVREPLAY_DB, then ./hvreplay.db. An empty path is refused: SQLite would open a temporary
 * database for it, and an import would vanish at exit. So is `:memory:`, for the same reason.
 */
export function dbPath(flag: string | undefined, env: NodeJS.ProcessEnv = process.env): string {
  const [path, from] =
    flag !== undefined ? [flag, '--db'] : env.HVREPLAY_DB !== undefined ? [env.HVREPLAY_DB, 'HVREPLAY_DB'] : [DEFAULT_DB, ''];
  if (path.trim() === '')
    throw new StoreError(
      `${from} is ${from === '--db' ? 'empty' : 'set but empty'}: name the store's file (without it, ./${DEFAULT_DB} is used)`,
    );
  if (path === ':memory:') throw new StoreError(`${from} :memory: would keep the store in memory and lose it at exit: name a file`);
  return path;
}

/**
 * 'read': the file must exist and be a store; nothing is created, migrated or switched (a store of an
 * older schema is read as it is). 'write': creates a store where no file is, or in an empty file,
 * and migrates an older one. Both refuse someone else's SQLite file before writing anything.
 */
export type StoreMode = 'read' | 'write';

export interface OpenOptions {
  mode?: StoreMode;
  /** Seconds to wait for another writer's lock (--wait); undefined waits as long as it takes. */
  waitSeconds?: number;
  /** Where to say that we are waiting, or reading a copy. */
  notice?: (line: string) => void;
}

function exists(path: string): boolean {
  try {
    const stat = statSync(path);
    if (stat.isDirectory()) throw new StoreError(`${path}: a directory, not a store file`);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return false;
    if (error instanceof StoreError) throw error;
    throw new StoreError(`${path}: cannot open: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
  }
}

function writable(path: string): boolean {
  try {
    accessSync(path, constants.W_OK);
    return true;
  } catch {
    return false;
  }
}

/**
 * SQLite could not set up WAL's shared memory (-shm) beside the file: a directory it cannot write, or a
 * disk with no room left for the -shm file. A private copy elsewhere can still be read.
 */
function cannotShareInPlace(error: unknown): boolean {
  return /^SQLITE_(READONLY_DIRECTORY|IOERR_SHM|CANTOPEN|FULL|READONLY_CANTINIT)/.test(String((error as { code?: unknown }).code));
}

export function openStore(path: string, options: OpenOptions = {}): SqlDatabase {
  const mode = options.mode ?? 'write';
  const notice = options.notice ?? ((line: string) => process.stderr.write(line + '\n'));
  const present = exists(path);
  if (!present && mode === 'read')
    throw new StoreError(
      `${path}: no store here yet; \`hvreplay import FILE\` or \`hvreplay demo\` creates one (--db or HVREPLAY_DB choose another)`,
    );
  // A directory we cannot write means SQLite cannot make the -wal and -shm files a WAL store needs.
  const dirWritable = writable(dirname(path));
  if (mode === 'write' && present && !(dirWritable && writable(path)))
    throw storeFailure(path, Object.assign(new Error('the file or its directory is read-only'), { code: 'SQLITE_READONLY' }))!;
  if (mode === 'read' && !dirWritable && isWalFile(path)) return openCopy(path, options, notice, 'in a directory this user cannot write');
  try {
    return connect(path, path, mode, options, notice, mode === 'read' && !dirWritable);
  } catch (error) {
    if (mode === 'read' && cannotShareInPlace(error) && isWalFile(path))
      return openCopy(path, options, notice, `where SQLite cannot make its shared-memory file (${(error as { code?: string }).code})`);
    throw storeFailure(path, error) ?? new StoreError(`${path}: not an hvreplay store: ${(error as Error).message}`);
  }
}

/** Reads a private copy of the store (read-only-copy.ts); the copy goes when the connection closes. */
function openCopy(path: string, options: OpenOptions, notice: (line: string) => void, why: string): SqlDatabase {
  let copy: ReturnType<typeof privateCopy>;
  try {
    copy = privateCopy(path);
  } catch (error) {
    throw storeFailure(path, error) ?? new StoreError(`${path}: cannot read it ${why}, nor copy it: ${(error as Error).message}`);
  }
  notice(`hvreplay: ${path} is ${why}: reading a private copy of it`);
  try {
    const db = connect(copy.path, path, 'read', options, notice, false);
    const close = db.close.bind(db);
    db.close = () => (close(), copy.remove(), db);
    return db;
  } catch (error) {
    copy.remove();
    throw storeFailure(path, error) ?? new StoreError(`${path}: not an hvreplay store: ${(error as Error).message}`);
  }
}

/** Opens `file` (the store, or a copy of the store at `path`), identifies it and prepares it for `mode`. */
function connect(
  file: string,
  path: string,
  mode: StoreMode,
  options: OpenOptions,
  notice: (line: string) => void,
  readonly: boolean,
): Database.Database {
  const db = new Database(file, { timeout: READ_BUSY_MS, fileMustExist: mode === 'read', readonly });
  try {
    const { kind } = identify(db, path);
    if (kind === 'empty' && mode === 'read')
      throw new StoreError(`${path}: an empty file, not yet a store; \`hvreplay import FILE\` makes it one`);
    setWaitPolicy(db, { path, notice, ...(options.waitSeconds !== undefined ? { seconds: options.waitSeconds } : {}) });
    db.pragma('synchronous = NORMAL');
    db.pragma('foreign_keys = ON');
    if (mode === 'write') {
      if (db.pragma('journal_mode', { simple: true }) !== 'wal') withWriteLock(db, () => db.pragma('journal_mode = WAL'));
      migrate(db, path);
    }
    return db;
  } catch (error) {
    db.close();
    throw error;
  }
}

export { storeFailure };
