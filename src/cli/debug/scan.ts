import { performance } from 'node:perf_hooks';
import { Observable } from 'rxjs';
import { evolve } from '../../engine/evolve.js';
import type { PolicySet } from '../../engine/policy/policy-set.js';
import type { ReplayStep } from '../../engine/replay.js';
import type { MachineState } from '../../model/state.js';
import type { TraceEvent } from '../../model/event.js';
import { readEvents } from '../../store/event-reader.js';
import type { SqlDatabase } from '../../store/sql.js';
import type { StringTable } from '../../store/strings.js';
import type { TraceRecord } from '../../store/traces.js';
import type { Seeker } from '../../query/seek.js';
import { MAX_GAP, MIN_GAP } from '../../query/snapshots/spacing.js';
import { withinBudget } from '../../query/budget.js';
import { budgetError, PREDICATE_BUDGET_MS, predicateRunning } from '../../query/predicate.js';

// The runs behind `continue`, `reverse-continue` and counted steps: streams of notes over event
// batches, so a subscriber sees progress and can unsubscribe (Ctrl-C) between batches. Each batch
// ends with a macrotask boundary (setImmediate), which is where a SIGINT handler gets to run. A batch
// ends after BATCH_MS, looked at after every event, and runs under a budget of BATCH_MS plus one
// predicate's (src/query/budget.ts): a breakpoint predicate that runs away is stopped there, and so is
// any evaluation when SIGINT arrives, without waiting for the batch to end.

/** A position with the state before its event, which watches and `diff` compare against. */
export interface Located {
  step: ReplayStep;
  before: MachineState;
}

export interface Hit {
  id: number;
  reason: string;
}

export type ScanNote =
  /** Scanned up to here, nothing hit yet. */
  | ({ kind: 'progress' } & Located)
  /** Stop here: these stop points hit at this event. */
  | ({ kind: 'hit'; hits: Hit[] } & Located)
  /** Reached the bound without a hit; the position at the bound. */
  | ({ kind: 'bound' } & Located);

export type HitTest = (before: MachineState, step: ReplayStep) => Hit[];

/** Events folded between two chances for Ctrl-C (~30 ms at the engine's ~270k events/s)... */
export const FORWARD_BATCH = 8192;
/** ...or fewer, when slow predicates make a batch take longer than this. */
export const BATCH_MS = 50;

/**
 * The batch ran past its budget while no predicate was running: the machine was slow (a loaded host,
 * a page read, a collection), not the expression. The scan resumes from its last position with more
 * patience, which goes back to one budget after a batch that ends in time.
 */
class Stalled extends Error {}

/** A batch: ends by BATCH_MS after its start, or is stopped with the predicate that ran away. */
function batch<T>(work: () => T, patience: number): T {
  return withinBudget(BATCH_MS + PREDICATE_BUDGET_MS * patience, work, () => (predicateRunning() ? budgetError() : new Stalled()));
}

/**
 * Backwards, a window of this many events is folded at a time: a seek to the window's start (one
 * snapshot, then at most the snapshot gap) and a fold through it, keeping its last hit. MAX_GAP is the
 * widest snapshot gap, so a window costs about two seeks, and a scan over n events makes n/MAX_GAP
 * seeks, never one per event.
 */
export const REVERSE_WINDOW = MAX_GAP;
/** The first window is smaller (the least snapshot gap) and doubles while empty: near hits come fast. */
export const FIRST_REVERSE_WINDOW = MIN_GAP;

export interface ScanSource {
  db: SqlDatabase;
  trace: TraceRecord;
  strings: StringTable;
  policies: PolicySet;
  seeker: Seeker;
  initial: MachineState;
}

/** Forwards from `start` to the first hit after it, or to event `bound` (inclusive). */
export function scanForward$(src: ScanSource, start: Located, bound: number, test: HitTest): Observable<ScanNote> {
  let events: Generator<TraceEvent> | undefined;
  let here = start;
  return sliced$(
    () => {
      events ??= readEvents(src.db, src.trace, { from: here.step.event.seq + 1, to: bound }, src.strings);
      const began = performance.now();
      for (let n = 0; n < FORWARD_BATCH; n++) {
        if (n > 0 && performance.now() - began > BATCH_MS) break;
        const next = events.next();
        if (next.done) return { kind: 'bound', ...here };
        const before = here.step.state;
        const { state, effects } = evolve(before, next.value, src.policies);
        here = { step: { event: next.value, state, effects }, before };
        const hits = test(before, here.step);
        if (hits.length) return { kind: 'hit', hits, ...here };
      }
      return { kind: 'progress', ...here };
    },
    () => events?.return(undefined),
    () => {
      // Stopped part way: read again from the last event folded.
      events?.return(undefined);
      events = undefined;
    },
  );
}

/** The step at `seq` and the state before it, by one seek. */
export function locate(src: ScanSource, seq: number): Located {
  if (seq === 0) {
    const step = src.seeker.stepAt(0);
    return { step, before: src.initial };
  }
  const previous = src.seeker.stepAt(seq - 1);
  const events = readEvents(src.db, src.trace, { from: seq, to: seq }, src.strings);
  const event = events.next().value;
  if (!event) throw new Error(`trace '${src.trace.name}' has no event ${seq}`);
  const { state, effects } = evolve(previous.state, event, src.policies);
  return { step: { event, state, effects }, before: previous.state };
}

/** Backwards from `start` to the last hit before it, or to event `bound` (inclusive), window by window. */
export function scanBackward$(src: ScanSource, start: Located, bound: number, test: HitTest): Observable<ScanNote> {
  let hi = start.step.event.seq - 1;
  let width = FIRST_REVERSE_WINDOW;
  // The window being folded; a batch may end in the middle of one, and the next goes on from there.
  let window:
    | { lo: number; hi: number; events: Generator<TraceEvent>; state: MachineState; last?: { hits: Hit[] } & Located; first?: Located }
    | undefined;
  return sliced$(
    () => {
      if (!window) {
        // Already at the bound (the start of the trace, say): nothing before it to scan.
        if (hi < bound) return { kind: 'bound', ...start };
        const lo = Math.max(bound, hi - width + 1);
        width = Math.min(REVERSE_WINDOW, width * 2);
        const state = lo === 0 ? src.initial : src.seeker.stepAt(lo - 1).state;
        window = { lo, hi, events: readEvents(src.db, src.trace, { from: lo, to: hi }, src.strings), state };
      }
      const began = performance.now();
      for (let next = window.events.next(); !next.done; next = window.events.next()) {
        const event = next.value;
        const { state: after, effects } = evolve(window.state, event, src.policies);
        const here: Located = { step: { event, state: after, effects }, before: window.state };
        window.first ??= here;
        const hits = test(window.state, here.step);
        if (hits.length) window.last = { hits, ...here };
        window.state = after;
        if (performance.now() - began > BATCH_MS) return undefined;
      }
      const done = window;
      window = undefined;
      if (done.last) return { kind: 'hit', ...done.last };
      if (done.lo === bound && done.first) return { kind: 'bound', ...done.first };
      hi = done.lo - 1;
      return done.first && { kind: 'progress', ...done.first };
    },
    () => window?.events.return(undefined),
    () => {
      // Stopped part way: fold the same window again from its start.
      if (!window) return;
      window.events.return(undefined);
      width = window.hi - window.lo + 1;
      window = undefined;
    },
  );
}

/**
 * A scan cut into slices, one per turn of the event loop, so that an unsubscribe (Ctrl-C) is seen
 * between them. A slice returns a progress note (or nothing) to go on, or the note that ends the scan.
 */
function sliced$(slice: () => ScanNote | undefined, cleanup?: () => void, resume?: () => void): Observable<ScanNote> {
  return new Observable<ScanNote>((subscriber) => {
    let stopped = false;
    let patience = 1;
    const turn = (): void => {
      if (stopped) return;
      let note: ScanNote | undefined;
      try {
        note = batch(slice, patience);
        patience = 1;
      } catch (error) {
        if (error instanceof Stalled && resume) {
          patience *= 2;
          resume();
          setImmediate(turn);
          return;
        }
        subscriber.error(error);
        return;
      }
      if (note) subscriber.next(note);
      if (note && note.kind !== 'progress') subscriber.complete();
      else setImmediate(turn);
    };
    setImmediate(turn);
    return () => {
      stopped = true;
      cleanup?.();
    };
  });
}
