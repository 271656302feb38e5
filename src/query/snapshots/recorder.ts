import type { ReplayStep } from '../../engine/replay.js';
import type { MachineState } from '../../model/state.js';
import { isRefusedWrite } from '../../store/failures.js';
import { encodeState, writeSnapshotSet, type PendingSnapshot, type SnapshotKey } from '../../store/snapshots.js';
import type { SqlDatabase } from '../../store/sql.js';
import type { TraceRecord } from '../../store/traces.js';
import { measureEventBytes, nextGap, spacingRule, type SpacingRule } from './spacing.js';

// Builds a snapshot set during a full replay: watches every step, keeps the compressed states the
// spacing rule picks, and writes them all at the end in one short transaction. Holding the compressed
// snapshots (a few percent of the trace by the spacing rule) costs less than holding a write lock on
// the file for the whole replay, which would stall every other writer; and a replay that dies half way
// leaves nothing behind.

export interface RecordedSet {
  written: boolean;
  /** The snapshots themselves, for a reader to keep in memory when they could not be written. */
  snapshots: readonly PendingSnapshot[];
  count: number;
  bytes: number;
  maxGap: number;
}

export class SnapshotRecorder {
  private readonly pending: PendingSnapshot[] = [];
  private readonly rule: SpacingRule;
  private untilNext: number;
  private sinceLast = 0;
  private maxGap = 0;
  private lastSeq = -1;
  private lastState: MachineState | undefined;

  constructor(
    private readonly db: SqlDatabase,
    private readonly trace: TraceRecord,
    private readonly key: SnapshotKey,
    initial: MachineState,
    override: Partial<SpacingRule> = {},
  ) {
    this.rule = { ...spacingRule(measureEventBytes(db, trace)), ...override };
    this.untilNext = nextGap(encodeState(initial).length, this.rule);
  }

  /** Call after every step of a replay from event 0, in order. */
  observe(step: ReplayStep): void {
    if (step.event.seq !== this.lastSeq + 1) throw new Error(`snapshot recorder saw event ${step.event.seq} after ${this.lastSeq}`);
    this.lastSeq = step.event.seq;
    this.lastState = step.state;
    this.sinceLast++;
    if (this.sinceLast >= this.untilNext) this.take(step.event.seq, step.state);
  }

  private take(seq: number, state: MachineState): void {
    const blob = encodeState(state);
    this.pending.push({ seq, blob });
    this.maxGap = Math.max(this.maxGap, this.sinceLast);
    this.sinceLast = 0;
    this.untilNext = nextGap(blob.length, this.rule);
  }

  /** After the last event: a snapshot of the final state too, then the set. Incomplete replays write nothing. */
  finish(): RecordedSet {
    const complete = this.lastSeq === this.trace.eventCount - 1;
    if (complete && this.lastState && this.pending.at(-1)?.seq !== this.lastSeq) this.take(this.lastSeq, this.lastState);
    const bytes = this.pending.reduce((sum, s) => sum + s.blob.length, 0);
    if (!complete) return { written: false, snapshots: [], count: 0, bytes: 0, maxGap: 0 };
    let written: boolean;
    try {
      written = writeSnapshotSet(
        this.db,
        { ...this.key, maxGap: this.maxGap, spacing: { ...this.rule, events: this.trace.eventCount } },
        this.pending,
      );
    } catch (error) {
      // A read-only, busy or full file still answers: the snapshots are a cache, kept in memory instead.
      if (!isRefusedWrite(error)) throw error;
      written = false;
    }
    return { written, snapshots: this.pending, count: this.pending.length, bytes, maxGap: this.maxGap };
  }
}
