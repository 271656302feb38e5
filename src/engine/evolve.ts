import type { Effect } from '../model/effect.js';
import type { TraceEvent } from '../model/event.js';
import type { MachineState } from '../model/state.js';
import type { ReduceContext } from './context.js';
import { askReduce } from './policy/ask.js';
import type { Policies } from './policy/registry.js';
import { reduceExit } from './reducers/exits.js';
import { reduceGeneric } from './reducers/generic.js';
import { reduceGuest } from './reducers/guest.js';
import { reduceIoctl } from './reducers/ioctl.js';
import { reduceContextSwitch } from './reducers/sched.js';
import { reduceSyscall } from './reducers/syscall.js';

export interface Step {
  state: MachineState;
  effects: Effect[];
}

/**
 * The one reducer: pure and deterministic. It never mutates `state` (untouched branches are shared
 * with the result) and reads nothing but its arguments.
 */
export function evolve(state: MachineState, event: TraceEvent, policies: Policies): Step {
  const ctx: ReduceContext = { event, policies, effects: [] };
  // `now` only moves forward: a merged trace places a call at its return but stamps it with its start.
  const now = event.ts === undefined ? state.now : state.now === null ? event.ts : Math.max(state.now, event.ts);
  const clocked: MachineState = { ...state, seq: event.seq, now };
  let next: MachineState;
  switch (event.kind) {
    case 'ioctl':
      next = reduceIoctl(clocked, ctx);
      break;
    case 'syscall':
      next = reduceSyscall(clocked, ctx);
      break;
    case 'context_switch':
      next = reduceContextSwitch(clocked, ctx);
      break;
    case 'exit':
      next = reduceExit(clocked, ctx);
      break;
    case 'guest':
      next = reduceGuest(clocked, ctx);
      break;
    case 'generic':
      next = reduceGeneric(clocked, ctx);
      break;
    case 'fault':
    case 'hypercall':
    case 'marker':
      next = askReduce(clocked, ctx) ?? clocked;
      break;
    default:
      return assertNever(event.kind);
  }
  return { state: next, effects: ctx.effects };
}

function assertNever(kind: never): never {
  throw new Error(`unknown event kind ${String(kind)}`);
}
