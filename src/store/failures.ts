import { CorruptStoreError, StoreError, StoreUnavailableError } from '../errors.js';

// SQLite's result codes (sqlite.org/rescode.html) in words a user can act on. Each becomes the error
// class that carries its exit status: the machine refusing (a full disk, another writer, an unwritable
// file, I/O failing) is the environment (3); a damaged file is bad input (2).

function codeOf(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && code.startsWith('SQLITE_') ? code : undefined;
}

export function isBusy(error: unknown): boolean {
  const code = codeOf(error);
  return code !== undefined && (code.startsWith('SQLITE_BUSY') || code.startsWith('SQLITE_LOCKED'));
}

/**
 * A write that only a cache needed (snapshots) and that the machine refused: the answer is still
 * right without it, so the reader goes on.
 */
export function isRefusedWrite(error: unknown): boolean {
  const code = codeOf(error) ?? '';
  return isBusy(error) || /^SQLITE_(READONLY|FULL|IOERR|CANTOPEN|PERM)/.test(code);
}

export function isCorruption(error: unknown): boolean {
  const code = codeOf(error) ?? '';
  return code.startsWith('SQLITE_CORRUPT') || code === 'SQLITE_NOTADB';
}

/** What to do about a damaged store, said once for every corruption message. */
export function recoveryAdvice(path: string): string {
  return (
    `\`hvreplay --db ${path} verify\` lists what is damaged; re-import the damaged traces from their source files ` +
    `(\`hvreplay traces\` names them) into a new store, or restore the file from a backup`
  );
}

/** An SQLite error as the store error it means, or undefined when it is not one the user can act on. */
export function storeFailure(path: string, error: unknown): StoreError | undefined {
  // Damage found by a check (a checksum, a missing row) is said without the file and what to do.
  if (error instanceof CorruptStoreError && !error.message.includes(' verify`'))
    return new CorruptStoreError(`${path}: ${error.message}. ${recoveryAdvice(path)}`);
  if (error instanceof StoreError) return error;
  const code = codeOf(error);
  if (!code) return undefined;
  const said = `${code}: ${(error as Error).message}`;
  if (code.startsWith('SQLITE_FULL'))
    return new StoreUnavailableError(
      `${path}: the disk is full (${said}); nothing was stored or changed: free some space and run it again`,
    );
  if (isBusy(error))
    return new StoreUnavailableError(`${path}: another process holds the store's lock (${said}); run it again when that one has finished`);
  if (/^SQLITE_(READONLY|CANTOPEN|PERM|AUTH)/.test(code))
    return new StoreUnavailableError(
      `${path}: cannot write the store (${said}); check the file's and its directory's owner and permissions (a \`sudo hvreplay record\` makes it root's), or choose another with --db`,
    );
  if (code.startsWith('SQLITE_IOERR')) return new StoreUnavailableError(`${path}: the system could not read or write the file (${said})`);
  if (isCorruption(error)) return new CorruptStoreError(`${path}: the store is damaged (${said}). ${recoveryAdvice(path)}`);
  return undefined;
}
