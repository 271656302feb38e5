import { copyFileSync, existsSync, mkdtempSync, openSync, readSync, closeSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

// A store on read-only media (a mounted backup, a CD, a directory that is not ours). SQLite reads a
// WAL-mode file only with its -wal and -shm files beside it, and creates them when they are missing,
// which a read-only directory forbids; the `immutable` URI parameter that would skip them is not
// compiled into better-sqlite3 (SQLITE_USE_URI=0). So the file (and its -wal, if any) is copied into a
// private temporary directory and read there; the copy goes when the store is closed or the process ends.

/** True when the file's header says WAL mode (bytes 18 and 19 are 2; sqlite.org/fileformat.html). */
export function isWalFile(path: string): boolean {
  const header = Buffer.alloc(20);
  const fd = openSync(path, 'r');
  try {
    return readSync(fd, header, 0, 20, 0) === 20 && header[18] === 2 && header[19] === 2;
  } finally {
    closeSync(fd);
  }
}

export interface PrivateCopy {
  path: string;
  remove: () => void;
}

export function privateCopy(path: string): PrivateCopy {
  const dir = mkdtempSync(join(tmpdir(), 'hvreplay-readonly-'));
  const copy = join(dir, 'store.db');
  const remove = (): void => {
    rmSync(dir, { recursive: true, force: true });
    process.off('exit', remove);
  };
  process.on('exit', remove);
  try {
    copyFileSync(path, copy);
    if (existsSync(path + '-wal')) copyFileSync(path + '-wal', copy + '-wal');
  } catch (error) {
    remove();
    throw error;
  }
  return { path: copy, remove };
}
