import type { ReduceContext } from '../context.js';

// What a rule says a call returns: a value, an errno, or that it cannot tell (and why). Pushed as the
// call's effect, the result conform holds against the trace's, or an `unmodelled` with the reason.

export type Answer = { ret: number } | { errno: string } | { unmodelled: string };

export function pushAnswer(ctx: ReduceContext, answer: Answer): void {
  ctx.effects.push('unmodelled' in answer ? { kind: 'unmodelled', reason: answer.unmodelled } : { kind: 'result', ...answer });
}
