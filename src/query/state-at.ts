import type { MachineState } from '../model/state.js';
import type { Policies } from '../engine/policy/registry.js';
import { fold, type ReplayStep } from '../engine/replay.js';
import { readEvents } from '../store/event-reader.js';
import type { SqlDatabase } from '../store/sql.js';
import type { TraceRecord } from '../store/traces.js';
import { initialStateFor } from './initial-state.js';
import { PositionError } from '../errors.js';


export function checkPosition(trace: TraceRecord, at: number): void {
  if (!Number.isInteger(at) || at < 0 || at >= trace.eventCount) {
    throw new PositionError(`event ${at} is outside trace '${trace.name}' (events 0 to ${trace.eventCount - 1})`);
  }
}

/** The state after event `at`, and that event's step. */
export function stateAt(db: SqlDatabase, trace: TraceRecord, at: number, policies: Policies): { state: MachineState; step?: ReplayStep } {
  checkPosition(trace, at);
  let last: ReplayStep | undefined;
  const state = fold(readEvents(db, trace, { to: at }), policies, initialStateFor(trace), (step) => {
    if (step.event.seq === at) last = step;
  });
  return { state, ...(last ? { step: last } : {}) };
}
