import type { NewEvent } from '../model/event.js';
import { BLOCK_EVENTS, encodeEventInto, EVENT_COLUMNS } from './event-codec.js';
import { BlockInserter } from './block-insert.js';
import { encodeEvent, type EncodedEvent } from './encoded-event.js';
import { BlockSealer } from './event-blocks.js';
import { BlockText } from './page-row-text.js';
import type { SqlDatabase, SqlStatement } from './sql.js';
import { StringTable } from './strings.js';
import { checkTraceName, shownName } from './trace-names.js';
import { deleteTrace, findTraceByName, sealTraceRow, type ProblemRecord, type SourceInfo } from './traces.js';
import { StoreError } from '../errors.js';
import { withWriteLock } from './lock.js';

export interface NewTrace {
  name: string;
  format: string;
  sources: SourceInfo[];
  contentHash: string;
  meta?: Record<string, unknown>;
  /** Replace the trace of this very name instead of refusing; no other trace is ever touched. */
  replace?: boolean;
}

/**
 * Rows per INSERT statement. One statement of many rows crosses from JS into SQLite once instead of
 * once a row; 64 rows x 15 parameters stays under SQLITE_MAX_VARIABLE_NUMBER (32766 since 3.32). It is
 * also one checksum block, which is sealed as soon as its INSERT has run.
 */
const ROWS_PER_INSERT = BLOCK_EVENTS;

/** Parameters per row: every column but trace_id, which is a literal of the statement. */
const ROW_PARAMS = EVENT_COLUMNS.length - 1;

const insertSql = (traceId: number, rows: number) =>
  `INSERT INTO events (${EVENT_COLUMNS.join(', ')}) VALUES ${Array(rows)
    .fill(`(${traceId}, ${Array(ROW_PARAMS).fill('?').join(', ')})`)
    .join(', ')}`;

/**
 * One import, one transaction: the trace row and its events become visible together at commit(),
 * and abort() leaves the file exactly as it was.
 */
export class TraceWriter {
  readonly traceId: number;
  private seq = 0;
  private t0: number | null = null;
  private readonly insertOne: SqlStatement;
  private readonly blocks: BlockInserter;
  /** Parameters of the next multi-row INSERT: encoded columns of the rows not yet inserted. */
  private readonly pending: unknown[] = new Array(ROWS_PER_INSERT * ROW_PARAMS);
  private pendingRows = 0;
  /** The pending rows' text as the page reader will get it, for their block's CRC. */
  private readonly blockText = new BlockText();
  private readonly strings: StringTable;
  private readonly insertProblem: SqlStatement;
  private problems = 0;
  private readonly sealer: BlockSealer;
  private open = true;

  constructor(
    private readonly db: SqlDatabase,
    trace: NewTrace,
  ) {
    checkTraceName(trace.name);
    withWriteLock(db, () => db.exec('BEGIN IMMEDIATE'));
    try {
      const existing = findTraceByName(db, trace.name);
      if (existing && !trace.replace)
        throw new StoreError(
          `a trace named '${shownName(trace.name)}' exists already (#${existing.id}); choose another --name or pass --replace`,
        );
      if (existing) deleteTrace(db, existing.id);
      const info = db
        .prepare('INSERT INTO traces (name, format, sources, content_hash, imported_at, event_count, meta) VALUES (?, ?, ?, ?, ?, 0, ?)')
        .run(
          trace.name,
          trace.format,
          JSON.stringify(trace.sources),
          trace.contentHash,
          new Date().toISOString(),
          JSON.stringify(trace.meta ?? {}),
        );
      this.traceId = Number(info.lastInsertRowid);
    } catch (error) {
      db.exec('ROLLBACK');
      throw error;
    }
    this.insertOne = db.prepare(insertSql(this.traceId, 1));
    this.blocks = new BlockInserter(db, this.traceId, db.prepare(insertSql(this.traceId, ROWS_PER_INSERT)));
    this.strings = new StringTable(db);
    this.insertProblem = db.prepare(
      `INSERT INTO problems (trace_id, n, stat, finding, file, line, message, text) VALUES (${this.traceId}, ?, ?, ?, ?, ?, ?, ?)`,
    );
    this.sealer = new BlockSealer(db, this.traceId);
  }

  /** Every problem of the import, stored with the trace (all of them: they are data). */
  problem(p: ProblemRecord): void {
    this.insertProblem.run(this.problems++, p.stat, p.finding ? 1 : 0, this.strings.id(p.file), p.line, p.message, p.text);
  }

  /** Events appended so far. */
  get count(): number {
    return this.seq;
  }

  append(event: NewEvent): void {
    this.appendEncoded(encodeEvent(event));
  }

  /** An event already in its stored form (encoded-event.ts), made on this thread or another. */
  appendEncoded(event: EncodedEvent): void {
    if (this.t0 === null && event.ts !== undefined) this.t0 = event.ts;
    const at = this.pendingRows * ROW_PARAMS;
    encodeEventInto(this.pending, at, this.seq++, event, this.t0, this.strings);
    this.blockText.addRow(this.pending, at);
    if (++this.pendingRows === ROWS_PER_INSERT) {
      this.blocks.insert(this.pending, this.seq - ROWS_PER_INSERT);
      this.pendingRows = 0;
      this.sealBlock(this.seq / BLOCK_EVENTS - 1);
    }
  }

  private sealBlock(block: number): void {
    this.sealer.seal(block, this.blockText.exact ? this.blockText.view() : undefined);
    this.blockText.reset();
  }

  private flush(): void {
    for (let i = 0; i < this.pendingRows; i++) this.insertOne.run(this.pending.slice(i * ROW_PARAMS, (i + 1) * ROW_PARAMS));
    if (this.pendingRows > 0) this.sealBlock(this.sealer.sealed);
    this.pendingRows = 0;
  }

  /** What the trace was read from, once the whole input has been read (its hash, its detected format). */
  describeSources(sources: readonly SourceInfo[], contentHash: string, format?: string): void {
    this.db
      .prepare(`UPDATE traces SET sources = ?, content_hash = ?${format !== undefined ? ', format = ?' : ''} WHERE id = ?`)
      .run(JSON.stringify(sources), contentHash, ...(format !== undefined ? [format] : []), this.traceId);
  }

  commit(stats: unknown, meta?: Record<string, unknown>): void {
    this.flush();
    this.db
      .prepare(`UPDATE traces SET event_count = ?, t0 = ?, stats = ?, checksum = ?${meta ? ', meta = ?' : ''} WHERE id = ?`)
      .run(...[this.seq, this.t0, JSON.stringify(stats), this.sealer.checksum(), ...(meta ? [JSON.stringify(meta)] : []), this.traceId]);
    sealTraceRow(this.db, this.traceId);
    this.db.exec('COMMIT');
    this.open = false;
  }

  abort(): void {
    if (!this.open) return;
    this.open = false;
    this.pendingRows = 0;
    if (this.db.inTransaction) this.db.exec('ROLLBACK');
    this.strings.forget();
  }
}
