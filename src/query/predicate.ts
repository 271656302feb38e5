import { parse } from '@marcbachmann/cel-js';
import type { Effect } from '../model/effect.js';
import type { TraceEvent } from '../model/event.js';
import type { MachineState } from '../model/state.js';
import { PredicateError } from '../errors.js';

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

interface CelLikeError {
  name?: string;
  code?: string;
  message: string;
}

/** cel-js's codes for a key that is not there and an index past the end of a list. */
const ABSENT = new Set(['no_such_key', 'index_out_of_bounds']);

export function compilePredicate(expr: string): Predicate {
  let program: (ctx: Record<string, unknown>) => unknown;
  try {
    program = parse(expr) as unknown as (ctx: Record<string, unknown>) => unknown;
  } catch (error) {
    throw new PredicateError(`cannot parse predicate: ${(error as CelLikeError).message}`);
  }
  return (ctx) => {
    let value: unknown;
    try {
      value = program({ state: ctx.state, event: ctx.event ?? {}, effects: ctx.effects ?? [] });
    } catch (error) {
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
