import { PositionError } from '../errors.js';
import type { TraceRecord } from '../store/traces.js';

// An event position as people write it: `N` or `@N` (the state after event N, as the debugger's
// prompt shows it), `start` (the first event) or `end` (the last), the same for `state --at`, `log
// --from/--to` and the debugger's `goto`.

export type Position = number | 'start' | 'end';

/** The position a word names, or undefined when it names none. */
export function parsePosition(word: string): Position | undefined {
  const text = word.trim();
  if (text === 'start' || text === 'end') return text;
  return /^@?\d+$/.test(text) ? Number(text.replace('@', '')) : undefined;
}

/** The seq a position names in a trace of `last + 1` events. */
export function seqAt(position: Position, last: number): number {
  return position === 'start' ? 0 : position === 'end' ? last : position;
}

/** The seq a position names in this trace; a trace without events has none. */
export function seqIn(trace: TraceRecord, position: Position): number {
  if (trace.eventCount === 0) throw new PositionError(`trace '${trace.name}' has no events`);
  return seqAt(position, trace.eventCount - 1);
}
