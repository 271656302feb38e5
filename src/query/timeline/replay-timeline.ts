import type { PolicySet } from '../../engine/policy/policy-set.js';
import { fold, type ReplayStep } from '../../engine/replay.js';
import type { MachineState } from '../../model/state.js';
import { readEvents } from '../../store/event-reader.js';
import type { SqlDatabase } from '../../store/sql.js';
import type { TraceRecord } from '../../store/traces.js';
import { initialStateFor } from '../initial-state.js';
import { TimelineBuilder } from './builder.js';
import { TimelineClock } from './clock.js';
import type { TimelineSink } from './items.js';

export interface TimelineOptions {
  /** The trace's clock, when the caller needs its origin before the replay (a file header, say). */
  clock?: TimelineClock;
  /** The last event to replay (inclusive); the whole trace without it. */
  to?: number;
  /** Called every PROGRESS_EVERY events with the seq reached. */
  onProgress?: (seq: number) => void;
  /** Each replay step and its timeline time, after its items were handed to the sink. */
  onStep?: (step: ReplayStep, at: number) => void;
}

export interface TimelineRun {
  events: number;
  state: MachineState;
  clock: TimelineClock;
}

const PROGRESS_EVERY = 65_536;

/** A full replay (from event 0: the timeline needs every state), streaming its timeline into `sink`. */
export function replayTimeline(
  db: SqlDatabase,
  trace: TraceRecord,
  policies: PolicySet,
  sink: TimelineSink,
  options: TimelineOptions = {},
): TimelineRun {
  const clock = options.clock ?? new TimelineClock(trace);
  const builder = new TimelineBuilder(clock, sink);
  let prev = initialStateFor(trace);
  let events = 0;
  const state = fold(readEvents(db, trace, options.to === undefined ? {} : { to: options.to }), policies, prev, (step) => {
    const at = builder.step(prev, step);
    prev = step.state;
    events++;
    if (options.onProgress && (events & (PROGRESS_EVERY - 1)) === 0) options.onProgress(step.event.seq);
    options.onStep?.(step, at);
  });
  builder.finish();
  return { events, state, clock };
}
