import { RUN_STATES, type RunState, type Runstate } from '../model/state.js';

/**
 * Leave the current run state at `at`, adding the time spent in it, as Xen's vcpu_runstate_change().
 * Time never runs backwards here: a merged trace orders a call by its return but stamps it with its
 * start, and one observer's clock may trail another's, so an `at` before the state's entry counts as
 * the entry itself. The times then always add up to the span from the first entry to the last.
 */
export function enterRunstate(runstate: Runstate, to: RunState, at: number | null): Runstate {
  if (runstate.state === to) return runstate;
  const time: Runstate['time'] = [...runstate.time];
  const index = RUN_STATES.indexOf(runstate.state);
  const entry = runstate.stateEntryTime;
  const when = at === null ? entry : entry === null ? at : Math.max(at, entry);
  if (when !== null && entry !== null) time[index] = (time[index] ?? 0) + (when - entry);
  return { state: to, stateEntryTime: when, time };
}

/** Seconds in each run state up to `now`, the current stretch included: their sum is the time since the run state began. */
export function runstateTimesAt(runstate: Runstate, now: number | null): Runstate['time'] {
  const time: Runstate['time'] = [...runstate.time];
  const entry = runstate.stateEntryTime;
  const index = RUN_STATES.indexOf(runstate.state);
  if (now !== null && entry !== null && now > entry) time[index] = (time[index] ?? 0) + (now - entry);
  return time;
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
