import { StoreUnavailableError } from '../errors.js';
import { isBusy } from './failures.js';
import type { SqlDatabase } from './sql.js';

// Waiting for the write lock. SQLite lets one writer at a time into a WAL file; a second import
// waits for the first rather than failing, says on stderr what it waits for, and gives up only when
// `--wait SECONDS` runs out (exit 3). Each attempt lets SQLite's own busy handler wait up to a second,
// so a short overlap (a snapshot set being written) passes without a word.

export interface WaitPolicy {
  /** The store's path, for the messages. */
  path: string;
  /** Give up after this long; undefined waits as long as the other writer takes. */
  seconds?: number;
  notice: (line: string) => void;
}

const ATTEMPT_MS = 1000;
/** The busy timeout of a connection outside these waits (reads meet a lock only briefly, in a checkpoint). */
export const READ_BUSY_MS = 10_000;

const policies = new WeakMap<SqlDatabase, WaitPolicy>();

export function setWaitPolicy(db: SqlDatabase, policy: WaitPolicy): void {
  policies.set(db, policy);
}

/** Runs `take` (a statement that needs the write lock), retrying while another connection holds it. */
export function withWriteLock<T>(db: SqlDatabase, take: () => T): T {
  const policy = policies.get(db);
  const deadline = policy?.seconds === undefined ? Infinity : Date.now() + policy.seconds * 1000;
  let told = false;
  try {
    for (;;) {
      db.pragma(`busy_timeout = ${Math.max(0, Math.min(ATTEMPT_MS, deadline - Date.now()))}`);
      try {
        return take();
      } catch (error) {
        if (!isBusy(error) || !policy) throw error;
        if (!told)
          policy.notice(`hvreplay: waiting for another process to finish writing to ${policy.path}; Ctrl-C stops, --wait SECONDS gives up`);
        told = true;
        if (Date.now() >= deadline)
          throw new StoreUnavailableError(
            `${policy.path}: another process kept the store locked for more than --wait ${policy.seconds} s; nothing was changed`,
          );
      }
    }
  } finally {
    db.pragma(`busy_timeout = ${READ_BUSY_MS}`);
  }
}
