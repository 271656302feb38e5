import type { TraceEvent } from '../../model/event.js';
import { PolicyFailure } from '../../errors.js';
import type { Policy } from './define.js';

// A user's policy is code hvreplay did not write: when it throws, the user needs their file and the
// event it failed on, not hvreplay's stack. Its functions are wrapped so that a throw is marked as
// theirs; evolve() adds the event. Built-in policies are not wrapped: their throws are hvreplay's bugs.

export class UserPolicyThrew extends Error {
  constructor(
    readonly policy: Policy,
    readonly why: string,
  ) {
    super(why);
  }
}

type AnyFunction = (...args: never[]) => unknown;

/** The identity for built-in policies; for a user's, a wrapper that marks what their function throws. */
export function guardUserPolicy(policy: Policy): <F extends AnyFunction>(fn: F) => F {
  if (!('file' in policy.origin)) return (fn) => fn;
  return <F extends AnyFunction>(fn: F): F =>
    ((...args: Parameters<F>) => {
      try {
        return fn(...args);
      } catch (error) {
        if (error instanceof UserPolicyThrew) throw error;
        throw new UserPolicyThrew(policy, error instanceof Error ? (error.stack ?? error.message) : String(error));
      }
    }) as F;
}

/** The message and the stack frames in the user's own file (hvreplay's frames would only hide theirs). */
function theirFrames(why: string): string[] {
  const [message = '', ...frames] = why.split('\n');
  const own = frames
    .filter((line) => line.includes('?sha256='))
    .map((line) => line.replace(/^\s*/, '    ').replace(/\?sha256=[0-9a-f]+/, ''));
  return [message, ...own];
}

export function policyFailure(error: UserPolicyThrew, event: TraceEvent): PolicyFailure {
  const origin = error.policy.origin;
  const file = 'file' in origin ? origin.file : error.policy.id;
  const where = event.src ? ` (${event.src.file}:${event.src.line})` : '';
  return new PolicyFailure(
    [
      `policy ${error.policy.id} from ${file} failed at event @${event.seq} ${event.kind}:${event.name}${where}:`,
      ...theirFrames(error.why).map((l) => `  ${l}`),
      'nothing stored was changed',
    ].join('\n'),
  );
}
