import { SourceError } from '../../errors.js';

// Bounds-checked reads of trace.dat metadata (the file header, options, section headers, the text
// blocks of formats and symbols). Every number after the first ten bytes is in the file's own
// endianness (trace-cmd.dat.v7(5), "INITIAL FORMAT": "Now all numbers are written in file defined
// endianess"). A read past the end names the file, the byte offset and what was expected there.
// The ring-buffer pages, read millions of times, have their own decoder (page-records.ts).

const MAX_SAFE = BigInt(Number.MAX_SAFE_INTEGER);

/** A trace.dat that does not have the layout its own header and options describe. */
export function badTraceDat(file: string, offset: number, where: string, expected: string): never {
  throw new SourceError(`${file}: byte ${offset} (${where}): expected ${expected}`);
}

export class ByteView {
  pos = 0;

  /**
   * @param fileOffset where buf[0] is in the file, for messages; for a decompressed section it is
   *   the section's offset, and `where` says the bytes are the section's uncompressed contents.
   */
  constructor(
    readonly buf: Buffer,
    readonly bigEndian: boolean,
    readonly file: string,
    readonly fileOffset: number,
    readonly where: string,
  ) {}

  get remaining(): number {
    return this.buf.length - this.pos;
  }

  /** The file offset of the next byte (or of the section, plus the position in its contents). */
  get offset(): number {
    return this.fileOffset + this.pos;
  }

  fail(expected: string, at = this.pos): never {
    badTraceDat(this.file, this.fileOffset + at, this.where, expected);
  }

  private need(n: number, what: string): number {
    if (n < 0 || this.pos + n > this.buf.length) this.fail(`${what} (${n} bytes), but only ${this.remaining} remain`);
    const at = this.pos;
    this.pos += n;
    return at;
  }

  u8(what: string): number {
    return this.buf[this.need(1, what)]!;
  }

  u16(what: string): number {
    return this.int(2, what);
  }

  u32(what: string): number {
    return this.int(4, what);
  }

  private int(n: 2 | 4, what: string): number {
    const at = this.need(n, what);
    return this.bigEndian ? this.buf.readUIntBE(at, n) : this.buf.readUIntLE(at, n);
  }

  u64big(what: string): bigint {
    const at = this.need(8, what);
    return this.bigEndian ? this.buf.readBigUInt64BE(at) : this.buf.readBigUInt64LE(at);
  }

  /** A 64-bit size or offset: it must fit a JavaScript number to be used as one. */
  u64(what: string): number {
    const at = this.pos;
    const v = this.u64big(what);
    if (v > MAX_SAFE) this.fail(`${what} below 2^53, not ${v}`, at);
    return Number(v);
  }

  bytes(n: number, what: string): Buffer {
    const at = this.need(n, what);
    return this.buf.subarray(at, at + n);
  }

  /** A NUL-terminated string (latin1: trace-cmd writes ASCII). */
  cstring(what: string): string {
    const end = this.buf.indexOf(0, this.pos);
    if (end < 0) this.fail(`${what}: a NUL-terminated string`);
    const s = this.buf.toString('latin1', this.pos, end);
    this.pos = end + 1;
    return s;
  }

  /** `n` bytes of text, such as an event format file or /proc/kallsyms. */
  text(n: number, what: string): string {
    const at = this.need(n, what);
    return this.buf.toString('latin1', at, at + n);
  }

  /** A view of the next `n` bytes, advancing past them; errors there still name the true offsets. */
  sub(n: number, what: string, where = this.where): ByteView {
    const at = this.need(n, what);
    return new ByteView(this.buf.subarray(at, at + n), this.bigEndian, this.file, this.fileOffset + at, where);
  }
}
