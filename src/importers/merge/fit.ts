import {
  adjusted,
  alignFromMarkers,
  driftMatters,
  identityAlignment,
  noAlignment,
  toRealtime,
  whenOf,
  type ClockAlignment,
} from './clock.js';
import { fitShift, pairThread, quantile, type CallSample, type Pair } from './pair-fit.js';
import type { HeadTail } from './sample.js';
import type { FtraceScan, StraceScan } from './scan.js';

// One ftrace file's clock against strace's: the markers give a first alignment; then each vCPU
// thread's KVM_RUN calls and kvm_userspace_exits are paired in order, and the offset that satisfies
// the most pairs is taken (unless the markers carry both clocks, which is exact). Drift comes from
// two markers where the pairs bear it out, or else from the first and the last pairs, and is applied
// only when it moves the offset by more than their jitter over the recording. What is left is how late strace sees a
// return after the kernel's exit (the lag) and how much that varies (the tolerance): the merge pairs
// calls and exits with them (src/importers/merge/placement.ts).

export interface Pairing {
  /** Median of (exit on the merged clock) - (strace return): how much earlier the kernel's exit is. */
  lagS: number;
  /** How far a pair may stray from the lag and still be one exit. */
  tolS: number;
  /** How long an exit waits for its call: strace now and then sees a return much later than usual. */
  waitS: number;
  /** Threads with KVM_RUN calls in the strace and kvm_userspace_exit in the ftrace. */
  threads: number[];
  pairs: number;
  /** Pairs whose exit falls inside the call's strace window on the final alignment. */
  inside: number;
}

export interface ClockFit {
  alignment: ClockAlignment;
  pairing?: Pairing;
}

/** The fewest microseconds the pairing tolerance is: strace and tracefs print microseconds, and the calls are 40 us and up. */
const MIN_TOL_S = 100e-6;
const MAX_TOL_S = 5e-3;
const MAX_WAIT_S = 50e-3;

const us = (s: number): string => `${(s * 1e6).toFixed(1)} us`;

function allRuns(straces: readonly StraceScan[]): Map<number, HeadTail<CallSample>> {
  const runs = new Map<number, HeadTail<CallSample>>();
  for (const s of straces) for (const [tid, list] of s.runs) if (!runs.has(tid)) runs.set(tid, list);
  return runs;
}

/** Without markers: each thread's first KVM_RUN return taken as its first exit, the crudest start. */
function anchor(file: string, runs: Map<number, HeadTail<CallSample>>, ftrace: FtraceScan): ClockAlignment {
  for (const [tid, exits] of ftrace.exits) {
    const call = runs.get(tid)?.head.find((c) => c.end !== undefined);
    const exit = exits.head[0];
    if (!call || !exit) continue;
    return { ...adjusted(identityAlignment(file), call.end! - exit.ts, exit.ts), method: 'kvm_run_anchor', how: '' };
  }
  return noAlignment(file);
}

/** Each vCPU thread's calls and exits paired, from the first (head) or the last (tail) of the samples. */
function samplePairs(part: 'head' | 'tail', runs: Map<number, HeadTail<CallSample>>, ftrace: FtraceScan, base: ClockAlignment): Pair[] {
  const pairs: Pair[] = [];
  for (const [tid, exits] of ftrace.exits) {
    const calls = runs.get(tid);
    if (!calls) continue;
    const cs = part === 'head' ? calls.head : calls.tail;
    const xs = part === 'head' ? exits.head : exits.tail;
    if (cs.length === 0 || xs.length === 0) continue;
    // The n-th exit with the n-th call unless the samples say otherwise.
    const prior = part === 'head' ? 0 : exits.tailStart - calls.tailStart;
    const found = pairThread(cs, xs, prior, (ts) => toRealtime(base, ts));
    if (found) pairs.push(...found.pairs);
  }
  return pairs;
}

interface Fitted {
  /** Median trace-clock time of the exits fitted, and the shift they want there. */
  at: number;
  shift: number;
  satisfied: number;
  pairs: number;
}

function fitted(pairs: readonly Pair[]): Fitted {
  const { shift, satisfied } = fitShift(pairs);
  const times = pairs.map((p) => p.ts).sort((a, b) => a - b);
  return { at: quantile(times, 0.5), shift, satisfied, pairs: pairs.length };
}

export function fitClock(file: string, straces: readonly StraceScan[], ftrace: FtraceScan): { fit: ClockFit; notes: string[] } {
  const notes: string[] = [];
  const fromMarkers = alignFromMarkers(file, ftrace.markers);
  if (straces.length === 0) {
    if (!fromMarkers)
      return {
        fit: { alignment: identityAlignment(file) },
        notes: [`${file}: no hvsync markers and no strace: times kept on its own trace clock`],
      };
    return { fit: { alignment: fromMarkers }, notes: [fromMarkers.how] };
  }
  const runs = allRuns(straces);
  const pairsOn = (on: ClockAlignment) =>
    [...samplePairs('head', runs, ftrace, on), ...samplePairs('tail', runs, ftrace, on)].sort((a, b) => a.ts - b.ts);
  let base = fromMarkers ?? anchor(file, runs, ftrace);
  let pairs = pairsOn(base);
  if (pairs.length === 0) {
    if (!fromMarkers) noAlignment(file);
    return {
      fit: { alignment: fromMarkers },
      notes: [`${fromMarkers.how}; no thread has both KVM_RUN calls and kvm_userspace_exits, so no pairs refine it`],
    };
  }
  const exact = base.method === 'hvsync_clock_pairs';
  // Two shell-written markers measure drift only as well as their own delay, which grows under load
  // (migrate: the last one landed about 0.4 ms late, a false 104 ppm): the pairs, hundreds of them,
  // decide whether the markers' drift is kept.
  let markerDrift = '';
  if (!exact && fromMarkers && fromMarkers.driftPpm !== 0) {
    const level = adjusted(fromMarkers, 0, fromMarkers.traceAt, -(fromMarkers.rate - 1));
    const levelPairs = pairsOn(level);
    const withDrift = fitted(pairs).satisfied;
    const without = fitted(levelPairs).satisfied;
    if (without > withDrift) {
      markerDrift = `; the markers' drift of ${fromMarkers.driftPpm.toFixed(1)} ppm is not borne out by the pairs (one offset satisfies ${withDrift} with it, ${without} without): not applied`;
      base = level;
      pairs = levelPairs;
    }
  }
  const all = fitted(pairs);
  let alignment = exact ? base : adjusted(base, all.shift, all.at);
  // Drift: two markers a whole recording apart measure it best (alignFromMarkers decides whether it
  // is more than their jitter). Without them, the first third of the pairs against the last third,
  // believed only where it moves the offset by more than twice the pairs' jitter.
  let drift = '';
  const third = Math.floor(pairs.length / 3);
  if (!exact && ((fromMarkers?.markers.length ?? 0) < 2 || markerDrift !== '') && third >= 8) {
    const early = fitted(pairs.slice(0, third));
    const late = fitted(pairs.slice(-third));
    // The pairs' own scatter within each third (drift would widen one spread over the whole).
    const spread = (ps: readonly Pair[]) => {
      const d = ps.map((p) => p.at - p.end).sort((a, b) => a - b);
      return quantile(d, 0.9) - quantile(d, 0.1);
    };
    const jitter = Math.max(spread(pairs.slice(0, third)), spread(pairs.slice(-third)));
    const span = late.at - early.at;
    const ppm = span > 0 ? ((late.shift - early.shift) / span) * 1e6 : 0;
    if (span > 0 && driftMatters(ppm, span, Math.max(2 * jitter, 10e-6))) {
      alignment = adjusted(base, early.shift, early.at, ppm * 1e-6);
      drift = `, drift ${ppm.toFixed(3)} ppm (the last third of the pairs need ${us(late.shift - early.shift)} more than the first, ${span.toFixed(1)} s later)`;
    } else
      drift = `; the first and last thirds of the pairs agree within their jitter (${us(late.shift - early.shift)} over ${span.toFixed(1)} s): no drift correction`;
  }
  // Residuals on the final alignment: exit - return, negative when the kernel's exit came first.
  const res = pairs.map((p) => toRealtime(alignment, p.ts) - p.end).sort((a, b) => a - b);
  const lagS = quantile(res, 0.5);
  // Generous: a pair the tolerance misses can shift the pairing by one until a gap sets it right.
  const spread = Math.max(lagS - quantile(res, 0.001), quantile(res, 0.999) - lagS);
  const tolS = Math.min(MAX_TOL_S, Math.max(MIN_TOL_S, 1.5 * spread));
  const worst = Math.max(lagS - res[0]!, res.at(-1)! - lagS);
  const waitS = Math.min(MAX_WAIT_S, Math.max(2 * tolS, 2 * worst));
  const inside = pairs.filter((p) => {
    const at = toRealtime(alignment, p.ts);
    return at >= p.start && at <= p.end;
  }).length;
  const threads = [...ftrace.exits.keys()].filter((t) => runs.has(t)).sort((a, b) => a - b);
  const described = `${pairs.length} KVM_RUN/kvm_userspace_exit pairs of ${threads.length} vCPU thread${threads.length === 1 ? '' : 's'}`;
  if (exact) notes.push(`${base.how}; ${described}, ${inside} exits inside their call's strace window`);
  else {
    const start = fromMarkers ? fromMarkers.how + markerDrift : `no hvsync markers in ${file}`;
    notes.push(
      `${start}; one offset satisfies ${all.satisfied} of ${pairs.length} ${described.replace(/^\d+ /, '')} (exit inside its call's strace window): realtime = trace clock + ${alignment.offsetS.toFixed(6)} s (${whenOf(alignment, pairs[0]!.ts)})${drift}`,
    );
    alignment = { ...alignment, method: fromMarkers ? fromMarkers.method : 'kvm_run_pairs' };
  }
  notes.push(
    `pairing: strace's KVM_RUN return minus the kernel's kvm_userspace_exit is ${us(-lagS)} (median), give or take ${us(tolS)}; calls and exits are paired in order per thread`,
  );
  alignment = { ...alignment, how: notes.join('; ') };
  return { fit: { alignment, pairing: { lagS, tolS, waitS, threads, pairs: pairs.length, inside } }, notes };
}
