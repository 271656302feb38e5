import type { ReplayStep } from '../../engine/replay.js';
import type { MachineState } from '../../model/state.js';
import { encodeState, SnapshotSetWriter, type PendingSnapshot, type SnapshotKey } from '../../store/snapshots.js';
import type { SqlDatabase } from '../../store/sql.js';
import type { TraceRecord } from '../../store/traces.js';
import { measureEventBytes, nextGap, spacingRule, type SpacingRule } from './spacing.js';

// Builds a snapshot set during a full replay: watches every step and hands the compressed states the
// spacing rule picks to the store as they are made (SnapshotSetWriter: short transactions of a few
// hundred, under a key no reader looks up, made visible all at once at the end). So memory does not
// grow with the trace (10M events: 740 MB when every snapshot was held to the end, each keeping zlib's
// 16 KiB buffer alive), no write lock is held for the whole replay, and a replay that dies half way
// leaves no set behind.

export interface RecordedSet {
  written: boolean;
  /** The snapshots that could not be written (read-only media, a full disk), for a reader to use from memory. */
  snapshots: readonly PendingSnapshot[];
  count: number;
  bytes: number;
  maxGap: number;
}

export class SnapshotRecorder {
  private readonly writer: SnapshotSetWriter;
  private lastTakenSeq = -1;
  private readonly rule: SpacingRule;
  private untilNext: number;
  private sinceLast = 0;
  private maxGap = 0;
  private lastSeq = -1;
  private lastState: MachineState | undefined;

  constructor(
    db: SqlDatabase,
    private readonly trace: TraceRecord,
    key: SnapshotKey,
    initial: MachineState,
    override: Partial<SpacingRule> = {},
  ) {
    this.rule = { ...spacingRule(measureEventBytes(db, trace)), ...override };
    this.writer = new SnapshotSetWriter(db, key);
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
    this.writer.add(seq, blob);
    this.lastTakenSeq = seq;
    this.maxGap = Math.max(this.maxGap, this.sinceLast);
    this.sinceLast = 0;
    this.untilNext = nextGap(blob.length, this.rule);
  }

  /** After the last event: a snapshot of the final state too, then the set. Incomplete replays write nothing. */
  finish(): RecordedSet {
    const complete = this.lastSeq === this.trace.eventCount - 1;
    if (!complete) {
      this.writer.abandon();
      return { written: false, snapshots: [], count: 0, bytes: 0, maxGap: 0 };
    }
    if (this.lastState && this.lastTakenSeq !== this.lastSeq) this.take(this.lastSeq, this.lastState);
    const { written, unstored, count, bytes } = this.writer.finish({
      maxGap: this.maxGap,
      spacing: { ...this.rule, events: this.trace.eventCount },
    });
    return { written, snapshots: unstored, count, bytes, maxGap: this.maxGap };
  }
}
