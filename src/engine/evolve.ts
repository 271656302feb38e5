import type { Effect } from '../model/effect.js';
import { eventKey, UNDECODED, type TraceEvent } from '../model/event.js';
import type { MachineState } from '../model/state.js';
import type { ReduceContext } from './context.js';
import type { PolicySet } from './policy/policy-set.js';
import { policyFailure, UserPolicyThrew } from './policy/user-failure.js';
import { learnIoctlFd, unknownFd } from './reducers/ioctl-target.js';

export interface Step {
  state: MachineState;
  effects: Effect[];
}

/**
 * The one reducer: pure and deterministic. It never mutates `state` (untouched branches are shared
 * with the result) and reads nothing but its arguments. Each event goes to the one reducer that owns
 * its key on the trace's architecture (the core's or an area's, PolicySet); an event nobody owns
 * changes nothing but the clock.
 */
export function evolve(state: MachineState, event: TraceEvent, policies: PolicySet): Step {
  const ctx: ReduceContext = { event, policies, effects: [] };
  // `now` only moves forward: a merged trace places a call at its return but stamps it with its start.
  const now = event.ts === undefined ? state.now : state.now === null ? event.ts : Math.max(state.now, event.ts);
  let next: MachineState = { ...state, seq: event.seq, now };
  if (event.kind === 'ioctl') next = learnIoctlFd(next, event);
  const reducer = event.args[UNDECODED] === true ? undefined : policies.route(eventKey(event), next.host.arch);
  try {
    if (reducer) next = reducer(next, event, ctx);
    else if (event.args[UNDECODED] === true) ctx.effects.push({ kind: 'unmodelled', reason: `${event.name} without its argument decoded` });
    else if (event.kind === 'ioctl') next = unknownFd(next, event, ctx);
  } catch (error) {
    if (error instanceof UserPolicyThrew) throw policyFailure(error, event);
    throw error;
  }
  return { state: next, effects: ctx.effects };
}
