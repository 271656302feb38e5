import type { TraceEvent } from '../model/event.js';
import { decodePageRow, PAGE_ROW_SQL, type PageRow } from './event-codec.js';
import type { SqlDatabase, SqlStatement } from './sql.js';
import { StringTable } from './strings.js';
import type { TraceRecord } from './traces.js';

export interface EventRange {
  from?: number;
  to?: number;
}

/**
 * Events per page. A page leaves SQLite as one JSON array built by json_group_array() and is parsed
 * with one JSON.parse: better-sqlite3 spends about 0.2 us on each column of each row it hands to JS
 * (3.9 s for the 16 columns of 2.65M rows), the JSON page route a quarter of that (bench/: full replay).
 */
export const PAGE_EVENTS = 2048;

const pageSql = `SELECT json_group_array(${PAGE_ROW_SQL}) FROM (SELECT * FROM events WHERE trace_id = ? AND seq >= ? AND seq <= ? ORDER BY seq)`;
const nextSeqSql = 'SELECT min(seq) FROM events WHERE trace_id = ? AND seq > ?';

const statements = new WeakMap<SqlDatabase, { page: SqlStatement; nextSeq: SqlStatement }>();

function statementsOf(db: SqlDatabase): { page: SqlStatement; nextSeq: SqlStatement } {
  let s = statements.get(db);
  if (!s) {
    s = { page: db.prepare(pageSql).pluck(), nextSeq: db.prepare(nextSeqSql).pluck() };
    statements.set(db, s);
  }
  return s;
}

/**
 * Rows of a trace in seq order, a page at a time. No statement stays open between pages, so the
 * caller may write to the database (snapshots, say) while it iterates.
 */
export function* readEventRows(db: SqlDatabase, trace: TraceRecord, range: EventRange = {}, pageSize = PAGE_EVENTS): Generator<PageRow[]> {
  const { page, nextSeq } = statementsOf(db);
  const to = range.to ?? Number.MAX_SAFE_INTEGER;
  let from = range.from ?? 0;
  while (from <= to) {
    const last = Math.min(to, from + pageSize - 1);
    const rows = JSON.parse((page.get(trace.id, from, last) as string | null) ?? '[]') as PageRow[];
    if (rows.length > 0) {
      // json_group_array() keeps the subquery's order in practice; SQLite does not promise it.
      for (let i = 1; i < rows.length; i++) {
        if (rows[i]![0] < rows[i - 1]![0]) {
          rows.sort((a, b) => a[0] - b[0]);
          break;
        }
      }
      yield rows;
    }
    if (last >= to) return;
    // seq is dense, so a short page is the end; a gap (a damaged file) is skipped, not fatal.
    if (rows.length < last - from + 1) {
      const next = nextSeq.get(trace.id, last) as number | null;
      if (next === null) return;
      from = next;
    } else from = last + 1;
  }
}

/** Events of a trace in seq order, lazily: a page of rows at a time leaves the database. */
export function* readEvents(db: SqlDatabase, trace: TraceRecord, range: EventRange = {}, strings = new StringTable(db)): Generator<TraceEvent> {
  for (const rows of readEventRows(db, trace, range)) {
    for (const row of rows) yield decodePageRow(row, trace.t0, strings);
  }
}

export function readEvent(db: SqlDatabase, trace: TraceRecord, seq: number): TraceEvent | undefined {
  for (const event of readEvents(db, trace, { from: seq, to: seq })) return event;
  return undefined;
}
