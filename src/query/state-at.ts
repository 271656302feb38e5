import type { MachineState } from '../model/state.js';
import type { PolicySet } from '../engine/policy/policy-set.js';
import type { ReplayStep } from '../engine/replay.js';
import type { SqlDatabase } from '../store/sql.js';
import type { TraceRecord } from '../store/traces.js';
import { Seeker, checkPosition } from './seek.js';

export { checkPosition };

/** The state after event `at`, and that event's step: a seek (nearest snapshot, then a short fold). */
export function stateAt(db: SqlDatabase, trace: TraceRecord, at: number, policies: PolicySet): { state: MachineState; step?: ReplayStep } {
  const step = new Seeker(db, trace, policies).stepAt(at);
  return { state: step.state, step };
}
