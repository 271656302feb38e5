import { availableParallelism } from 'node:os';
import type { TraceEvent } from '../model/event.js';
import { CorruptStoreError } from '../errors.js';
import { BLOCK_EVENTS, decodePageRow, PAGE_SQL, type PageRow } from './event-codec.js';
import { blockOf, pageBlockCrcs } from './event-blocks.js';
import { idleCores } from './idle-cores.js';
import { prefetchPages } from './page-prefetch.js';
import type { SqlDatabase, SqlStatement } from './sql.js';
import { hasChecksums } from './schema.js';
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
  maxSeq: SqlStatement;
  crcs: SqlStatement | undefined;
  /**
   * The last single block read and checked: the debugger's `step` reads the event after the one it
   * stands on, nearly always in the block it just read. Events never change once committed; a
   * replaced trace may reuse an id but not its checksum, which is part of the key.
   */
  lastBlock?: { key: string; rows: PageRow[] };
}

const statements = new WeakMap<SqlDatabase, Statements>();

function statementsOf(db: SqlDatabase): Statements {
  let s = statements.get(db);
  if (!s) {
    s = {
      page: db.prepare(PAGE_SQL).pluck(),
      maxSeq: db.prepare('SELECT max(seq) FROM events WHERE trace_id = ?').pluck(),
      crcs: hasChecksums(db)
        ? db.prepare('SELECT crc FROM event_blocks WHERE trace_id = ? AND block >= ? AND block <= ? ORDER BY block').pluck()
        : undefined,
    };
    statements.set(db, s);
  }
  return s;
}

function damaged(trace: TraceRecord, what: string): CorruptStoreError {
  return new CorruptStoreError(`trace '${trace.name}' (#${trace.id}) is damaged: ${what}`);
}

/**
 * The rows of events start..end (start the first of a block), checked: every block against the
 * checksum recorded at import (when the trace has them), and every row present, in seq order. A
 * damaged file is never answered around (README "Guarantees").
 */
function checkedPage(s: Statements, trace: TraceRecord, start: number, end: number, text: string | null): PageRow[] {
  if (text === null) throw damaged(trace, `events ${start} to ${end} are missing`);
  if (trace.checksum !== null && s.crcs) {
    const recorded = s.crcs.all(trace.id, blockOf(start), blockOf(end)) as number[];
    const read = pageBlockCrcs(text) ?? [];
    for (let i = 0; i < Math.max(recorded.length, read.length, blockOf(end) - blockOf(start) + 1); i++) {
      if (recorded[i] === undefined || recorded[i] !== read[i]) {
        const first = (blockOf(start) + i) * BLOCK_EVENTS;
        throw damaged(trace, `events ${first} to ${Math.min(end, first + BLOCK_EVENTS - 1)} differ from the checksum recorded at import`);
      }
    }
  }
  let rows: PageRow[];
  try {
    rows = JSON.parse('[' + text + ']') as PageRow[];
  } catch (error) {
    throw damaged(trace, `events ${start} to ${end} do not read back: ${(error as Error).message}`);
  }
  if (rows.length !== end - start + 1) throw damaged(trace, `${end - start + 1 - rows.length} of events ${start} to ${end} are missing`);
  for (let i = 0; i < rows.length; i++) {
    if (rows[i]![0] !== (start + i) % BLOCK_EVENTS) throw damaged(trace, `events ${start} to ${end} are out of order`);
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
 * Rows of a trace in seq order, a page at a time, each page checked (checkedPage). Pages start at a
 * block's first event, so a read of a few events reads the whole blocks around them. No statement
 * stays open between pages, so the caller may write to the database (snapshots, say) while it iterates.
 */
export function* readEventRows(
  db: SqlDatabase,
  trace: TraceRecord,
  range: EventRange = {},
  pageSize = PAGE_EVENTS,
): Generator<{ from: number; rows: PageRow[] }> {
  const s = statementsOf(db);
  const size = Math.max(1, Math.ceil(pageSize / BLOCK_EVENTS)) * BLOCK_EVENTS;
  const maxSeq = s.maxSeq.get(trace.id) as number | null;
  if (maxSeq === null && trace.eventCount === 0) return;
  if (maxSeq !== trace.eventCount - 1)
    throw damaged(trace, `it counts ${trace.eventCount} events, but its last stored event is ${maxSeq === null ? 'missing' : maxSeq}`);
  const from = range.from ?? 0;
  const to = Math.min(range.to ?? Number.MAX_SAFE_INTEGER, maxSeq);
  if (from > to) return;
  const first = blockOf(from) * BLOCK_EVENTS;
  const last = Math.min(maxSeq, (blockOf(to) + 1) * BLOCK_EVENTS - 1);
  const within = function* (start: number, end: number, text: string | null) {
    const rows = checkedPage(s, trace, start, end, text);
    const lo = Math.max(0, from - start);
    const hi = Math.min(rows.length, to - start + 1);
    if (hi > lo) yield { from: start + lo, rows: lo === 0 && hi === rows.length ? rows : rows.slice(lo, hi) };
  };
  const path = fileOf(db);
  const prefetch = range.prefetch ?? 'auto';
  if (
    path &&
    !db.inTransaction &&
    (prefetch === 'always' || (prefetch === 'auto' && to - from + 1 >= PREFETCH_MIN_EVENTS && aCoreIsIdle()))
  ) {
    for (const page of prefetchPages(path, trace.id, first, last, size))
      yield* within(
        page.from,
        page.last,
        page.json ?? (s.page.get({ trace: trace.id, from: page.from, last: page.last }) as string | null),
      );
    return;
  }
  if (last - first < BLOCK_EVENTS && trace.checksum !== null) {
    const key = `${trace.id}:${trace.checksum}:${first}:${last}`;
    if (s.lastBlock?.key !== key)
      s.lastBlock = { key, rows: checkedPage(s, trace, first, last, s.page.get({ trace: trace.id, from: first, last }) as string | null) };
    const rows = s.lastBlock.rows;
    const lo = from - first;
    const hi = Math.min(rows.length, to - first + 1);
    if (hi > lo) yield { from, rows: rows.slice(lo, hi) };
    return;
  }
  for (let start = first; start <= last; start += size) {
    const end = Math.min(last, start + size - 1);
    yield* within(start, end, s.page.get({ trace: trace.id, from: start, last: end }) as string | null);
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
    for (let i = 0; i < rows.length; i++) yield decodePageRow(rows[i]!, from + i, trace.t0, strings);
  }
}

/** The average stored size of an event's args and result over the trace's first `sample` rows. */
export function averagePayloadBytes(db: SqlDatabase, traceId: number, sample: number): number {
  const avg = db
    .prepare(
      'SELECT avg(coalesce(length(args), 0) + coalesce(length(result), 0)) FROM (SELECT args, result FROM events WHERE trace_id = ? ORDER BY seq LIMIT ?)',
    )
    .pluck()
    .get(traceId, sample) as number | null;
  return avg ?? 0;
}
