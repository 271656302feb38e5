import type { Effect } from '../model/effect.js';
import type { TraceEvent } from '../model/event.js';
import type { PolicySet } from './policy/policy-set.js';

/** What one evolve() call hands its reducers: the event, the active policies, and where effects go. */
export interface ReduceContext {
  readonly event: TraceEvent;
  readonly policies: PolicySet;
  /** Local to one evolve() call, so pushing to it keeps evolve() pure. */
  readonly effects: Effect[];
}
