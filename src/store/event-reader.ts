import { availableParallelism } from 'node:os';
import type { TraceEvent } from '../model/event.js';
import { decodePageRow, PAGE_SQL, type PageRow } from './event-codec.js';
import { idleCores } from './idle-cores.js';
import { prefetchPages } from './page-prefetch.js';
import type { SqlDatabase, SqlStatement } from './sql.js';
import { StringTable } from './strings.js';
import type { TraceRecord } from './traces.js';

export interface EventRange {
  from?: number;
  to?: number;
  /**
   * Build pages on a worker thread while the caller works: 'auto' (the default) for ranges of at
   * least PREFETCH_MIN_EVENTS of a database file with no transaction open on this connection (the
   * worker's own connection would not see its uncommitted rows), when a core is idle: on a machine
   * already busy the two threads only take turns, and the hand-over costs (bench/: full replay 2.7 s
   * on one thread, 3.1 s with the worker, at a load average of 4.5 on 2 cores; 1.8 s against 3.1 s
   * with a core free).
   */
  prefetch?: 'auto' | 'never' | 'always';
}

/**
 * Events per page. A page leaves SQLite as one JSON array (PAGE_SQL in event-codec.ts) and is parsed
 * with one JSON.parse: better-sqlite3 spends about 0.2 us on each column of each row it hands to JS
 * (3.9 s for the 16 columns of 2.65M rows), the JSON page route a quarter of that (bench/: full replay).
 */
export const PAGE_EVENTS = 2048;
export const PREFETCH_MIN_EVENTS = 100_000;

interface Statements {
  page: SqlStatement;
  nextSeq: SqlStatement;
  maxSeq: SqlStatement;
}

const statements = new WeakMap<SqlDatabase, Statements>();

function statementsOf(db: SqlDatabase): Statements {
  let s = statements.get(db);
  if (!s) {
    s = {
      page: db.prepare(PAGE_SQL).pluck(),
      nextSeq: db.prepare('SELECT min(seq) FROM events WHERE trace_id = ? AND seq > ?').pluck(),
      maxSeq: db.prepare('SELECT max(seq) FROM events WHERE trace_id = ?').pluck(),
    };
    statements.set(db, s);
  }
  return s;
}

function parsePage(json: string | null): PageRow[] {
  const rows = JSON.parse(json ?? '[]') as PageRow[];
  // A primary-key scan yields seq order in practice; SQLite does not promise an aggregate's order.
  for (let i = 1; i < rows.length; i++) {
    if (rows[i]![0] < rows[i - 1]![0]) return rows.sort((a, b) => a[0] - b[0]);
  }
  return rows;
}

/** Most of a core free: the worker would run beside the caller, not in turns with it. */
function aCoreIsIdle(): boolean {
  return availableParallelism() > 1 && idleCores() >= 0.75;
}

/** The file a connection reads, when another connection could open it too. */
function fileOf(db: SqlDatabase): string | undefined {
  const { name, memory } = db as unknown as { name?: unknown; memory?: unknown };
  return typeof name === 'string' && name !== '' && name !== ':memory:' && memory !== true ? name : undefined;
}

/**
 * Rows of a trace in seq order, a page at a time. No statement stays open between pages, so the
 * caller may write to the database (snapshots, say) while it iterates.
 */
export function* readEventRows(
  db: SqlDatabase,
  trace: TraceRecord,
  range: EventRange = {},
  pageSize = PAGE_EVENTS,
): Generator<{ from: number; rows: PageRow[] }> {
  const s = statementsOf(db);
  let from = range.from ?? 0;
  const maxSeq = s.maxSeq.get(trace.id) as number | null;
  if (maxSeq === null) return;
  const to = Math.min(range.to ?? Number.MAX_SAFE_INTEGER, maxSeq);
  const path = fileOf(db);
  const prefetch = range.prefetch ?? 'auto';
  if (
    path &&
    !db.inTransaction &&
    (prefetch === 'always' || (prefetch === 'auto' && to - from + 1 >= PREFETCH_MIN_EVENTS && aCoreIsIdle()))
  ) {
    for (const page of prefetchPages(path, trace.id, from, to, pageSize)) {
      const rows = parsePage(page.json ?? (s.page.get({ trace: trace.id, from: page.from, last: page.last }) as string | null));
      if (rows.length > 0) yield { from: page.from, rows };
    }
    return;
  }
  while (from <= to) {
    const last = Math.min(to, from + pageSize - 1);
    const rows = parsePage(s.page.get({ trace: trace.id, from, last }) as string | null);
    if (rows.length > 0) yield { from, rows };
    if (last >= to) return;
    // seq is dense, so a short page is the end; a gap (a damaged file) is skipped, not fatal.
    if (rows.length < last - from + 1) {
      const next = s.nextSeq.get(trace.id, last) as number | null;
      if (next === null) return;
      from = next;
    } else from = last + 1;
  }
}

/** Events of a trace in seq order, lazily: a page of rows at a time leaves the database. */
export function* readEvents(
  db: SqlDatabase,
  trace: TraceRecord,
  range: EventRange = {},
  strings = new StringTable(db),
): Generator<TraceEvent> {
  for (const { from, rows } of readEventRows(db, trace, range)) {
    for (const row of rows) yield decodePageRow(row, from, trace.t0, strings);
  }
}
