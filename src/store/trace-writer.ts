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
 * One import, one transaction: the trace row and its events become visible together at commit(),
 * and abort() leaves the file exactly as it was.
 */
export class TraceWriter {
  readonly traceId: number;
  private seq = 0;
  private t0: number | null = null;
  private readonly insert: SqlStatement;
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
    this.insert = db.prepare(`INSERT INTO events (${EVENT_COLUMNS.join(', ')}) VALUES (${EVENT_COLUMNS.map(() => '?').join(', ')})`);
    this.strings = new StringTable(db);
  }

  get count(): number {
    return this.seq;
  }

  append(event: NewEvent): void {
    if (this.t0 === null && event.ts !== undefined) this.t0 = event.ts;
    this.insert.run(encodeEvent(this.traceId, this.seq++, event, this.t0, this.strings));
  }

  commit(stats: unknown, meta?: Record<string, unknown>): void {
    this.db
      .prepare(`UPDATE traces SET event_count = ?, t0 = ?, stats = ?${meta ? ', meta = ?' : ''} WHERE id = ?`)
      .run(...[this.seq, this.t0, JSON.stringify(stats), ...(meta ? [JSON.stringify(meta)] : []), this.traceId]);
    this.db.exec('COMMIT');
    this.open = false;
  }

  abort(): void {
    if (!this.open) return;
    this.open = false;
    if (this.db.inTransaction) this.db.exec('ROLLBACK');
    this.strings.forget();
  }
}
