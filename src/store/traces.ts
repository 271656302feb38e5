import type { SqlDatabase } from './sql.js';
import { StoreError } from '../errors.js';
import { idOf, shownName } from './trace-names.js';

export interface SourceInfo {
  path: string;
  bytes: number;
  sha256: string;
}

export interface TraceRecord {
  id: number;
  name: string;
  format: string;
  sources: SourceInfo[];
  contentHash: string;
  importedAt: string;
  eventCount: number;
  t0: number | null;
  stats: { counts: Record<string, number>; problems: unknown[] };
  meta: Record<string, unknown>;
}

interface TraceRow {
  id: number;
  name: string;
  format: string;
  sources: string;
  content_hash: string;
  imported_at: string;
  event_count: number;
  t0: number | null;
  stats: string;
  meta: string;
}

function fromRow(row: TraceRow): TraceRecord {
  return {
    id: row.id,
    name: row.name,
    format: row.format,
    sources: JSON.parse(row.sources),
    contentHash: row.content_hash,
    importedAt: row.imported_at,
    eventCount: row.event_count,
    t0: row.t0,
    stats: JSON.parse(row.stats),
    meta: JSON.parse(row.meta),
  };
}

export function listTraces(db: SqlDatabase): TraceRecord[] {
  return (db.prepare('SELECT * FROM traces ORDER BY id').all() as TraceRow[]).map(fromRow);
}

/** The trace of that name: never an id, whatever the name looks like. */
export function findTraceByName(db: SqlDatabase, name: string): TraceRecord | undefined {
  const row = db.prepare('SELECT * FROM traces WHERE name = ?').get(name) as TraceRow | undefined;
  return row && fromRow(row);
}

/** A reference as users type it: `#ID` is an id, anything else a name (trace-names.ts). */
export function findTrace(db: SqlDatabase, ref: string): TraceRecord | undefined {
  const id = idOf(ref);
  if (id === undefined) return findTraceByName(db, ref);
  const row = db.prepare('SELECT * FROM traces WHERE id = ?').get(id) as TraceRow | undefined;
  return row && fromRow(row);
}

export class TraceNotFound extends StoreError {}

export function getTrace(db: SqlDatabase, ref: string): TraceRecord {
  const trace = findTrace(db, ref);
  if (trace) return trace;
  const id = idOf(ref);
  const hint = id === undefined && /^\d+$/.test(ref) && findTrace(db, `#${ref}`) ? `; the trace whose id is ${ref} is '#${ref}'` : '';
  throw new TraceNotFound(`no trace ${id === undefined ? 'named' : 'with id'} '${shownName(ref)}'${hint} (see 'hvreplay traces')`);
}

/** Removes a trace with its events and snapshots; the caller owns the transaction. */
export function deleteTrace(db: SqlDatabase, id: number): void {
  db.prepare('DELETE FROM events WHERE trace_id = ?').run(id);
  db.prepare('DELETE FROM snapshots WHERE trace_id = ?').run(id);
  db.prepare('DELETE FROM snapshot_sets WHERE trace_id = ?').run(id);
  db.prepare('DELETE FROM traces WHERE id = ?').run(id);
}
