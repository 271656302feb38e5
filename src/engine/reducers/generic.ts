import type { MachineState } from '../../model/state.js';
import type { ReduceContext } from '../context.js';
import { processOf } from '../lookup.js';
import { askReduce } from '../policy/ask.js';
import { withProcess } from '../update.js';

// Events outside the modelled vocabulary change nothing, except a task's exit, which ends a process
// when the task is its leader (strace's `+++ exited with N +++`).

export function reduceGeneric(state: MachineState, ctx: ReduceContext): MachineState {
  const { event } = ctx;
  if (event.name === 'task_exit' && (event.tid === undefined || event.tid === event.pid)) {
    const process = processOf(state, event);
    const code = event.args.code;
    const signal = event.args.signal;
    return withProcess(state, {
      ...process,
      exited: { ...(typeof code === 'number' ? { code } : {}), ...(typeof signal === 'string' ? { signal } : {}) },
    });
  }
  return askReduce(state, ctx) ?? state;
}
