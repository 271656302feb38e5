import type { PolicySet } from '../engine/policy/policy-set.js';
import { fold, type ReplayStep } from '../engine/replay.js';
import type { MachineState } from '../model/state.js';
import { readEvents } from '../store/event-reader.js';
import {
  decodeState,
  findSnapshotSet,
  nearestSnapshot,
  type PendingSnapshot,
  type SnapshotKey,
  type SnapshotSet,
} from '../store/snapshots.js';
import type { SqlDatabase } from '../store/sql.js';
import { StringTable } from '../store/strings.js';
import type { TraceRecord } from '../store/traces.js';
import { PositionError } from '../errors.js';
import { initialStateFor } from './initial-state.js';
import { snapshotKey } from './snapshots/key.js';
import { SnapshotRecorder } from './snapshots/recorder.js';
import { MAX_GAP, type SpacingRule } from './snapshots/spacing.js';

// Time travel: the state after event N is the nearest snapshot before N, then a fold over the events
// after it, reading only those rows. Without snapshots for this trace, policy set and engine, a seek
// past the first MAX_GAP events builds them first with one full replay (the same pass a full replay
// command makes), so every later seek, in this process or the next, folds at most MAX_GAP events.

export interface SeekOptions {
  /** Engine fingerprint; tests pass another to check that foreign snapshots are ignored. */
  engine?: string;
  /** 'auto' (default): build snapshots when a seek would fold more than MAX_GAP events; 'never': fold from 0. */
  build?: 'auto' | 'never';
  /** Override the spacing rule (tests: many snapshots on a short trace). */
  spacing?: Partial<SpacingRule>;
}

export interface SeekStats {
  /** States rebuilt (one per stepAt call). */
  rebuilt: number;
  /** Events folded by those rebuilds. */
  folded: number;
  /** Snapshot sets built by this seeker (0 or 1). */
  built: number;
}

export function checkPosition(trace: TraceRecord, at: number): void {
  if (!Number.isInteger(at) || at < 0 || at >= trace.eventCount) {
    throw new PositionError(`event ${at} is outside trace '${trace.name}' (events 0 to ${trace.eventCount - 1})`);
  }
}

export class Seeker {
  readonly stats: SeekStats = { rebuilt: 0, folded: 0, built: 0 };
  private readonly key: SnapshotKey | undefined;
  private set: SnapshotSet | undefined;
  /** Snapshots this seeker built but could not store (a full disk, read-only media): used from memory. */
  private unstored: readonly PendingSnapshot[] | undefined;
  private readonly strings: StringTable;
  private readonly initial: MachineState;

  constructor(
    private readonly db: SqlDatabase,
    readonly trace: TraceRecord,
    readonly policies: PolicySet,
    private readonly options: SeekOptions = {},
  ) {
    this.key = snapshotKey(trace, policies, options.engine);
    this.set = this.key && findSnapshotSet(db, this.key);
    this.strings = new StringTable(db);
    this.initial = initialStateFor(trace);
  }

  get snapshots(): SnapshotSet | undefined {
    return this.set;
  }

  /** Builds the snapshot set with one full replay, unless it exists or cannot be stored. */
  ensureSnapshots(): SnapshotSet | undefined {
    if (this.set || this.unstored || !this.key || this.trace.eventCount === 0) return this.set;
    const recorder = new SnapshotRecorder(this.db, this.trace, this.key, this.initial, this.options.spacing);
    fold(readEvents(this.db, this.trace, {}, this.strings), this.policies, this.initial, (step) => recorder.observe(step));
    const recorded = recorder.finish();
    this.stats.built++;
    this.set = findSnapshotSet(this.db, this.key);
    if (!this.set && !recorded.written) this.unstored = recorded.snapshots;
    return this.set;
  }

  /** The kept snapshot with the greatest seq <= `seq`, from the store or from memory. */
  private nearest(seq: number): { seq: number; state: MachineState } | undefined {
    if (this.set && this.key) return nearestSnapshot(this.db, this.key, seq);
    const kept = this.unstored;
    if (!kept) return undefined;
    let lo = 0;
    let hi = kept.length - 1;
    let found: PendingSnapshot | undefined;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      if (kept[mid]!.seq <= seq) {
        found = kept[mid];
        lo = mid + 1;
      } else hi = mid - 1;
    }
    return found && { seq: found.seq, state: decodeState(found.blob, found.seq) };
  }

  /** The state after event `at`, with that event and its effects. */
  stepAt(at: number): ReplayStep {
    checkPosition(this.trace, at);
    if (!this.set && at > MAX_GAP && this.options.build !== 'never') this.ensureSnapshots();
    // A snapshot strictly before `at`, so the fold always applies event `at` and yields its effects.
    const base = at > 0 ? this.nearest(at - 1) : undefined;
    const from = base ? base.seq + 1 : 0;
    let last: ReplayStep | undefined;
    fold(readEvents(this.db, this.trace, { from, to: at }, this.strings), this.policies, base?.state ?? this.initial, (step) => {
      last = step;
    });
    this.stats.rebuilt++;
    this.stats.folded += at - from + 1;
    if (!last || last.event.seq !== at)
      throw new Error(`trace '${this.trace.name}' has no event ${at} although it counts ${this.trace.eventCount}`);
    return last;
  }

  stateAt(at: number): MachineState {
    return this.stepAt(at).state;
  }
}
