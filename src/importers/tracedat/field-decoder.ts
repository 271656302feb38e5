import { shareArgs } from '../../store/encoded-event.js';
import type { ArgValue, Args } from '../../model/event.js';
import type { EventFormat, FieldFormat } from './event-format.js';

// Each field's raw value, decoded from the record by its format (event-format.ts), never from its
// printed form. Rules, as libtraceevent reads fields (src/event-parse.c, tep_read_number,
// dynamic_offset_field, print_field_raw):
// - integers of 1, 2, 4 or 8 bytes in the file's endianness, signed where the format says so;
//   values beyond 2^53 (kernel pointers, u64 counters) become lower-case "0x..." strings, the
//   representation model/event.ts gives them, so no bit is lost;
// - __data_loc: a 32-bit word, offset in the low 16 bits and length in the high 16 (a 2-byte one,
//   from old kernels, is an offset to a string that runs to the end); __rel_loc counts the offset
//   from the end of the field; an offset or length outside the record reads as empty, as in
//   libtraceevent;
// - char arrays are strings (up to the first NUL, UTF-8 like the text a tracefs `trace` file
//   prints); u8/s8 arrays are strings when printable (isprint/isspace, as print_field_raw decides)
//   and byte arrays otherwise; other arrays are arrays of their element's integers.

const MAX_SAFE_HIGH = 2 ** 21; // a 64-bit value below 2^53 has a high word below 2^21
const TWO32 = 2 ** 32;

type Reader = (buf: Buffer, at: number) => ArgValue;

function u64Value(hi: number, lo: number): number | string {
  if (hi < MAX_SAFE_HIGH) return hi * TWO32 + lo;
  return '0x' + hi.toString(16) + lo.toString(16).padStart(8, '0');
}

function s64Value(hi: number, lo: number): number | string {
  if (hi < 0x80000000) return u64Value(hi, lo);
  // Two's complement: -(2^64 - v).
  const nhi = 0xffffffff - hi;
  const nlo = TWO32 - lo;
  const mag = nlo === TWO32 ? u64Value(nhi + 1, 0) : u64Value(nhi, nlo);
  return typeof mag === 'number' ? -mag : '-' + mag;
}

function integerReader(size: number, signed: boolean, bigEndian: boolean): Reader | undefined {
  switch (size) {
    case 1:
      return signed ? (b, at) => b.readInt8(at) : (b, at) => b[at]!;
    case 2:
      if (bigEndian) return signed ? (b, at) => b.readInt16BE(at) : (b, at) => b.readUInt16BE(at);
      return signed ? (b, at) => b.readInt16LE(at) : (b, at) => b.readUInt16LE(at);
    case 4:
      if (bigEndian) return signed ? (b, at) => b.readInt32BE(at) : (b, at) => b.readUInt32BE(at);
      return signed ? (b, at) => b.readInt32LE(at) : (b, at) => b.readUInt32LE(at);
    case 8: {
      const v = signed ? s64Value : u64Value;
      if (bigEndian) return (b, at) => v(b.readUInt32BE(at), b.readUInt32BE(at + 4));
      return (b, at) => v(b.readUInt32LE(at + 4), b.readUInt32LE(at));
    }
    default:
      return undefined;
  }
}

function isPrintable(buf: Buffer, from: number, to: number): boolean {
  for (let i = from; i < to; i++) {
    const c = buf[i]!;
    if (c === 0) return true;
    if (!((c >= 0x20 && c < 0x7f) || (c >= 0x09 && c <= 0x0d))) return false;
  }
  return true;
}

function cString(buf: Buffer, from: number, to: number): string {
  const nul = buf.indexOf(0, from);
  return buf.toString('utf8', from, nul >= 0 && nul < to ? nul : to);
}

/** One field's decoder: reads the field of a record at buf[start .. start + length). */
type FieldDecoder = (buf: Buffer, start: number, length: number) => ArgValue;

function fieldDecoder(f: FieldFormat, bigEndian: boolean): FieldDecoder {
  if (!f.array) {
    const read = integerReader(f.size, f.signed, bigEndian);
    if (read) return (buf, start, length) => (f.offset + f.size <= length ? read(buf, start + f.offset) : null);
    return (buf, start, length) => bytesOf(buf, start + f.offset, start + Math.min(length, f.offset + f.size));
  }
  const locate = locator(f, bigEndian);
  const element = f.string ? undefined : integerReader(f.elementSize, f.signed, bigEndian);
  const isChar = /\bchar\b/.test(f.type) && !/unsigned\s+char/.test(f.type);
  return (buf, start, length) => {
    const [from, to] = locate(buf, start, length);
    if (f.string) return isChar || isPrintable(buf, from, to) ? cString(buf, from, to) : bytesOf(buf, from, to);
    if (!element) return bytesOf(buf, from, to);
    const out: ArgValue[] = [];
    for (let at = from; at + f.elementSize <= to; at += f.elementSize) out.push(element(buf, at));
    return out;
  };
}

function bytesOf(buf: Buffer, from: number, to: number): number[] {
  const out = new Array<number>(Math.max(0, to - from));
  for (let i = 0; i < out.length; i++) out[i] = buf[from + i]!;
  return out;
}

/** Where an array's bytes are: [from, to) in buf. */
function locator(f: FieldFormat, bigEndian: boolean): (buf: Buffer, start: number, length: number) => [number, number] {
  if (!f.dynamic) {
    // `char buf[]` (size 0) runs to the end of the record.
    if (f.size === 0) return (_b, start, length) => [start + Math.min(f.offset, length), start + length];
    return (_b, start, length) => [start + Math.min(f.offset, length), start + Math.min(length, f.offset + f.size)];
  }
  const word = integerReader(f.size === 2 ? 2 : 4, false, bigEndian)!;
  return (buf, start, length) => {
    if (f.offset + f.size > length) return [start, start];
    const v = word(buf, start + f.offset) as number;
    let off = v & 0xffff;
    let len = f.size === 2 ? length - off : v >>> 16;
    if (f.relative) off += f.offset + f.size;
    if (off > length) off = 0;
    if (off + len > length) len = 0;
    return [start + off, start + off + len];
  };
}

export interface RecordDecoder {
  format: EventFormat;
  /** The event's own fields (not common_*), in format order. */
  fields(buf: Buffer, start: number, length: number): Args;
  pid(buf: Buffer, start: number, length: number): number;
}

/** Distinct payloads remembered per event format; the memory is dropped and started again when full. */
const MEMO_LIMIT = 8192;

export function recordDecoder(format: EventFormat, bigEndian: boolean): RecordDecoder {
  const decoders = format.fields.map((f) => [f.name, fieldDecoder(f, bigEndian)] as const);
  // Records whose bytes after the common fields are equal have equal fields (every field, dynamic
  // ones too, lies in those bytes), and a guest in a loop repeats a few thousand of them millions
  // of times (kvm_emulate_insn): such records share one args object, decoded once, and the store makes
  // its JSON once (shareArgs). Nothing downstream changes an event's args but in the same way each time
  // (EventBuilder.constantStrings, before the first event with them is stored).
  // They are found by a hash of those bytes (FNV-1a), then compared, so a repeat allocates nothing.
  const from = Math.min(...format.fields.map((f) => f.offset), Number.MAX_SAFE_INTEGER);
  let memo = new Map<number, { bytes: Buffer; args: Args }>();
  const pidField = format.common.find((f) => f.name === 'common_pid');
  const pidRead = pidField ? integerReader(pidField.size, true, bigEndian) : undefined;
  const pidAt = pidField?.offset ?? 0;
  return {
    format,
    fields(buf, start, length) {
      const a = start + Math.min(from, length);
      const b = start + length;
      let hash = 0x811c9dc5;
      for (let i = a; i < b; i++) hash = Math.imul(hash ^ buf[i]!, 0x01000193);
      const known = memo.get(hash);
      if (known && known.bytes.length === b - a && buf.compare(known.bytes, 0, known.bytes.length, a, b) === 0) return known.args;
      const args: Args = {};
      for (const [name, decode] of decoders) args[name] = decode(buf, start, length);
      if (memo.size >= MEMO_LIMIT) memo = new Map();
      memo.set(hash, { bytes: Buffer.from(buf.subarray(a, b)), args: shareArgs(args) });
      return args;
    },
    pid: (buf, start, length) => (pidRead && pidAt + pidField!.size <= length ? (pidRead(buf, start + pidAt) as number) : 0),
  };
}

/** Reads the common_type of a record: the id of its format (-1 when the record is too short). */
export function typeReader(offset: number, size: number, bigEndian: boolean): (buf: Buffer, start: number, length: number) => number {
  const width = integerReader(size, false, bigEndian) ? size : 2;
  const read = integerReader(width, false, bigEndian)!;
  return (buf, start, length) => (offset + width <= length ? (read(buf, start + offset) as number) : -1);
}
