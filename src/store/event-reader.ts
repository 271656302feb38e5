import type { TraceEvent } from '../model/event.js';
import { decodeEvent, EVENT_COLUMNS, type EventRow } from './event-codec.js';
import type { SqlDatabase } from './sql.js';
import { StringTable } from './strings.js';
import type { TraceRecord } from './traces.js';

export interface EventRange {
  from?: number;
  to?: number;
}

/** Events of a trace in seq order, lazily: one row at a time leaves the database. */
export function* readEvents(db: SqlDatabase, trace: TraceRecord, range: EventRange = {}, strings = new StringTable(db)): Generator<TraceEvent> {
  const rows = db
    .prepare(`SELECT ${EVENT_COLUMNS.join(', ')} FROM events WHERE trace_id = ? AND seq >= ? AND seq <= ? ORDER BY seq`)
    .raw()
    .iterate(trace.id, range.from ?? 0, range.to ?? Number.MAX_SAFE_INTEGER) as IterableIterator<EventRow>;
  for (const row of rows) yield decodeEvent(row, trace.t0, strings);
}

export function readEvent(db: SqlDatabase, trace: TraceRecord, seq: number): TraceEvent | undefined {
  for (const event of readEvents(db, trace, { from: seq, to: seq })) return event;
  return undefined;
}
