import type { NewEvent } from '../../model/event.js';
import { MinHeap } from './heap.js';

// One file's events, each with the time it is merged by. strace prints a call when it starts (its
// -ttt time is the entry), but reports its outcome: merged by its return (ts + -T duration), an
// ftrace event inside the call (kvm_mmio, kvm_userspace_exit) comes before it, cause before result.
// Return order is not the file's order (a long KVM_RUN returns after calls started later), so a heap
// reorders: a file's start times only grow, so once an event starting at W has been read, nothing
// later can be merged before W and everything keyed <= W may go. One thread's events keep the file's
// order: strace prints microseconds, so a call that starts in the microsecond its predecessor
// returned in can print a return before that one's.

export interface Keyed {
  key: number;
  event: NewEvent;
  /** Position within its file, the last tie-breaker. */
  ordinal: number;
}

export type KeyOf = (event: NewEvent) => number | undefined;

const lessKeyed = (a: Keyed, b: Keyed): boolean => a.key < b.key || (a.key === b.key && a.ordinal < b.ordinal);

/** strace: merged by return time. */
export const returnTime: KeyOf = (e) => (e.ts === undefined ? undefined : e.ts + (e.result?.duration ?? 0));

export async function* keyedBatches(
  batches: AsyncIterable<NewEvent[]>,
  keyOf: KeyOf,
  onOutOfOrder: (event: NewEvent) => void,
): AsyncGenerator<Keyed[]> {
  const heap = new MinHeap<Keyed>(lessKeyed);
  let ordinal = 0;
  /** The latest start time seen, and the latest key released. */
  let watermark = -Infinity;
  let released = -Infinity;
  const lastOfThread = new Map<number, number>();
  for await (const batch of batches) {
    const out: Keyed[] = [];
    for (const event of batch) {
      // Untimed events (a signal line without -t) keep their place: the time of what came before.
      const key = keyOf(event) ?? Math.max(watermark, released);
      if (event.ts !== undefined) {
        if (event.ts < watermark) onOutOfOrder(event);
        else watermark = event.ts;
      }
      let k = Math.max(key, released);
      if (event.tid !== undefined) {
        k = Math.max(k, lastOfThread.get(event.tid) ?? -Infinity);
        lastOfThread.set(event.tid, k);
      }
      heap.push({ key: k, event, ordinal: ordinal++ });
      while (heap.size > 0 && heap.peek()!.key <= watermark) {
        const k = heap.pop()!;
        released = k.key;
        out.push(k);
      }
    }
    if (out.length > 0) yield out;
  }
  const rest: Keyed[] = [];
  while (heap.size > 0) rest.push(heap.pop()!);
  if (rest.length > 0) yield rest;
}
