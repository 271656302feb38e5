import { Script, createContext } from 'node:vm';
import { InterruptedError } from '../errors.js';

// A bound on synchronous work whose cost the user decides: a CEL predicate can backtrack through a
// regular expression, nest comprehensions a thousand wide, or build lists until the heap runs out, and
// while it runs the event loop is blocked, so neither a timer nor a SIGINT handler gets to stop it.
// Node's vm module can: a script run with `timeout` is terminated by a watchdog thread, and with
// `breakOnSigint` a SIGINT terminates it too. The script is one call back into our code, so the whole
// call is under the watchdog. A watchdog costs about 0.17 ms to start, so callers put a batch of work
// under one budget (a debugger scan slice), not each evaluation; nested calls run inside the outer one.

const context = createContext({ run: undefined as (() => unknown) | undefined });
const script = new Script('run()', { filename: 'hvreplay-budget' });
let depth = 0;

/** True while some caller's budget already covers the current work. */
export function underABudget(): boolean {
  return depth > 0;
}

/**
 * `work()` terminated after `ms` milliseconds (then `overrun()` is thrown), or when SIGINT arrives
 * (InterruptedError). Terminated work may leave the objects it was changing half changed: callers
 * discard them.
 */
export function withinBudget<T>(ms: number, work: () => T, overrun: () => Error): T {
  if (depth > 0) return work();
  depth++;
  context.run = work;
  try {
    return script.runInContext(context, { timeout: Math.max(1, Math.round(ms)), breakOnSigint: true }) as T;
  } catch (error) {
    const code = (error as { code?: unknown } | null)?.code;
    if (code === 'ERR_SCRIPT_EXECUTION_TIMEOUT') throw overrun();
    if (code === 'ERR_SCRIPT_EXECUTION_INTERRUPTED') throw new InterruptedError('interrupted');
    throw error;
  } finally {
    context.run = undefined;
    depth--;
  }
}
