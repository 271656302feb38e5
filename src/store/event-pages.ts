import type { TraceEvent } from '../model/event.js';
import { decodeEvent, EVENT_COLUMNS, type EventRow } from './event-codec.js';
import type { EventRange } from './event-reader.js';
import type { SqlDatabase } from './sql.js';
import { StringTable } from './strings.js';
import type { TraceRecord } from './traces.js';

// readEvents() keeps one SQLite statement open while the caller iterates, and better-sqlite3 allows
// no other statement on the connection meanwhile. A replay that writes snapshots as it goes reads in
// pages instead: each page is fetched whole, then nothing is open while its events are folded.
// Memory stays at one page of events.

export const PAGE_EVENTS = 2048;

export function* readEventPages(db: SqlDatabase, trace: TraceRecord, range: EventRange = {}, strings = new StringTable(db), pageSize = PAGE_EVENTS): Generator<TraceEvent> {
  const page = db.prepare(`SELECT ${EVENT_COLUMNS.join(', ')} FROM events WHERE trace_id = ? AND seq >= ? AND seq <= ? ORDER BY seq LIMIT ?`).raw();
  const to = range.to ?? Number.MAX_SAFE_INTEGER;
  let from = range.from ?? 0;
  for (;;) {
    const rows = page.all(trace.id, from, to, pageSize) as EventRow[];
    for (const row of rows) yield decodeEvent(row, trace.t0, strings);
    if (rows.length < pageSize) return;
    from = rows[rows.length - 1]![1] + 1;
  }
}
