import { crc32 } from 'node:zlib';
import type { SqlDatabase } from './sql.js';
import { CorruptStoreError, StoreError } from '../errors.js';
import { hasChecksums } from './schema.js';
import { idOf, shownName } from './trace-names.js';

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
  /** sha256 over the CRCs of the trace's event blocks (event-blocks.ts); null if imported before they were kept. */
  checksum: string | null;
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
  checksum?: string | null;
  row_crc?: number | null;
}

/** CRC-32 of every column of a trace's row but row_crc itself, as stored. */
function rowCrc(row: TraceRow): number {
  const { id, name, format, sources, content_hash, imported_at, event_count, t0, stats, meta, checksum } = row;
  return crc32(JSON.stringify([id, name, format, sources, content_hash, imported_at, event_count, t0, stats, meta, checksum ?? null]));
}

/** Records the CRC of a trace's row once it is final (the import's last write, in its transaction). */
export function sealTraceRow(db: SqlDatabase, id: number): void {
  const row = db.prepare('SELECT * FROM traces WHERE id = ?').get(id) as TraceRow;
  db.prepare('UPDATE traces SET row_crc = ? WHERE id = ?').run(rowCrc(row), id);
}

function damaged(row: TraceRow, what: string): CorruptStoreError {
  return new CorruptStoreError(`the row of trace #${row.id} is damaged: ${what}`);
}

function fromRow(row: TraceRow): TraceRecord {
  if (row.row_crc !== undefined && row.row_crc !== null && row.row_crc !== rowCrc(row))
    throw damaged(row, 'it differs from the checksum recorded at import');
  try {
    return parsedRow(row);
  } catch (error) {
    throw damaged(row, (error as Error).message);
  }
}

function parsedRow(row: TraceRow): TraceRecord {
  if (typeof row.name !== 'string' || !Number.isSafeInteger(row.event_count) || row.event_count < 0) throw new Error('not a trace row');
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
    checksum: row.checksum ?? null,
  };
}

/** Every trace's id, read without parsing the rows (verify reads each row on its own). */
export function listTraceIds(db: SqlDatabase): number[] {
  return db.prepare('SELECT id FROM traces ORDER BY id').pluck().all() as number[];
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
  db.prepare('DELETE FROM problems WHERE trace_id = ?').run(id);
  if (hasChecksums(db)) db.prepare('DELETE FROM event_blocks WHERE trace_id = ?').run(id);
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

/** Whether a trace has an event of this kind and name: a name never interned is in no trace at all. */
export function hasEventNamed(db: SqlDatabase, traceId: number, kind: string, name: string): boolean {
  const nameId = db.prepare('SELECT id FROM strings WHERE text = ?').pluck().get(name) as number | undefined;
  const kindId = db.prepare('SELECT id FROM kinds WHERE name = ?').pluck().get(kind) as number | undefined;
  if (nameId === undefined || kindId === undefined) return false;
  return (
    db.prepare('SELECT 1 FROM events WHERE trace_id = ? AND kind = ? AND name = ? LIMIT 1').pluck().get(traceId, kindId, nameId) !==
    undefined
  );
}
