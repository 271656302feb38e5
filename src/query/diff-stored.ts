import type { PolicySet } from '../engine/policy/policy-set.js';
import { readEvents } from '../store/event-reader.js';
import type { SqlDatabase } from '../store/sql.js';
import type { TraceRecord } from '../store/traces.js';
import { diffPolicies, type PolicyDiffOptions, type PolicyDiffReport } from './diff-policies.js';
import { diffFinalStates, diffTraces, type Hunk, type TraceDiffReport } from './diff-traces.js';
import { initialStateFor } from './initial-state.js';
import { Seeker } from './seek.js';
import { recorderFor } from './snapshots/build.js';
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

/** Two stored recordings, event by event, and how their final states differ under `policies`. */
export function diffStoredTraces(
  db: SqlDatabase,
  trace: TraceRecord,
  other: TraceRecord,
  policies: PolicySet,
  onHunk?: (hunk: Hunk) => void,
): TraceDiffReport & { finalState: PathDifference[] } {
  const report = diffTraces(readEvents(db, trace), readEvents(db, other), onHunk);
  const final = (t: TraceRecord) => (t.eventCount === 0 ? initialStateFor(t) : new Seeker(db, t, policies).stateAt(t.eventCount - 1));
  return { ...report, finalState: diffFinalStates(final(trace), final(other)) };
}
