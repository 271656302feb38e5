import { from, scan, type Observable } from 'rxjs';
import type { Effect } from '../model/effect.js';
import type { TraceEvent } from '../model/event.js';
import type { MachineState } from '../model/state.js';
import { evolve } from './evolve.js';
import type { PolicySet } from './policy/policy-set.js';

export interface ReplayStep {
  event: TraceEvent;
  state: MachineState;
  effects: Effect[];
}

/** Replay as a stream: rxjs `scan` over the events, one step per event. */
export function replay$(events: Iterable<TraceEvent>, policies: PolicySet, initial: MachineState): Observable<ReplayStep> {
  return from(events).pipe(
    scan<TraceEvent, ReplayStep>(
      (previous, event) => {
        const { state, effects } = evolve(previous.state, event, policies);
        return { event, state, effects };
      },
      { state: initial } as ReplayStep,
    ),
  );
}

/** The same fold as a plain loop, for callers that only want the end state. */
export function fold(
  events: Iterable<TraceEvent>,
  policies: PolicySet,
  initial: MachineState,
  onStep?: (step: ReplayStep) => void,
): MachineState {
  let state = initial;
  for (const event of events) {
    const step = evolve(state, event, policies);
    state = step.state;
    onStep?.({ event, state, effects: step.effects });
  }
  return state;
}
