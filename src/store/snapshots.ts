import { deflateSync, inflateSync } from 'node:zlib';
import { CorruptStoreError } from '../errors.js';
import type { MachineState } from '../model/state.js';
import { isRefusedWrite } from './failures.js';
import type { SqlDatabase } from './sql.js';

// Persisted states (tables `snapshots` and `snapshot_sets`, migrations 001 and 002). A set is keyed by
// what produced it: the trace, the policy set and the engine fingerprint. Its rows become visible in one
// transaction with its marker row (SnapshotSetWriter), so a set is either complete or absent.

/**
 * JSON, then deflate at level 6. Measured on the 2.65M-event qemu-seabios-big ftrace trace (states of
 * ~600 bytes JSON): deflate 338 bytes in 0.2 ms, inflate 0.05 ms; brotli at quality 4 351 bytes and
 * slower to decompress (0.1 ms). Deflate wins on both, so it is the codec. The zlib wrapper (6 bytes
 * more than raw deflate) carries an Adler-32 of the JSON, which inflate checks: a damaged snapshot is
 * found, not replayed from. Sets of the earlier raw codec are not read, and are rebuilt.
 */
export const SNAPSHOT_CODEC = 'deflate+json';

export function encodeState(state: MachineState): Buffer {
  return deflateSync(Buffer.from(JSON.stringify(state)));
}

/** The state of a snapshot row, which must be the state after event `seq`. */
export function decodeState(blob: Buffer, seq?: number): MachineState {
  let state: MachineState;
  try {
    state = JSON.parse(inflateSync(blob).toString('utf8')) as MachineState;
  } catch (error) {
    throw new CorruptStoreError(`a snapshot${seq === undefined ? '' : ` (after event ${seq})`} is damaged: ${(error as Error).message}`);
  }
  if (seq !== undefined && state.seq !== seq)
    throw new CorruptStoreError(`the snapshot kept for event ${seq} holds the state after event ${state.seq}`);
  return state;
}

export interface SnapshotKey {
  traceId: number;
  policyKey: string;
  engine: string;
}

export interface SnapshotSet extends SnapshotKey {
  codec: string;
  count: number;
  bytes: number;
  maxGap: number;
  spacing: Record<string, unknown>;
  builtAt: string;
}

export interface PendingSnapshot {
  seq: number;
  blob: Buffer;
}

interface SetRow {
  trace_id: number;
  policy_key: string;
  engine: string;
  codec: string;
  count: number;
  bytes: number;
  max_gap: number;
  spacing: string;
  built_at: string;
}

export function findSnapshotSet(db: SqlDatabase, key: SnapshotKey): SnapshotSet | undefined {
  const row = db
    .prepare('SELECT * FROM snapshot_sets WHERE trace_id = ? AND policy_key = ? AND engine = ?')
    .get(key.traceId, key.policyKey, key.engine) as SetRow | undefined;
  if (!row || row.codec !== SNAPSHOT_CODEC) return undefined;
  return {
    traceId: row.trace_id,
    policyKey: row.policy_key,
    engine: row.engine,
    codec: row.codec,
    count: row.count,
    bytes: row.bytes,
    maxGap: row.max_gap,
    spacing: JSON.parse(row.spacing),
    builtAt: row.built_at,
  };
}

/** The set's snapshot with the greatest seq <= `seq` (the primary key's order makes it one index probe). */
export function nearestSnapshot(db: SqlDatabase, key: SnapshotKey, seq: number): { seq: number; state: MachineState } | undefined {
  const row = db
    .prepare('SELECT seq, state FROM snapshots WHERE trace_id = ? AND policy_key = ? AND engine = ? AND seq <= ? ORDER BY seq DESC LIMIT 1')
    .get(key.traceId, key.policyKey, key.engine, seq) as { seq: number; state: Buffer } | undefined;
  return row && { seq: row.seq, state: decodeState(row.state, row.seq) };
}

/** Snapshots written together, in one short transaction, while a set is being built. */
export const SNAPSHOT_BATCH = 256;

/**
 * Writes a set as its snapshots are made, so that no process holds them all: every SNAPSHOT_BATCH of
 * them go in one short IMMEDIATE transaction under a staging key (`building:` + engine + a build id),
 * which no reader looks up. finish() then, in one transaction, re-keys them and writes the set's
 * `snapshot_sets` row, so a set is still all there or not there: a build that dies leaves only
 * staging rows, which the next set finished for the same trace and policies deletes, as it deletes
 * the sets of other engines. A batch the store refuses (read-only media, a full disk, another writer
 * past the wait) stays in memory and is tried again with the next one; what could not be written when
 * the set ends is handed back to be used from memory.
 */
export class SnapshotSetWriter {
  private readonly staging: string;
  private pending: PendingSnapshot[] = [];
  private written = 0;
  private bytes = 0;
  private refused = false;

  constructor(
    private readonly db: SqlDatabase,
    private readonly key: SnapshotKey,
  ) {
    this.staging = `building:${key.engine}:${process.pid}.${Math.random().toString(36).slice(2, 10)}`;
  }

  /** A snapshot, in seq order. Its bytes are copied: zlib's result can be a view of a 16 KiB buffer. */
  add(seq: number, blob: Buffer): void {
    this.pending.push({ seq, blob: Buffer.from(blob) });
    this.bytes += blob.length;
    if (this.pending.length >= SNAPSHOT_BATCH) this.tryFlush();
  }

  private tryFlush(): void {
    try {
      const write = this.db.transaction(() => this.insertPending());
      write.immediate();
    } catch (error) {
      if (!isRefusedWrite(error)) throw error;
      this.refused = true;
    }
  }

  private insertPending(): void {
    const insert = this.db.prepare('INSERT INTO snapshots (trace_id, policy_key, engine, seq, state) VALUES (?, ?, ?, ?, ?)');
    for (const s of this.pending) insert.run(this.key.traceId, this.key.policyKey, this.staging, s.seq, s.blob);
    this.written += this.pending.length;
    this.pending = [];
  }

  /**
   * The set is complete: its row and its snapshots become visible together. Returns whether it was
   * stored (false when another process finished the same set first, or the store refused), and the
   * snapshots not written, for a reader to use from memory.
   */
  finish(set: Pick<SnapshotSet, 'maxGap' | 'spacing'>): {
    written: boolean;
    unstored: readonly PendingSnapshot[];
    count: number;
    bytes: number;
  } {
    const count = this.written + this.pending.length;
    const key = this.key;
    const complete = this.db.transaction((): boolean => {
      if (findSnapshotSet(this.db, key)) return false;
      this.insertPending();
      const stored = this.db
        .prepare('SELECT count(*) FROM snapshots WHERE trace_id = ? AND policy_key = ? AND engine = ?')
        .pluck()
        .get(key.traceId, key.policyKey, this.staging) as number;
      // Another build finished in between and deleted these rows as garbage: it has the set.
      if (stored !== count) return false;
      this.db
        .prepare('DELETE FROM snapshots WHERE trace_id = ? AND policy_key = ? AND engine <> ?')
        .run(key.traceId, key.policyKey, this.staging);
      this.db.prepare('DELETE FROM snapshot_sets WHERE trace_id = ? AND policy_key = ?').run(key.traceId, key.policyKey);
      this.db
        .prepare('UPDATE snapshots SET engine = ? WHERE trace_id = ? AND policy_key = ? AND engine = ?')
        .run(key.engine, key.traceId, key.policyKey, this.staging);
      this.db
        .prepare(
          'INSERT INTO snapshot_sets (trace_id, policy_key, engine, codec, count, bytes, max_gap, spacing, built_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)',
        )
        .run(
          key.traceId,
          key.policyKey,
          key.engine,
          SNAPSHOT_CODEC,
          count,
          this.bytes,
          set.maxGap,
          JSON.stringify(set.spacing),
          new Date().toISOString(),
        );
      return true;
    });
    try {
      const written = complete.immediate() as boolean;
      if (!written) this.abandon();
      return { written, unstored: [], count, bytes: this.bytes };
    } catch (error) {
      if (!isRefusedWrite(error)) throw error;
      return { written: false, unstored: this.pending, count, bytes: this.bytes };
    }
  }

  /** Removes what this build wrote (a replay that did not reach the end); garbage otherwise, never read. */
  abandon(): void {
    this.pending = [];
    if (this.written === 0 && !this.refused) return;
    try {
      this.db
        .prepare('DELETE FROM snapshots WHERE trace_id = ? AND policy_key = ? AND engine = ?')
        .run(this.key.traceId, this.key.policyKey, this.staging);
    } catch (error) {
      if (!isRefusedWrite(error)) throw error;
    }
  }
}
