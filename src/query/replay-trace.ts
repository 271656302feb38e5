import type { PolicySet } from '../engine/policy/policy-set.js';
import { fold, type ReplayStep } from '../engine/replay.js';
import { stateHash } from '../engine/hash.js';
import { readEvents } from '../store/event-reader.js';
import type { SqlDatabase } from '../store/sql.js';
import type { TraceRecord } from '../store/traces.js';
import { initialStateFor } from './initial-state.js';
import { recorderFor, recording } from './snapshots/build.js';

export interface ReplaySummary {
  trace: string;
  policies: string;
  events: number;
  effectCounts: Record<string, number>;
  crashes: { vm: number; seq: number; reason: string }[];
  stateHash: string;
}

/** A full replay, handing each step to `onStep`, and what it added up to. */
export function replayTrace(db: SqlDatabase, trace: TraceRecord, policies: PolicySet, onStep?: (step: ReplayStep) => void): ReplaySummary {
  const effectCounts: Record<string, number> = {};
  const crashes: ReplaySummary['crashes'] = [];
  let events = 0;
  const initial = initialStateFor(trace);
  // The first full replay under these policies builds the trace's snapshots on the way (src/query/seek.ts).
  const recorder = recorderFor(db, trace, policies, initial);
  const state = fold(
    readEvents(db, trace),
    policies,
    initial,
    recording(recorder, (step) => {
      events++;
      for (const effect of step.effects) {
        effectCounts[effect.kind] = (effectCounts[effect.kind] ?? 0) + 1;
        if (effect.kind === 'crash') crashes.push({ vm: effect.vm, seq: step.event.seq, reason: effect.reason });
      }
      onStep?.(step);
    }),
  );
  recorder?.finish();
  return { trace: trace.name, policies: policies.key, events, effectCounts, crashes, stateHash: stateHash(state) };
}
