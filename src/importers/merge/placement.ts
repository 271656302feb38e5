import type { NewEvent } from '../../model/event.js';
import type { ImportStats } from '../stats.js';
import { outcomeOf, reasonsDiffer, sameOutcome } from './outcome.js';
import { RUN_ONLY_EVENTS } from './structure-check.js';

// Where a vCPU thread's kernel events go in the merged order: inside the KVM_RUN call they happened
// in, whatever a few hundred microseconds of observer latency say (DESIGN.md, importers). The merge
// hands events over in time order; for each vCPU thread this holds back
//   - a KVM_RUN until its kvm_userspace_exit has gone out (then it goes right after it), and
//   - the thread's run-only kernel events (structure-check.ts) until the strace has gone far enough
//     that no call of the thread can still come before them, or the call they belong to has arrived.
// Calls and exits are paired in order: the oldest waiting call with the next exit, if the exit falls
// inside the call's window (its start and return, shifted by the lag of fit.ts, give or take `tol`)
// and their outcomes agree. An exit before the call's start has no call in the strace (the call
// happened before strace saw the thread); a call whose exit never comes in time has none in the
// ftrace (lost, or after tracing stopped). A kernel event past the call's window but before the next
// call's is still the call's: `tol` is a spread, not a bound, and calling the call's exit lost there
// would lose two for one.
// Holds last about `tol`, so memory stays bounded; a queue longer than QUEUE_LIMIT is let go.

export interface PlacementConfig {
  threads: ReadonlySet<number>;
  /** Median of exit - return on the merged clock (negative: the exit is earlier). */
  lagS: number;
  tolS: number;
  /** How long an exit waits for its call (fit.ts). */
  waitS: number;
}

export type Side = 'strace' | 'ftrace' | 'other';

export const PLACEMENT_STATS = {
  paired: 'merge.kvm_run_paired_with_exit',
  callWithoutExit: 'merge.kvm_run_without_exit',
  exitWithoutCall: 'merge.exit_without_kvm_run',
  overflow: 'merge.placement_queue_overflow',
  reasonsDiffer: 'merge.exit_reason_differs',
  pairedLate: 'merge.exit_paired_past_tolerance',
} as const;

const QUEUE_LIMIT = 1 << 16;

class Queue<T> {
  private items: T[] = [];
  private start = 0;
  get length(): number {
    return this.items.length - this.start;
  }
  get head(): T | undefined {
    return this.items[this.start];
  }
  push(item: T): void {
    this.items.push(item);
  }
  /** The first item after the head that `match` accepts. */
  findAfterHead(match: (item: T) => boolean): T | undefined {
    for (let i = this.start + 1; i < this.items.length; i++) if (match(this.items[i]!)) return this.items[i];
    return undefined;
  }
  shift(): T | undefined {
    const item = this.items[this.start++];
    if (this.start > 1024 && this.start * 2 > this.items.length) {
      this.items = this.items.slice(this.start);
      this.start = 0;
    }
    return item;
  }
}

interface Held {
  event: NewEvent;
  /** Its key in the merge (strace: return time; ftrace: time on the merged clock). */
  key: number;
}

interface Thread {
  calls: Queue<Held>;
  kernel: Queue<Held>;
}

const returnOf = (e: NewEvent): number | undefined =>
  e.ts === undefined || e.result?.duration === undefined ? undefined : e.ts + e.result.duration;

export class Placement {
  private readonly threads = new Map<number, Thread>();
  private readonly busy = new Set<number>();
  private straceBound = -Infinity;
  private ftraceBound = -Infinity;

  constructor(
    private readonly config: PlacementConfig,
    private readonly emit: (event: NewEvent, fromStrace: boolean) => void,
    private readonly stats: ImportStats,
  ) {}

  /** One event as the merge takes it, in key order per side. */
  offer(event: NewEvent, side: Side, key: number): void {
    const tid = event.tid;
    if (side === 'other' || tid === undefined || !this.config.threads.has(tid)) {
      this.emit(event, side === 'strace');
      return;
    }
    const t = this.thread(tid);
    if (side === 'strace') {
      if (t.calls.length === 0 && event.name !== 'KVM_RUN') this.emit(event, true);
      else t.calls.push({ event, key });
    } else if (RUN_ONLY_EVENTS.has(event.name)) t.kernel.push({ event, key });
    else {
      this.emit(event, false);
      return;
    }
    if (t.calls.length + t.kernel.length > QUEUE_LIMIT) this.overflow(tid, t);
    this.settle(tid, t);
  }

  /** The smallest key either side can still hand over; everything held that they allow goes out. */
  advance(straceBound: number, ftraceBound: number): void {
    this.straceBound = straceBound;
    this.ftraceBound = ftraceBound;
    for (const tid of this.busy) this.settle(tid, this.threads.get(tid)!);
  }

  /** Both sides are done: nothing more can come, so everything held goes out. */
  end(): void {
    this.advance(Infinity, Infinity);
  }

  private thread(tid: number): Thread {
    let t = this.threads.get(tid);
    if (!t) this.threads.set(tid, (t = { calls: new Queue(), kernel: new Queue() }));
    return t;
  }

  private settle(tid: number, t: Thread): void {
    const { lagS, tolS } = this.config;
    for (;;) {
      const call = t.calls.head;
      const kernel = t.kernel.head;
      if (call && kernel) {
        const end = returnOf(call.event);
        // The kernel event's time as strace would have seen it.
        const seen = kernel.key - lagS;
        if (kernel.event.name === 'kvm_userspace_exit') {
          const start = call.event.ts!;
          const fits = seen >= start - tolS && (end === undefined || seen <= end + tolS);
          const same = sameOutcome(outcomeOf(call.event), outcomeOf(kernel.event));
          const late = same && !fits && end !== undefined && seen > end + tolS ? this.stillTheCalls(t, seen, end) : false;
          if (late === 'wait') break;
          if ((fits && same) || late) {
            this.noteReasons(call.event, kernel.event);
            this.release(t.kernel, false);
            this.releaseCall(t);
            this.stats.count(PLACEMENT_STATS.paired);
            if (late) this.stats.count(PLACEMENT_STATS.pairedLate);
          } else if (seen < start - tolS) {
            this.release(t.kernel, false);
            this.stats.count(PLACEMENT_STATS.exitWithoutCall);
          } else {
            this.releaseCall(t);
            this.stats.count(PLACEMENT_STATS.callWithoutExit);
          }
        } else if (end !== undefined && seen > end + tolS) {
          // Past the call's window and still no exit: the call's, if the next call cannot have made
          // it yet; else the call's exit is not in the ftrace.
          const before = this.stillTheCalls(t, seen, end);
          if (before === 'wait') break;
          if (before) this.release(t.kernel, false);
          else {
            this.releaseCall(t);
            this.stats.count(PLACEMENT_STATS.callWithoutExit);
          }
        } else this.release(t.kernel, false);
      } else if (call) {
        const end = returnOf(call.event);
        const next = this.ftraceBound - lagS;
        const gone = end === undefined ? this.ftraceBound === Infinity : next > end + tolS && this.stillTheCalls(t, next, end) === false;
        if (!gone) break;
        this.releaseCall(t);
        this.stats.count(PLACEMENT_STATS.callWithoutExit);
      } else if (kernel) {
        // No call of the thread can come before it any more; an exit waits longer, for its own call,
        // whose return strace may see late (and the thread's later events wait behind it).
        const wait = kernel.event.name === 'kvm_userspace_exit' ? this.config.waitS : tolS;
        if (!(this.straceBound > kernel.key - lagS + wait)) break;
        if (kernel.event.name === 'kvm_userspace_exit') this.stats.count(PLACEMENT_STATS.exitWithoutCall);
        this.release(t.kernel, false);
      } else break;
    }
    if (t.calls.length + t.kernel.length > 0) this.busy.add(tid);
    else this.busy.delete(tid);
  }

  /**
   * Whether a kernel event seen after the head call's window (it returned at `end`) can still be that
   * call's: before the thread's next KVM_RUN could have made it, and no later than an exit waits for
   * its call (fit.ts waitS); 'wait' while the next call may still come.
   */
  private stillTheCalls(t: Thread, seen: number, end: number): boolean | 'wait' {
    const next = t.calls.findAfterHead((h) => h.event.name === 'KVM_RUN');
    if (next) return seen < next.event.ts! - this.config.tolS;
    if (seen > end + this.config.waitS) return false;
    return this.straceBound === Infinity ? true : 'wait';
  }

  /** One exit whose reason strace and the kernel name differently: kept, and said where. */
  private noteReasons(call: NewEvent, exit: NewEvent): void {
    const [a, b] = [outcomeOf(call), outcomeOf(exit)];
    if (!reasonsDiffer(a, b)) return;
    this.stats.finding(
      PLACEMENT_STATS.reasonsDiffer,
      call.src?.file ?? '',
      call.src?.line ?? 0,
      `strace says ${a}, the kernel's kvm_userspace_exit (${exit.src?.file}:${exit.src?.line}) says ${b}; the exit is counted once, as the kernel's`,
      '',
    );
  }

  private release(queue: Queue<Held>, fromStrace: boolean): void {
    this.emit(queue.shift()!.event, fromStrace);
  }

  /** The KVM_RUN at the head, then the thread's later strace events up to its next KVM_RUN. */
  private releaseCall(t: Thread): void {
    this.release(t.calls, true);
    while (t.calls.length > 0 && t.calls.head!.event.name !== 'KVM_RUN') this.release(t.calls, true);
  }

  /** A thread that holds too much lets its oldest go as if their time had passed. */
  private overflow(tid: number, t: Thread): void {
    this.stats.count(PLACEMENT_STATS.overflow);
    const bounds = [this.straceBound, this.ftraceBound] as const;
    this.straceBound = this.ftraceBound = Infinity;
    while (t.calls.length + t.kernel.length > QUEUE_LIMIT / 2) {
      if (t.kernel.length > 0) this.release(t.kernel, false);
      else this.releaseCall(t);
    }
    [this.straceBound, this.ftraceBound] = bounds;
    this.settle(tid, t);
  }
}
