import type { SqlDatabase } from './sql.js';
import { StoreError } from '../errors.js';

export interface SourceInfo {
  path: string;
  bytes: number;
  sha256: string;
}

/** One problem an import found (src/importers/stats.ts): a line it could not read, or a finding with its file:line. */
export interface ProblemRecord {
  stat: string;
  finding?: boolean;
  file: string;
  line: number;
  message: string;
  text: string;
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
  /** Counts, and a summary by kind of the problems (all of them are in `problems`, see readProblems). */
  stats: { counts: Record<string, number>; problemKinds?: unknown[] };
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

export function findTrace(db: SqlDatabase, nameOrId: string): TraceRecord | undefined {
  const row = (db.prepare('SELECT * FROM traces WHERE name = ?').get(nameOrId) ??
    (/^\d+$/.test(nameOrId) ? db.prepare('SELECT * FROM traces WHERE id = ?').get(Number(nameOrId)) : undefined)) as TraceRow | undefined;
  return row && fromRow(row);
}

export class TraceNotFound extends StoreError {}

export function getTrace(db: SqlDatabase, nameOrId: string): TraceRecord {
  const trace = findTrace(db, nameOrId);
  if (!trace) throw new TraceNotFound(`no trace named '${nameOrId}' (see 'hvreplay traces')`);
  return trace;
}

/** Removes a trace with its events and snapshots; the caller owns the transaction. */
export function deleteTrace(db: SqlDatabase, id: number): void {
  db.prepare('DELETE FROM events WHERE trace_id = ?').run(id);
  db.prepare('DELETE FROM problems WHERE trace_id = ?').run(id);
  db.prepare('DELETE FROM snapshots WHERE trace_id = ?').run(id);
  db.prepare('DELETE FROM snapshot_sets WHERE trace_id = ?').run(id);
  db.prepare('DELETE FROM traces WHERE id = ?').run(id);
}

/** Every problem stored with a trace, in the order found; streamed, so millions stay cheap. */
export function* readProblems(db: SqlDatabase, traceId: number, stat?: string): Generator<ProblemRecord> {
  const rows = db
    .prepare(
      `SELECT p.stat, p.finding, s.text AS file, p.line, p.message, p.text FROM problems p LEFT JOIN strings s ON s.id = p.file
       WHERE p.trace_id = ?${stat ? ' AND p.stat = ?' : ''} ORDER BY p.n`,
    )
    .iterate(...(stat ? [traceId, stat] : [traceId])) as Iterable<{
    stat: string;
    finding: number;
    file: string | null;
    line: number;
    message: string;
    text: string;
  }>;
  for (const r of rows)
    yield { stat: r.stat, ...(r.finding ? { finding: true } : {}), file: r.file ?? '', line: r.line, message: r.message, text: r.text };
}

/** The thread ids that have events of these kinds in a trace (kinds by name, as `kinds` has them). */
export function threadsWithKinds(db: SqlDatabase, traceId: number, kinds: readonly string[]): Set<number> {
  const rows = db
    .prepare(
      `SELECT DISTINCT e.tid FROM events e JOIN kinds k ON k.id = e.kind WHERE e.trace_id = ? AND e.tid IS NOT NULL AND k.name IN (${kinds.map(() => '?').join(', ')})`,
    )
    .pluck()
    .all(traceId, ...kinds) as number[];
  return new Set(rows);
}
