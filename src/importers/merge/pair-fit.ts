import { sameOutcome, type Outcome } from './outcome.js';

// How far strace's CLOCK_REALTIME and ftrace's trace clock are apart, from the kernel's own structure.
// kvm_userspace_exit fires inside the KVM_RUN ioctl, just before it returns (virt/kvm/kvm_main.c,
// kvm_vcpu_ioctl(), case KVM_RUN), so each thread's n-th exit belongs to one of its KVM_RUN calls,
// in order. strace stamps a call when ptrace tells it about the entry and again about the exit, so
// its window [start, start + -T] is late by a latency that varies from call to call (100 to 300 us
// on the shared recordings, while the calls last 40 to 60 us): no single offset puts every exit
// inside its window. So the offset is the one that satisfies the most pairs (one bad pair moves
// nothing), and which exit pairs with which call is decided by order, not by the nearest time.

export interface CallSample {
  /** strace's CLOCK_REALTIME start and return (start + -T); no end for a call cut off by the end. */
  start: number;
  end: number | undefined;
  outcome: Outcome;
  line: number;
}

export interface ExitSample {
  /** Trace-clock seconds as the ftrace file printed them. */
  ts: number;
  outcome: Outcome;
  line: number;
}

export interface Pair {
  start: number;
  end: number;
  /** The exit as the ftrace file printed it (trace clock), and on the base alignment's clock. */
  ts: number;
  at: number;
}

/** The largest number of intervals sharing one point, and the widest stretch where that many do. */
export function maxCoverage(intervals: readonly { lo: number; hi: number }[]): { count: number; lo: number; hi: number } {
  const ends: [number, number][] = [];
  for (const i of intervals) if (i.lo <= i.hi) ends.push([i.lo, 1], [i.hi, -1]);
  // Opening before closing at one point: touching intervals share it.
  ends.sort((a, b) => a[0] - b[0] || b[1] - a[1]);
  let depth = 0;
  let best = { count: 0, lo: 0, hi: 0 };
  for (let i = 0; i < ends.length; i++) {
    depth += ends[i]![1];
    const next = ends[i + 1]?.[0];
    if (ends[i]![1] !== 1 || next === undefined) continue;
    if (depth > best.count || (depth === best.count && next - ends[i]![0] > best.hi - best.lo))
      best = { count: depth, lo: ends[i]![0], hi: next };
  }
  return best;
}

/** The shift (added to the exits' times) that puts the most exits inside their calls: the middle of the best stretch. */
export function fitShift(pairs: readonly Pair[]): { shift: number; satisfied: number; lo: number; hi: number } {
  const best = maxCoverage(pairs.map((p) => ({ lo: p.start - p.at, hi: p.end - p.at })));
  return { shift: (best.lo + best.hi) / 2, satisfied: best.count, lo: best.lo, hi: best.hi };
}

/** Pairs exits[i] with calls[i + k]; calls cut off by the end and disagreeing outcomes are left out. */
export function pairsAt(
  calls: readonly CallSample[],
  exits: readonly ExitSample[],
  k: number,
  align: (ts: number) => number,
): { pairs: Pair[]; disagree: number } {
  const pairs: Pair[] = [];
  let disagree = 0;
  for (let i = Math.max(0, -k); i < exits.length && i + k < calls.length; i++) {
    const c = calls[i + k]!;
    const x = exits[i]!;
    if (!sameOutcome(c.outcome, x.outcome)) disagree++;
    else if (c.end !== undefined) pairs.push({ start: c.start, end: c.end, ts: x.ts, at: align(x.ts) });
  }
  return { pairs, disagree };
}

/** Index shifts worth trying: the one the counts suggest, and the one the clocks as aligned suggest. */
export function shiftCandidates(
  calls: readonly CallSample[],
  exits: readonly ExitSample[],
  prior: number,
  align: (ts: number) => number,
): number[] {
  const ks = new Set<number>();
  for (let d = -SEARCH; d <= SEARCH; d++) ks.add(prior + d);
  // Where the first exits land among the calls on the aligned clock: the first call returning after each.
  const ends = calls.map((c) => c.end ?? Infinity);
  const found: number[] = [];
  for (let i = 0; i < Math.min(exits.length, 64); i++) {
    const at = align(exits[i]!.ts);
    let lo = 0;
    let hi = ends.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (ends[mid]! < at) lo = mid + 1;
      else hi = mid;
    }
    if (lo < ends.length) found.push(lo - i);
  }
  if (found.length > 0) {
    const k0 = found.sort((a, b) => a - b)[found.length >> 1]!;
    for (let d = -SEARCH; d <= SEARCH; d++) ks.add(k0 + d);
  }
  return [...ks];
}

/** How far either way the index shift is searched around each candidate. */
const SEARCH = 3;

export interface ThreadPairing {
  k: number;
  pairs: Pair[];
  satisfied: number;
  disagree: number;
}

/**
 * The index shift with the most pairs satisfied by one offset (disagreeing outcomes count against
 * it); on a tie the one the counts suggest. A wrong shift pairs each exit with a neighbouring call:
 * it satisfies as many pairs only where the calls are evenly spaced, and then the prior decides.
 */
export function pairThread(
  calls: readonly CallSample[],
  exits: readonly ExitSample[],
  prior: number,
  align: (ts: number) => number,
): ThreadPairing | undefined {
  let best: ThreadPairing | undefined;
  for (const k of shiftCandidates(calls, exits, prior, align)) {
    const { pairs, disagree } = pairsAt(calls, exits, k, align);
    if (pairs.length === 0) continue;
    const satisfied = fitShift(pairs).satisfied - disagree;
    const better = !best || satisfied > best.satisfied || (satisfied === best.satisfied && Math.abs(k - prior) < Math.abs(best.k - prior));
    if (better) best = { k, pairs, satisfied, disagree };
  }
  return best;
}

export function quantile(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) return NaN;
  const at = q * (sorted.length - 1);
  const lo = Math.floor(at);
  const hi = Math.min(lo + 1, sorted.length - 1);
  return sorted[lo]! + (sorted[hi]! - sorted[lo]!) * (at - lo);
}
