import type { Effect } from '../model/effect.js';
import type { TraceEvent } from '../model/event.js';
import type { MachineState } from '../model/state.js';
import { HvreplayError, PredicateBudgetError, PredicateError } from '../errors.js';
import { underABudget, withinBudget } from './budget.js';
import { predicateEnvironment } from './predicate-env.js';

// Predicates for bisect (and the debugger's breakpoints): CEL expressions (https://cel.dev, the
// @marcbachmann/cel-js implementation) over three variables:
//
//   state    the machine state after the event (src/model/state.ts), e.g. state.vms[0].status
//   event    the event itself (src/model/event.ts): event.seq, event.kind, event.name, event.args.slot
//   effects  what the policies predicted for it (src/model/effect.ts), a list: effects.exists(e, e.kind == "crash")
//
// The rule for absent data: a predicate that reads a key or index that is not there (no VM yet, a vCPU
// with no lastExit) is false as a whole, so `state.vms[0].status == "crashed"` is simply false before
// KVM_CREATE_VM. cel-js raises `no_such_key` or `index_out_of_bounds` there; we catch exactly those codes. CEL's own logic still
// applies first: `||` and `&&` absorb an error when the other side decides (`size(state.vms) == 0 ||
// state.vms[0].status == "running"` is true with no VM), and `has(state.vms[0].vcpus[0].lastExit)`
// tests for presence. Any other evaluation error (comparing a string with a number, say) is the
// user's mistake and is reported with its position, as is a result that is not a boolean.

export interface PredicateContext {
  state: MachineState;
  event?: TraceEvent;
  effects?: readonly Effect[];
}

export type Predicate = (ctx: PredicateContext) => boolean;

export { PredicateError };

/**
 * The time one evaluation may take. Ordinary predicates take microseconds; a second is a runaway (a
 * backtracking regular expression, comprehensions nested over large lists, a list doubled until the
 * heap is gone: 30 s of growth reach V8's 4 GB limit, a second reaches 150 MB). Measured, not counted:
 * cel-js has no step hook, and `matches` uses JavaScript's backtracking RegExp.
 */
export const PREDICATE_BUDGET_MS = 1000;

/** The predicate being evaluated, for a budget that runs out around it (a debugger scan's). */
let evaluating: { expr: string; seq: number | undefined } | undefined;

/** True while a predicate is being evaluated (or was, when its evaluation was stopped from outside). */
export function predicateRunning(): boolean {
  return evaluating !== undefined;
}

export function budgetError(what = evaluating): PredicateBudgetError {
  evaluating = undefined;
  return new PredicateBudgetError(
    what
      ? `predicate '${what.expr}' ran past its budget of ${PREDICATE_BUDGET_MS / 1000} s at event ${what.seq ?? '?'}: it was stopped; simplify it (a regular expression that backtracks, comprehensions nested over large lists)`
      : `the scan ran past its budget of ${PREDICATE_BUDGET_MS / 1000} s on one event and was stopped`,
  );
}

interface CelLikeError {
  name?: string;
  code?: string;
  message: string;
}

/** cel-js's codes for a key that is not there and an index past the end of a list. */
const ABSENT = new Set(['no_such_key', 'index_out_of_bounds']);

type Program = (ctx: Record<string, unknown>) => unknown;

function compile(expr: string): Program {
  try {
    return predicateEnvironment().parse(expr) as unknown as Program;
  } catch (error) {
    throw new PredicateError(`cannot parse predicate: ${(error as CelLikeError).message}`);
  }
}

/**
 * A predicate evaluated within PREDICATE_BUDGET_MS: alone under its own budget, or inside the budget of
 * a caller that batches evaluations (withinBudget). A stopped evaluation may have left the compiled
 * program's internals half way, so the next evaluation compiles it afresh.
 */
export function compilePredicate(expr: string): Predicate {
  let program = compile(expr);
  let stopped = false;
  const evaluate = (ctx: PredicateContext): unknown => {
    if (stopped) program = compile(expr);
    stopped = true;
    evaluating = { expr, seq: ctx.event?.seq ?? ctx.state.seq };
    const value = program({ state: ctx.state, event: ctx.event ?? {}, effects: ctx.effects ?? [] });
    stopped = false;
    evaluating = undefined;
    return value;
  };
  return (ctx) => {
    let value: unknown;
    try {
      value = underABudget()
        ? evaluate(ctx)
        : withinBudget(
            PREDICATE_BUDGET_MS,
            () => evaluate(ctx),
            () => budgetError(),
          );
    } catch (error) {
      evaluating = undefined;
      // Stopped by its budget or by Ctrl-C: the program stays marked, and is compiled again next time.
      if (error instanceof HvreplayError) throw error;
      stopped = false;
      if (ABSENT.has(String((error as CelLikeError).code))) return false;
      throw new PredicateError(`cannot evaluate predicate at event ${ctx.event?.seq ?? ctx.state.seq}: ${(error as CelLikeError).message}`);
    }
    if (typeof value !== 'boolean')
      throw new PredicateError(
        `predicate '${expr}' gave ${typeof value === 'bigint' ? 'an int' : JSON.stringify(value)}, not true or false`,
      );
    return value;
  };
}
