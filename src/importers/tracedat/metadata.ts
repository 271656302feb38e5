import { ByteView } from './byte-view.js';
import type { RandomAccess } from './random-access.js';

// The metadata blocks that v6 stores one after another and v7 stores one per section, in the same
// byte layout either way (trace-cmd.dat.v6(5) "HEADER INFO FORMAT" to "PROCESS INFORMATION";
// v7(5) "HEADER INFO SECTION" to "SAVED COMMAND LINES SECTION"; read_header_files,
// read_ftrace_files, read_event_files, read_proc_kallsyms, read_ftrace_printk and
// read_and_parse_cmdlines in lib/trace-cmd/trace-input.c).

/** What reads the blocks: a view of a (decompressed) v7 section, or a cursor over a v6 file. */
export interface MetaReader {
  readonly offset: number;
  u32(what: string): number;
  u64(what: string): number;
  cstring(what: string): string;
  text(n: number, what: string): string;
  fail(expected: string): never;
}

/** Sequential reads of a v6 file from an offset, a block at a time (kallsyms may be megabytes). */
export class FileCursor implements MetaReader {
  constructor(
    private readonly file: RandomAccess,
    private readonly bigEndian: boolean,
    public offset: number,
    private readonly where: string,
  ) {}

  private take(n: number, what: string): ByteView {
    const view = new ByteView(
      this.file.read(this.offset, n, `${this.where}: ${what}`),
      this.bigEndian,
      this.file.label,
      this.offset,
      this.where,
    );
    this.offset += n;
    return view;
  }

  u32(what: string): number {
    return this.take(4, what).u32(what);
  }

  u64(what: string): number {
    return this.take(8, what).u64(what);
  }

  text(n: number, what: string): string {
    return this.take(n, what).text(n, what);
  }

  cstring(what: string): string {
    for (let window = 256; ; window *= 4) {
      const n = Math.min(window, this.file.size - this.offset);
      const buf = this.file.read(this.offset, n, `${this.where}: ${what}`);
      const end = buf.indexOf(0);
      if (end >= 0) {
        this.offset += end + 1;
        return buf.toString('latin1', 0, end);
      }
      if (n < window) this.fail(`${what}: a NUL-terminated string`);
    }
  }

  fail(expected: string): never {
    return new ByteView(Buffer.alloc(0), this.bigEndian, this.file.label, this.offset, this.where).fail(expected);
  }
}

/** Format texts larger than this are not format files; it stops a corrupt size early. */
const MAX_FORMAT = 1 << 20;

function sizedText(r: MetaReader, size: number, limit: number, what: string): string {
  if (size > limit) r.fail(`${what} of at most ${limit} bytes, not ${size}`);
  return r.text(size, what);
}

function expectTag(r: MetaReader, tag: string): void {
  const got = r.text(tag.length + 1, `the "${tag}" tag`);
  if (got !== `${tag}\0`) r.fail(`the ${tag.length + 1} bytes before this to be the tag "${tag}\\0", not ${JSON.stringify(got)}`);
}

export interface HeaderInfo {
  /** events/header_page: the ring-buffer page header's fields. */
  headerPage: string;
  /** events/header_event: the record header's bit fields and type values. */
  headerEvent: string;
}

export function readHeaderInfo(r: MetaReader): HeaderInfo {
  expectTag(r, 'header_page');
  const headerPage = sizedText(r, r.u64('the size of header_page'), MAX_FORMAT, 'header_page');
  expectTag(r, 'header_event');
  const headerEvent = sizedText(r, r.u64('the size of header_event'), MAX_FORMAT, 'header_event');
  return { headerPage, headerEvent };
}

/** The format files of the ftrace system (function, print, bprint, ...). */
export function readFtraceFormats(r: MetaReader): string[] {
  const count = r.u32('the number of ftrace event formats');
  const formats: string[] = [];
  for (let i = 0; i < count; i++) formats.push(sizedText(r, r.u64(`the size of ftrace format ${i}`), MAX_FORMAT, `ftrace format ${i}`));
  return formats;
}

export interface SystemFormats {
  system: string;
  formats: string[];
}

export function readEventFormats(r: MetaReader): SystemFormats[] {
  const systems = r.u32('the number of event systems');
  const out: SystemFormats[] = [];
  for (let s = 0; s < systems; s++) {
    const system = r.cstring(`the name of event system ${s}`);
    const count = r.u32(`the number of events of system ${system}`);
    const formats: string[] = [];
    for (let i = 0; i < count; i++)
      formats.push(sizedText(r, r.u64(`the size of format ${i} of system ${system}`), MAX_FORMAT, `format ${i} of system ${system}`));
    out.push({ system, formats });
  }
  return out;
}

/** Kallsyms and printk formats: a 32-bit size, then the text. */
export function readText32(r: MetaReader, what: string): string {
  const size = r.u32(`the size of ${what}`);
  return sizedText(r, size, 1 << 30, what);
}

/** Saved command lines: a 64-bit size, then `pid comm` lines. */
export function readText64(r: MetaReader, what: string): string {
  const size = r.u64(`the size of ${what}`);
  return sizedText(r, size, 1 << 30, what);
}
