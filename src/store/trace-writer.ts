import type { NewEvent } from '../model/event.js';
import { encodeEvent, EVENT_COLUMNS } from './event-codec.js';
import type { SqlDatabase, SqlStatement } from './sql.js';
import { StringTable } from './strings.js';
import { deleteTrace, findTrace, type SourceInfo } from './traces.js';
import { StoreError } from '../errors.js';

export interface NewTrace {
  name: string;
  format: string;
  sources: SourceInfo[];
  contentHash: string;
  meta?: Record<string, unknown>;
  /** Replace a trace of the same name instead of refusing. */
  replace?: boolean;
}

/**
 * Rows per INSERT statement. One statement of many rows crosses from JS into SQLite once instead of
 * once a row; 64 rows x 16 columns stays under SQLITE_MAX_VARIABLE_NUMBER (32766 since 3.32).
 */
const ROWS_PER_INSERT = 64;

const rowPlaceholders = `(${EVENT_COLUMNS.map(() => '?').join(', ')})`;
const insertSql = (rows: number) => `INSERT INTO events (${EVENT_COLUMNS.join(', ')}) VALUES ${Array(rows).fill(rowPlaceholders).join(', ')}`;

/**
 * One import, one transaction: the trace row and its events become visible together at commit(),
 * and abort() leaves the file exactly as it was.
 */
export class TraceWriter {
  readonly traceId: number;
  private seq = 0;
  private t0: number | null = null;
  private readonly insertOne: SqlStatement;
  private readonly insertMany: SqlStatement;
  /** Encoded columns of the rows not yet inserted, flat, in insert order. */
  private pending: unknown[] = [];
  private readonly strings: StringTable;
  private open = true;

  constructor(private readonly db: SqlDatabase, trace: NewTrace) {
    db.exec('BEGIN IMMEDIATE');
    try {
      const existing = findTrace(db, trace.name);
      if (existing && !trace.replace) throw new StoreError(`a trace named '${trace.name}' exists already (id ${existing.id}); choose another --name or pass --replace`);
      if (existing) deleteTrace(db, existing.id);
      const info = db
        .prepare('INSERT INTO traces (name, format, sources, content_hash, imported_at, event_count, meta) VALUES (?, ?, ?, ?, ?, 0, ?)')
        .run(trace.name, trace.format, JSON.stringify(trace.sources), trace.contentHash, new Date().toISOString(), JSON.stringify(trace.meta ?? {}));
      this.traceId = Number(info.lastInsertRowid);
    } catch (error) {
      db.exec('ROLLBACK');
      throw error;
    }
    this.insertOne = db.prepare(insertSql(1));
    this.insertMany = db.prepare(insertSql(ROWS_PER_INSERT));
    this.strings = new StringTable(db);
  }

  /** Events appended so far. */
  get count(): number {
    return this.seq;
  }

  append(event: NewEvent): void {
    if (this.t0 === null && event.ts !== undefined) this.t0 = event.ts;
    const row = encodeEvent(this.traceId, this.seq++, event, this.t0, this.strings);
    for (let i = 0; i < row.length; i++) this.pending.push(row[i]);
    if (this.pending.length === ROWS_PER_INSERT * EVENT_COLUMNS.length) {
      this.insertMany.run(this.pending);
      this.pending = [];
    }
  }

  private flush(): void {
    const n = EVENT_COLUMNS.length;
    for (let i = 0; i < this.pending.length; i += n) this.insertOne.run(this.pending.slice(i, i + n));
    this.pending = [];
  }

  commit(stats: unknown, meta?: Record<string, unknown>): void {
    this.flush();
    this.db
      .prepare(`UPDATE traces SET event_count = ?, t0 = ?, stats = ?${meta ? ', meta = ?' : ''} WHERE id = ?`)
      .run(...[this.seq, this.t0, JSON.stringify(stats), ...(meta ? [JSON.stringify(meta)] : []), this.traceId]);
    this.db.exec('COMMIT');
    this.open = false;
  }

  abort(): void {
    if (!this.open) return;
    this.open = false;
    this.pending = [];
    if (this.db.inTransaction) this.db.exec('ROLLBACK');
    this.strings.forget();
  }
}
