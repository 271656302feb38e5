import type { PolicySet } from '../../engine/policy/policy-set.js';
import type { ReplayStep } from '../../engine/replay.js';
import type { MachineState } from '../../model/state.js';
import { findSnapshotSet, type SnapshotKey } from '../../store/snapshots.js';
import type { SqlDatabase } from '../../store/sql.js';
import type { TraceRecord } from '../../store/traces.js';
import { snapshotKey } from './key.js';
import { SnapshotRecorder } from './recorder.js';

/**
 * For a full replay about to start: a recorder when the trace has no complete snapshot set for these
 * policies and this engine (so the first full replay builds it), else undefined.
 */
export function recorderFor(
  db: SqlDatabase,
  trace: TraceRecord,
  policies: PolicySet,
  initial: MachineState,
  key: SnapshotKey | undefined = snapshotKey(trace, policies),
): SnapshotRecorder | undefined {
  if (!key || trace.eventCount === 0 || findSnapshotSet(db, key)) return undefined;
  return new SnapshotRecorder(db, trace, key, initial);
}

/** Wraps a replay's onStep so that the recorder sees each step first. */
export function recording(
  recorder: SnapshotRecorder | undefined,
  onStep?: (step: ReplayStep) => void,
): ((step: ReplayStep) => void) | undefined {
  if (!recorder) return onStep;
  return (step) => {
    recorder.observe(step);
    onStep?.(step);
  };
}
