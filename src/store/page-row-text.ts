import { BLOCK_EVENTS } from './event-codec.js';

// The text SQLite's PAGE_ROW_SQL (event-codec.ts) makes of a row, made in JavaScript from the values the
// trace writer binds, so that the import can keep each block's CRC without reading the block back
// (which cost 15% of an import). It is exact only where the rendering is known to be SQLite's own:
//   - an integer bound from a safe integer (a JS number in an INTEGER column, or a bigint): SQLite
//     prints it with %lld, JavaScript the same digits;
//   - a well-formed string: SQLite's json_array escapes `"` and `\`, writes \b \t \n \f \r for those
//     control characters and \u00xx (lower-case hex) for the others below 0x20, and copies everything
//     else, which is what JSON.stringify does (sqlite3.c: jsonAppendString, jsonAppendControlChar);
//   - NULL as null.
// Anything else (a fraction, a number past 2^53, a string with a lone surrogate, which the driver
// turns into U+FFFD) gives undefined, and the writer reads that block back as before. The equality is
// tested against SQLite itself on random rows (test/store/page-row-text.test.ts).

/** Parameters per row in the trace writer's INSERT: the columns after trace_id (EVENT_COLUMNS[1..]). */
// KIND (1) to CPU (7) are kind, name, t_ns, pid, tid, comm and cpu, all INTEGER columns, in the
// PageRow's order too: addRow walks them in one loop.
const SEQ = 0,
  KIND = 1,
  CPU = 7,
  VM = 8,
  VCPU = 9,
  ARGS = 10,
  RESULT = 11,
  SRC_FILE = 12,
  SRC_LINE = 13,
  LABEL = 14;

const isWellFormed = (s: string): boolean => (s as unknown as { isWellFormed(): boolean }).isWellFormed();

const MIN_SAFE = BigInt(Number.MIN_SAFE_INTEGER);
const MAX_SAFE = BigInt(Number.MAX_SAFE_INTEGER);
const COMMA = 0x2c;
const NULL = [0x6e, 0x75, 0x6c, 0x6c];

/**
 * One block's text, as UTF-8 bytes written in place: building a string per row (by parts and a join,
 * or by concatenation) cost as much as reading the block back from SQLite.
 */
export class BlockText {
  private bytes = Buffer.allocUnsafe(1 << 14);
  private length = 0;
  private readonly digits = new Uint8Array(24);
  /** False once a row had a value that is not rendered exactly. */
  exact = true;

  reset(): void {
    this.length = 0;
    this.exact = true;
  }

  /** The text so far (for tests and for the CRC). */
  view(): Buffer {
    return this.bytes.subarray(0, this.length);
  }

  /** Adds the PageRow of the row whose parameters start at `params[at]`, after a comma unless it is the first. */
  addRow(params: readonly unknown[], at: number): void {
    if (!this.exact) return;
    const seq = params[at + SEQ];
    const srcLine = params[at + SRC_LINE];
    if (typeof seq !== 'number' || !Number.isSafeInteger(seq)) return this.decline();
    this.room(64);
    if (this.length > 0) this.bytes[this.length++] = COMMA;
    this.bytes[this.length++] = 0x5b; // [
    this.int(seq % BLOCK_EVENTS);
    for (let c = KIND; c <= CPU; c++) {
      this.bytes[this.length++] = COMMA;
      if (!this.intOrNull(params[at + c])) return this.decline();
    }
    this.bytes[this.length++] = COMMA;
    if (!this.args(params[at + ARGS])) return this.decline();
    this.room(48);
    this.bytes[this.length++] = COMMA;
    if (!this.intOrNull(params[at + SRC_FILE])) return this.decline();
    this.bytes[this.length++] = COMMA;
    if (srcLine === null) this.null();
    else if (typeof srcLine === 'number' && Number.isSafeInteger(srcLine) && Number.isSafeInteger(srcLine - seq)) this.int(srcLine - seq);
    else return this.decline();
    const vm = params[at + VM],
      vcpu = params[at + VCPU],
      result = params[at + RESULT],
      label = params[at + LABEL];
    if (vm !== null || vcpu !== null || result !== null || label !== null) {
      this.bytes[this.length++] = COMMA;
      if (!this.intOrNull(vm)) return this.decline();
      this.bytes[this.length++] = COMMA;
      if (!this.intOrNull(vcpu)) return this.decline();
      this.bytes[this.length++] = COMMA;
      if (!this.textOrNull(result)) return this.decline();
      this.room(2);
      this.bytes[this.length++] = COMMA;
      if (!this.textOrNull(label)) return this.decline();
    }
    this.room(1);
    this.bytes[this.length++] = 0x5d; // ]
  }

  private decline(): void {
    this.exact = false;
  }

  private room(n: number): void {
    if (this.length + n <= this.bytes.length) return;
    const grown = Buffer.allocUnsafe(Math.max(this.bytes.length * 2, this.length + n));
    this.bytes.copy(grown, 0, 0, this.length);
    this.bytes = grown;
  }

  private null(): void {
    for (const b of NULL) this.bytes[this.length++] = b;
  }

  /** A safe integer's decimal digits (room for 17 bytes must be there). */
  private int(n: number): void {
    if (n < 0) {
      this.bytes[this.length++] = 0x2d;
      n = -n;
    }
    let k = 0;
    if (n < 10) {
      this.bytes[this.length++] = 0x30 + n;
      return;
    }
    while (n >= 0x80000000) {
      const d = n % 10;
      this.digits[k++] = 0x30 + d;
      n = (n - d) / 10;
    }
    do {
      const q = (n / 10) | 0;
      this.digits[k++] = 0x30 + n - q * 10;
      n = q;
    } while (n > 0);
    while (k > 0) this.bytes[this.length++] = this.digits[--k]!;
  }

  /** An INTEGER column's value, as SQLite prints it (room for 17 bytes must be there). */
  private intOrNull(v: unknown): boolean {
    if (v === null) this.null();
    else if (typeof v === 'number' && Number.isSafeInteger(v)) this.int(v);
    else return false;
    return true;
  }

  private string(s: string): boolean {
    if (!isWellFormed(s)) return false;
    const json = JSON.stringify(s);
    this.room(json.length * 3 + 24);
    this.length += this.bytes.write(json, this.length, 'utf8');
    return true;
  }

  /** The args column (no affinity): TEXT, an interned id (a bigint) or NULL. */
  private args(v: unknown): boolean {
    if (typeof v === 'bigint') {
      if (v < MIN_SAFE || v > MAX_SAFE) return false;
      this.int(Number(v));
      return true;
    }
    if (typeof v === 'string') return this.string(v);
    if (v === null) this.null();
    return v === null;
  }

  /** A TEXT column's value. */
  private textOrNull(v: unknown): boolean {
    if (v === null) {
      this.room(4);
      this.null();
      return true;
    }
    return typeof v === 'string' && this.string(v);
  }
}

/** The PageRow JSON of one row, or undefined when one of its values is outside what is rendered exactly. */
export function pageRowText(params: readonly unknown[], at: number): string | undefined {
  const text = new BlockText();
  text.addRow(params, at);
  return text.exact ? text.view().toString('utf8') : undefined;
}
