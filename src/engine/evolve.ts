import type { Effect } from '../model/effect.js';
import { UNDECODED, type TraceEvent } from '../model/event.js';
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
/** The state's top-level parts, which evolve() names one by one: a part added to MachineState must be added here. */
const STATE_PARTS: Record<keyof MachineState, true> = { seq: true, now: true, host: true, vms: true };
void STATE_PARTS;

export function evolve(state: MachineState, event: TraceEvent, policies: PolicySet): Step {
  // `now` only moves forward: a merged trace places a call at its return but stamps it with its start.
  const now = event.ts === undefined ? state.now : state.now === null ? event.ts : Math.max(state.now, event.ts);
  // The state's four parts named, not spread: a spread of states made by many reducers (objects of
  // many hidden classes) was most of a replay's time outside reading.
  let next: MachineState = { seq: event.seq, now, host: state.host, vms: state.vms };
  const owner = policies.routeOf(event.kind, event.name, state.host.arch);
  const undecoded = event.args[UNDECODED] === true;
  const reducer = undecoded ? undefined : owner;
  // An event nobody owns (most of a big trace: a guest's instructions) changes nothing but the clock.
  if (!reducer && !undecoded && event.kind !== 'ioctl') return { state: next, effects: [] };
  const ctx: ReduceContext = { event, policies, effects: [] };
  if (event.kind === 'ioctl') next = learnIoctlFd(next, event);
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
