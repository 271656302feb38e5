import type { ReplayStep } from '../engine/replay.js';
import type { Predicate } from './predicate.js';
import type { Seeker } from './seek.js';

// `git bisect` over a trace: find the first event after which something holds ("bad"), assuming it
// keeps holding from there on. A binary search between a virtual good position before event 0 and the
// last event, each probe a seek (src/query/seek.ts), then one probe past the boundary to test the
// assumption. Probes: 1 (the last event) + ceil(log2 n) (the search) + 1 (the check) at most.

export type Verdict = 'good' | 'bad' | 'skip';

export interface Probe {
  seq: number;
  verdict: Verdict;
}

export type BisectOutcome =
  /** `seq` is the first bad event: good (or the start of the trace) just before, bad at it. */
  | 'found'
  /** Even after the last event the predicate does not hold. */
  | 'never'
  /** Skipped probes leave several candidates: the first bad one is in [from, to]. */
  | 'ambiguous';

export interface BisectResult {
  outcome: BisectOutcome;
  /** The first bad event (found). */
  seq?: number;
  /** The candidates (ambiguous). */
  from?: number;
  to?: number;
  probes: Probe[];
  /** Set when a probe contradicts "once bad, bad from then on". */
  notMonotone?: { goodAt: number; badAt: number };
}

/**
 * Skipped probes allowed before the search gives up and names its range of candidates, as git bisect
 * does when only skipped commits are left. Without a budget a program that skips everything would
 * rebuild a state per event.
 */
export const MAX_SKIPS = 32;

/**
 * The search itself, as a coroutine: it yields each seq it needs a verdict for and is resumed with the
 * verdict, so one search serves an oracle that answers at once (a predicate) and one that answers
 * later (a command run in its own process). `n` events, seqs 0..n-1.
 */
function* search(n: number, maxSkips: number): Generator<number, BisectResult, Verdict> {
  const probes: Probe[] = [];
  const seen = new Map<number, Verdict>();
  let skips = 0;
  const outOfSkips = () => skips > maxSkips;
  function* ask(seq: number): Generator<number, Verdict, Verdict> {
    let verdict = seen.get(seq);
    if (verdict === undefined) {
      verdict = yield seq;
      if (verdict === 'skip') skips++;
      seen.set(seq, verdict);
      probes.push({ seq, verdict });
    }
    return verdict;
  }
  if (n <= 0) return { outcome: 'never', probes };

  // A known bad position: the last event, or the last one that is not skipped.
  let hi = n - 1;
  while (hi >= 0 && (yield* ask(hi)) === 'skip' && !outOfSkips()) hi--;
  if (hi < 0 || seen.get(hi) === 'skip') return { outcome: 'ambiguous', from: 0, to: n - 1, probes };
  if (seen.get(hi) === 'good') return { outcome: 'never', probes };
  let lo = -1; // before event 0: the initial state, good by definition

  while (hi - lo > 1) {
    const mid = unskipped(lo, hi, seen);
    if (mid === undefined || outOfSkips()) return { outcome: 'ambiguous', from: lo + 1, to: hi, probes };
    const verdict = yield* ask(mid);
    if (verdict === 'good') lo = mid;
    else if (verdict === 'bad') hi = mid;
  }

  const result: BisectResult = { outcome: 'found', seq: hi, probes };
  // One probe past the boundary: a predicate that is true only at some events (event.name == ...)
  // or flips back would make the answer one of several; say so rather than pretend.
  if (hi + 1 < n && (yield* ask(hi + 1)) === 'good') result.notMonotone = { goodAt: hi + 1, badAt: hi };
  const later = probes.find((p) => p.seq > hi && p.verdict === 'good');
  if (!result.notMonotone && later) result.notMonotone = { goodAt: later.seq, badAt: hi };
  return result;
}

/** The search over an oracle that answers at once. */
export function bisectPositions(n: number, oracle: (seq: number) => Verdict, maxSkips = MAX_SKIPS): BisectResult {
  const run = search(n, maxSkips);
  for (let step = run.next(); ; step = run.next(oracle(step.value))) if (step.done) return step.value;
}

/** The search over an oracle that answers later (bisect --run). */
export async function bisectPositionsAsync(
  n: number,
  oracle: (seq: number) => Promise<Verdict>,
  maxSkips = MAX_SKIPS,
): Promise<BisectResult> {
  const run = search(n, maxSkips);
  for (let step = run.next(); ; step = run.next(await oracle(step.value))) if (step.done) return step.value;
}

/** The middle of (lo, hi), or the nearest position to it that was not skipped. */
function unskipped(lo: number, hi: number, seen: Map<number, Verdict>): number | undefined {
  const mid = Math.floor((lo + hi) / 2);
  for (let d = 0; mid - d > lo || mid + d < hi; d++) {
    if (mid - d > lo && seen.get(mid - d) !== 'skip') return mid - d;
    if (mid + d < hi && seen.get(mid + d) !== 'skip') return mid + d;
  }
  return undefined;
}

/** A `--when` predicate as an oracle: true means bad. */
export function predicateOracle(
  seeker: Seeker,
  predicate: Predicate,
  onProbe?: (step: ReplayStep, verdict: Verdict) => void,
): (seq: number) => Verdict {
  return (seq) => {
    const step = seeker.stepAt(seq);
    const verdict: Verdict = predicate({ state: step.state, event: step.event, effects: step.effects }) ? 'bad' : 'good';
    onProbe?.(step, verdict);
    return verdict;
  };
}

function withBound(seeker: Seeker, before: number, result: BisectResult): BisectResult & { rebuilt: number; bound: number } {
  return { ...result, rebuilt: seeker.stats.rebuilt - before, bound: Math.ceil(Math.log2(Math.max(1, seeker.trace.eventCount))) + 2 };
}

export function bisectTrace(seeker: Seeker, oracle: (seq: number) => Verdict): BisectResult & { rebuilt: number; bound: number } {
  // Snapshots first: a bisect without them would fold up to the whole trace per probe.
  seeker.ensureSnapshots();
  const before = seeker.stats.rebuilt;
  return withBound(seeker, before, bisectPositions(seeker.trace.eventCount, oracle));
}

export async function bisectTraceAsync(
  seeker: Seeker,
  oracle: (seq: number) => Promise<Verdict>,
): Promise<BisectResult & { rebuilt: number; bound: number }> {
  seeker.ensureSnapshots();
  const before = seeker.stats.rebuilt;
  return withBound(seeker, before, await bisectPositionsAsync(seeker.trace.eventCount, oracle));
}
