import { toBig } from '../../model/address.js';
import type { Effect } from '../../model/effect.js';
import type { ObservedResult } from '../../model/event.js';

// A call's return as the trace observed it and as a policy predicted it (strace's ioctl and syscall lines).

export type ResultEffect = Extract<Effect, { kind: 'result' }>;

/** One observation: the text of what was seen, or undefined when the source shows nothing. */
export function observedResult(r: ObservedResult | undefined): string | undefined {
  if (!r) return undefined;
  if (r.errno !== undefined) return r.errno;
  if (r.ret !== undefined) return String(r.ret);
  return undefined;
}

export function predictedResult(e: ResultEffect): string {
  if (e.errno !== undefined) return e.errno;
  if (e.newFd !== undefined) return `a new ${e.newFd} fd`;
  return String(e.ret);
}

/** newFd matches any non-negative return; errno matches errno; ret matches ret (as integers). */
export function resultMatches(predicted: ResultEffect, observed: ObservedResult): boolean {
  if (predicted.errno !== undefined) return observed.errno === predicted.errno;
  if (observed.errno !== undefined) return false;
  const ret = toBig(observed.ret);
  if (predicted.newFd !== undefined) return ret !== undefined && ret >= 0n;
  return ret !== undefined && predicted.ret !== undefined && ret === BigInt(predicted.ret);
}
