import { averagePayloadBytes } from '../../store/event-reader.js';
import type { SqlDatabase } from '../../store/sql.js';
import type { TraceRecord } from '../../store/traces.js';

// How far apart snapshots are. Two bounds, and the seek bound wins when they disagree:
//
//  1. Seek cost: a seek folds at most MAX_GAP events after its snapshot. The engine folds ~270k
//     events/s (2.65M-event ftrace trace replayed in 9.9 s on this machine), so 4096 events are
//     ~15 ms, well inside the 100 ms p99 a seek may take.
//  2. Space: snapshots together should cost about SPACE_FRACTION of the events they summarise. A
//     snapshot of `s` compressed bytes is therefore followed by a gap of s / (SPACE_FRACTION * e)
//     events, `e` being the stored size of an event. Measured again, not assumed: the gap after each
//     snapshot comes from that snapshot's own size, so a state that grows (more VMAs, more VMs) spaces
//     its snapshots out as it grows.
//  3. MIN_GAP keeps tiny states from producing a snapshot every few events: below it the seek is
//     already ~1 ms and more snapshots only cost rows.
//
// On the big ftrace trace (340-byte snapshots, ~80-byte events) rule 2 asks for 43 events, MIN_GAP
// makes it 256: 10,347 snapshots, 3.5 MB, 1.7% of the file.

export const MIN_GAP = 256;
export const MAX_GAP = 4096;
export const SPACE_FRACTION = 0.1;

/**
 * SQLite's per-row overhead beyond the args/result JSON: the 2.65M-event trace takes 212 MB of pages,
 * 80 bytes an event, of which args+result average 36.
 */
const ROW_OVERHEAD_BYTES = 44;

export interface SpacingRule {
  eventBytes: number;
  minGap: number;
  maxGap: number;
  fraction: number;
}

/** The stored size of an event in this trace, from a sample of its first rows. */
export function measureEventBytes(db: SqlDatabase, trace: TraceRecord, sample = 20_000): number {
  return averagePayloadBytes(db, trace.id, sample) + ROW_OVERHEAD_BYTES;
}

export function spacingRule(eventBytes: number): SpacingRule {
  return { eventBytes, minGap: MIN_GAP, maxGap: MAX_GAP, fraction: SPACE_FRACTION };
}

/** Events until the next snapshot, after one of `snapshotBytes`. */
export function nextGap(snapshotBytes: number, rule: SpacingRule): number {
  const wanted = Math.ceil(snapshotBytes / (rule.fraction * rule.eventBytes));
  return Math.min(rule.maxGap, Math.max(rule.minGap, wanted));
}
