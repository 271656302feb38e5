import { RUN_STATES, type RunState, type Runstate } from '../model/state.js';

/** Leave the current run state at `at`, adding the time spent in it, as Xen's vcpu_runstate_change(). */
export function enterRunstate(runstate: Runstate, to: RunState, at: number | null): Runstate {
  if (runstate.state === to) return runstate;
  const time: Runstate['time'] = [...runstate.time];
  const index = RUN_STATES.indexOf(runstate.state);
  if (at !== null && runstate.stateEntryTime !== null) time[index] = (time[index] ?? 0) + (at - runstate.stateEntryTime);
  return { state: to, stateEntryTime: at ?? runstate.stateEntryTime, time };
}

/**
 * sched_switch's prev_state for the task leaving the CPU: "R" or "R+" is preemption (runnable);
 * "Z"/"X" is a dead task (offline); every other letter is a sleep (blocked).
 * Letters from TASK_REPORT in include/linux/sched.h via the sched_switch TP_printk.
 */
export function runstateAfterSwitchOut(prevState: string): RunState {
  if (prevState.startsWith('R')) return 'runnable';
  if (prevState.startsWith('Z') || prevState.startsWith('X')) return 'offline';
  return 'blocked';
}
