import { BLOCK_EVENTS, EVENT_COLUMNS } from './event-codec.js';
import type { SqlDatabase, SqlStatement } from './sql.js';

// One INSERT per block of BLOCK_EVENTS rows, binding each column once when every row of the block has
// the same value in it. better-sqlite3 spends more on binding a parameter (a property lookup and a
// type test in V8 each) than SQLite on storing it, and in a big trace most columns repeat down a
// block: one vCPU thread's kvm_emulate_insn events differ only in their time and payload. Such a
// block binds 2 values a row and 11 shared ones instead of 15 a row: half the insert's time (bench/).
//
// seq is always the block's first seq plus the row's place; src_line is shared as its distance from
// seq (one line an event, in a text trace). Which columns are shared is a bit mask; each mask seen
// gets its statement, up to MAX_STATEMENTS, then the plain one serves.

/** The columns after trace_id, as the trace writer lays out each row's parameters. */
const COLUMNS = EVENT_COLUMNS.slice(1);
const ROW_PARAMS = COLUMNS.length;
const SEQ = COLUMNS.indexOf('seq');
const SRC_LINE = COLUMNS.indexOf('src_line');
const MAX_STATEMENTS = 32;

export class BlockInserter {
  private readonly statements = new Map<number, SqlStatement>();
  private readonly perRow: unknown[] = [];

  constructor(
    private readonly db: SqlDatabase,
    private readonly traceId: number,
    /** The statement that binds every column of every row (the writer's own). */
    private readonly plain: SqlStatement,
  ) {}

  /** Inserts the BLOCK_EVENTS rows whose parameters `params` holds, seqs first..first+63. */
  insert(params: readonly unknown[], first: number): void {
    const mask = sharedColumns(params);
    const statement = this.statementFor(mask);
    if (!statement) {
      this.plain.run(params);
      return;
    }
    const perRow = this.perRow;
    perRow.length = 0;
    for (let r = 0; r < BLOCK_EVENTS; r++) {
      const at = r * ROW_PARAMS;
      for (let c = 0; c < ROW_PARAMS; c++) if (c !== SEQ && !(mask & (1 << c))) perRow.push(params[c + at]);
    }
    const shared: Record<string, unknown> = { seq: first };
    for (let c = 0; c < ROW_PARAMS; c++) {
      if (c === SEQ || !(mask & (1 << c))) continue;
      const v = params[c];
      shared[COLUMNS[c]!] = c === SRC_LINE && typeof v === 'number' ? v - first : v;
    }
    statement.run(perRow, shared);
  }

  private statementFor(mask: number): SqlStatement | undefined {
    let statement = this.statements.get(mask);
    if (statement || this.statements.size >= MAX_STATEMENTS) return statement;
    const rows: string[] = [];
    for (let r = 0; r < BLOCK_EVENTS; r++) {
      const values = COLUMNS.map((column, c) => {
        if (c === SEQ) return `@seq + ${r}`;
        if (!(mask & (1 << c))) return '?';
        return c === SRC_LINE ? `@seq + ${r} + @src_line` : `@${column}`;
      });
      rows.push(`(${this.traceId}, ${values.join(', ')})`);
    }
    statement = this.db.prepare(`INSERT INTO events (${EVENT_COLUMNS.join(', ')}) VALUES ${rows.join(', ')}`);
    this.statements.set(mask, statement);
    return statement;
  }
}

/**
 * Bit c set: column c has the same value in every row of the block (src_line: the same distance from
 * seq, or NULL in every row). seq's bit is never set.
 */
function sharedColumns(params: readonly unknown[]): number {
  let mask = 0;
  for (let c = 0; c < ROW_PARAMS; c++) {
    if (c === SEQ) continue;
    const v0 = params[c];
    let same = true;
    if (c === SRC_LINE) {
      const seq0 = params[SEQ] as number;
      const d0 = v0 === null ? null : Number.isSafeInteger(v0) ? (v0 as number) - seq0 : NaN;
      for (let r = 1; r < BLOCK_EVENTS && same; r++) {
        const at = r * ROW_PARAMS;
        const v = params[at + c];
        same = d0 === null ? v === null : Number.isSafeInteger(v) && (v as number) - (params[at + SEQ] as number) === d0;
      }
    } else for (let r = 1; r < BLOCK_EVENTS && same; r++) same = params[r * ROW_PARAMS + c] === v0;
    if (same) mask |= 1 << c;
  }
  return mask;
}
