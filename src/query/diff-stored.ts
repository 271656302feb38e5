import type { PolicySet } from '../engine/policy/policy-set.js';
import { readEvents } from '../store/event-reader.js';
import type { SqlDatabase } from '../store/sql.js';
import { threadsWithKinds, type TraceRecord } from '../store/traces.js';
import { diffPolicies, type PolicyDiffOptions, type PolicyDiffReport } from './diff-policies.js';
import { diffFinalStates, diffTraces, type Hunk, type TraceDiffReport } from './diff-traces.js';
import { initialStateFor } from './initial-state.js';
import { Seeker } from './seek.js';
import { recorderFor } from './snapshots/build.js';
import { RUN_KINDS, runEvents } from './run-events.js';
import type { PathDifference } from './state-diff.js';

// The two diffs of `hvreplay diff` over stored traces: what `diff` prints, and what a script gets.

/** Two policy sets over one stored trace, in lockstep. Each side is a full replay, so it builds its snapshot set on the way if missing. */
export function diffTracePolicies(
  db: SqlDatabase,
  trace: TraceRecord,
  a: PolicySet,
  b: PolicySet,
  options: Omit<PolicyDiffOptions, 'onSteps'> = {},
): PolicyDiffReport {
  const initial = initialStateFor(trace);
  const recA = recorderFor(db, trace, a, initial);
  const recB = a.key === b.key ? undefined : recorderFor(db, trace, b, initial);
  const report = diffPolicies(readEvents(db, trace), initial, a, b, {
    ...options,
    onSteps: (sa, sb) => {
      recA?.observe(sa);
      recB?.observe(sb);
    },
  });
  recA?.finish();
  recB?.finish();
  return report;
}

/**
 * Two stored recordings, event by event (only the run's own events: the host's others differ between
 * any two recordings, and are counted instead), and how their final states differ under `policies`.
 */
export function diffStoredTraces(
  db: SqlDatabase,
  trace: TraceRecord,
  other: TraceRecord,
  policies: PolicySet,
  onHunk?: (hunk: Hunk) => void,
): TraceDiffReport & { hostEventsLeftOut: { a: number; b: number }; finalState: PathDifference[] } {
  const leftOut = { a: { hostEvents: 0 }, b: { hostEvents: 0 } };
  const own = (t: TraceRecord, counts: { hostEvents: number }) =>
    runEvents(readEvents(db, t), threadsWithKinds(db, t.id, RUN_KINDS), counts);
  const report = diffTraces(own(trace, leftOut.a), own(other, leftOut.b), onHunk);
  const final = (t: TraceRecord) => (t.eventCount === 0 ? initialStateFor(t) : new Seeker(db, t, policies).stateAt(t.eventCount - 1));
  return {
    ...report,
    hostEventsLeftOut: { a: leftOut.a.hostEvents, b: leftOut.b.hostEvents },
    finalState: diffFinalStates(final(trace), final(other)),
  };
}
