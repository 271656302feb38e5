import type { RingLayout } from './ring-layout.js';

// The records of one ring-buffer page (sub-buffer), read the way libtraceevent's kbuffer does
// (src/kbuffer-parse.c: kbuffer_load_subbuffer, translate_data, update_pointers):
// - the page header: a 64-bit time stamp, then a long whose low 27 bits are the committed data
//   size (COMMIT_MASK), bit 31 says events were lost before this page and bit 30 that their count
//   is stored after the data;
// - each record starts with a 32-bit word of type_len (5 bits) and time_delta (27 bits), the low
//   bits holding type_len in a little-endian file and the high bits in a big-endian one;
// - type_len 1..28: a data record of type_len * 4 bytes; 0: its length (+4) is in the next word;
//   29 padding: skip array[0] bytes (time_delta 0 marks the empty rest of the page); 30 time
//   extend: add (array[0] << 27) + time_delta; 31 absolute time stamp: (array[0] << 27) +
//   time_delta, keeping the top 5 bits of the current time (TS_MSB).
// Every record's time_delta is added to the running time, padding's too, as kbuffer does.
// Times are nanoseconds as JavaScript numbers: exact below 2^53 ns (104 days), which every
// since-boot trace clock stays under.

const COMMIT_MASK = (1 << 27) - 1;
const MISSING_EVENTS = 2 ** 31;
const MISSING_STORED = 2 ** 30;
const TWO32 = 2 ** 32;
const TS_MSB = 2 ** 59;

/** A page whose contents contradict its own header; `at` is the byte within the page. */
export class PageError extends Error {
  constructor(
    message: string,
    readonly at: number,
  ) {
    super(message);
  }
}

export class PageRecords {
  /** The current record: its time (ns), and where its payload is in `buf`. */
  ts = 0;
  start = 0;
  length = 0;
  /** Events lost before this page: 0 none, -1 some (count not stored), N the count. */
  lost = 0;

  buf: Buffer = Buffer.alloc(0);
  private pageAt = 0;
  private pos = 0;
  private end = 0;
  private readonly u32: (buf: Buffer, at: number) => number;
  private readonly shiftDelta: number;
  private readonly maskType: number;
  private readonly deltaShift: number;
  private readonly deltaMask: number;

  constructor(
    private readonly layout: RingLayout,
    private readonly bigEndian: boolean,
  ) {
    this.u32 = bigEndian ? (b, at) => b.readUInt32BE(at) : (b, at) => b.readUInt32LE(at);
    this.shiftDelta = 2 ** layout.timeDeltaBits;
    this.maskType = (1 << layout.typeLenBits) - 1;
    // little-endian: type_len in the low bits; big-endian: in the high bits (type_len4host).
    this.deltaShift = bigEndian ? 0 : layout.typeLenBits;
    this.deltaMask = bigEndian ? this.shiftDelta - 1 : 0xffffffff;
  }

  /** Starts reading the page at `buf[at .. at + size)`. */
  load(buf: Buffer, at: number, size: number): void {
    const l = this.layout;
    this.buf = buf;
    this.pageAt = at;
    if (size < l.dataOffset) throw new PageError(`a page header of ${l.dataOffset} bytes, but the page has ${size}`, 0);
    const tsAt = at + l.timestampOffset;
    this.ts = this.bigEndian
      ? buf.readUInt32BE(tsAt) * TWO32 + buf.readUInt32BE(tsAt + 4)
      : buf.readUInt32LE(tsAt + 4) * TWO32 + buf.readUInt32LE(tsAt);
    // The flags are in the low 32 bits of the commit long (kbuffer reads it whole, masks it as unsigned int).
    const cAt = at + l.commitOffset;
    const flags = l.commitSize === 8 && this.bigEndian ? this.u32(buf, cAt + 4) : this.u32(buf, cAt);
    const commit = flags & COMMIT_MASK;
    if (commit > size - l.dataOffset)
      throw new PageError(`a committed size of at most ${size - l.dataOffset} bytes in the page header, not ${commit}`, l.commitOffset);
    this.pos = at + l.dataOffset;
    this.end = this.pos + commit;
    this.lost = 0;
    if (flags >= MISSING_EVENTS) {
      this.lost = -1;
      if ((flags - MISSING_EVENTS) & MISSING_STORED && this.end + l.commitSize <= at + size) {
        const lo = this.u32(buf, this.end + (this.bigEndian && l.commitSize === 8 ? 4 : 0));
        this.lost = lo;
      }
    }
  }

  /** Moves to the next data record; false at the end of the page. */
  next(): boolean {
    const l = this.layout;
    const buf = this.buf;
    while (this.pos < this.end) {
      const at = this.pos;
      if (at + 4 > this.end) throw this.error('a 4-byte record header', at);
      const word = this.u32(buf, at);
      const type = this.bigEndian ? word >>> (32 - l.typeLenBits) : word & this.maskType;
      const delta = (word >>> this.deltaShift) & this.deltaMask;
      let p = at + 4;
      if (type === l.padding) {
        if (delta === 0) {
          this.pos = this.end; // the rest of the page is empty (rb_null_event)
          return false;
        }
        if (p + 4 > this.end) throw this.error('the length of a padding record', at);
        const skip = this.u32(buf, p);
        if (p + skip > this.end) throw this.error(`padding of ${skip} bytes inside the committed data`, at);
        this.ts += delta;
        this.pos = p + skip;
        continue;
      }
      if (type === l.timeExtend || type === l.timeStamp) {
        if (p + 4 > this.end) throw this.error('the 32-bit high part of a time extend', at);
        const high = this.u32(buf, p) * this.shiftDelta + delta;
        if (type === l.timeExtend) this.ts += high;
        else this.ts = high + (this.ts >= TS_MSB ? this.ts - (this.ts % TS_MSB) : 0);
        this.pos = p + 4;
        continue;
      }
      let length: number;
      if (type === 0) {
        if (p + 4 > this.end) throw this.error('the length word of a long record', at);
        const stored = this.u32(buf, p);
        if (stored < 4) throw this.error(`a long record's length of at least 4, not ${stored}`, at);
        length = Math.ceil((stored - 4) / 4) * 4; // rounded up to 4 bytes, as kbuffer does; no 32-bit wrap
        p += 4;
      } else if (type <= l.dataMaxTypeLen) length = type * 4;
      else throw this.error(`a record type of at most ${l.dataMaxTypeLen} or ${l.padding}..${l.timeStamp}, not ${type}`, at);
      if (p + length > this.end) throw this.error(`a ${length}-byte record inside the committed data`, at);
      this.ts += delta;
      this.start = p;
      this.length = length;
      this.pos = p + length;
      return true;
    }
    return false;
  }

  private error(expected: string, at: number): PageError {
    const rel = at - this.pageAt;
    return new PageError(`${expected} at byte ${rel} of the page (committed data ends at ${this.end - this.pageAt})`, rel);
  }
}
