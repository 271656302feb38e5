import type { ByteView } from './byte-view.js';

// trace.dat options (trace-cmd.dat.v7(5) "OPTIONS SECTION"; v6(5) "options  \0"): a 16-bit id, a
// 32-bit size, the data. v6 ends the list with an id of 0 and no size; v7 ends each options section
// with DONE (id 0, size 8) holding the offset of the next one, or 0. Unknown ids are skipped, as
// trace-cmd does (handle_options, lib/trace-cmd/trace-input.c), whose handling each case follows.

export const OPTION = {
  done: 0,
  date: 1,
  cpuStat: 2,
  buffer: 3,
  traceClock: 4,
  uname: 5,
  offset: 7,
  cpuCount: 8,
  version: 9,
  traceId: 11,
  timeShift: 12,
  guest: 13,
  tsc2nsec: 14,
  headerInfo: 16,
  ftraceEvents: 17,
  eventFormats: 18,
  kallsyms: 19,
  printk: 20,
  cmdlines: 21,
  bufferText: 22,
} as const;

/** The ids whose option data is the 64-bit offset of a v7 section of the same id. */
const SECTION_OPTIONS: readonly number[] = [
  OPTION.headerInfo,
  OPTION.ftraceEvents,
  OPTION.eventFormats,
  OPTION.kallsyms,
  OPTION.printk,
  OPTION.cmdlines,
];

export interface CpuDataRef {
  cpu: number;
  /** Where the CPU's ring-buffer pages (or, compressed, its chunk count and chunks) are. */
  offset: number;
  /** Bytes stored in the file (compressed bytes when the buffer's section is compressed). */
  size: number;
}

export interface BufferOption {
  /** "" is the top instance. */
  name: string;
  /** v7: the BUFFER FLYRECORD section; v6: the "flyrecord\0" tag of the instance's CPU table. */
  offset: number;
  clock: string | undefined;
  pageSize: number | undefined;
  /** v7 only: the CPUs with data; v6 reads them at `offset`. */
  cpus: CpuDataRef[] | undefined;
  /** BUFFER_TEXT: a latency trace kept as text. */
  text: boolean;
}

/** One time-sync sample (TIME_SHIFT): at guest time `time`, host = guest * scaling >> fraction + offset. */
export interface TsyncSample {
  time: bigint;
  offset: bigint;
  scaling: bigint;
  fraction: bigint;
}

export interface TimeShift {
  /** The trace id (TRACEID) of the file this one's times are shifted to, usually the host's. */
  peerTraceId: bigint;
  /** TRACECMD_TSYNC_FLAG_INTERPOLATE (1): interpolate the offset between samples. */
  flags: number;
  /** Per guest CPU, sorted by time, one sample per time. */
  samples: TsyncSample[][];
}

export interface GuestOption {
  name: string;
  traceId: bigint;
  /** Guest CPU -> the host thread (pid) that runs it. */
  vcpuThreads: Map<number, number>;
}

export interface FileOptions {
  buffers: BufferOption[];
  /** The selected clock of the TRACECLOCK option ("[local] global ..."). */
  traceClock: string | undefined;
  traceId: bigint | undefined;
  timeShift: TimeShift | undefined;
  guests: GuestOption[];
  tsc2nsec: { mult: number; shift: number; offset: bigint } | undefined;
  /** DATE (microseconds, as trace-cmd converts it) plus OFFSET, in nanoseconds, added to every time. */
  tsOffsetNs: bigint;
  cpuCount: number | undefined;
  uname: string | undefined;
  version: string | undefined;
  /** v7: section id -> offset of its section header. */
  sections: Map<number, number>;
}

export function emptyOptions(): FileOptions {
  return {
    buffers: [],
    traceClock: undefined,
    traceId: undefined,
    timeShift: undefined,
    guests: [],
    tsc2nsec: undefined,
    tsOffsetNs: 0n,
    cpuCount: undefined,
    uname: undefined,
    version: undefined,
    sections: new Map(),
  };
}

/**
 * Reads one list of options into `into`. Returns, for v7, the offset of the next options section
 * (0 when there is none); for v6, undefined once the terminating 0 id is read.
 */
export function readOptions(view: ByteView, v7: boolean, into: FileOptions): number | undefined {
  for (;;) {
    const id = view.u16('an option id');
    if (!v7 && id === OPTION.done) return undefined;
    const size = view.u32(`the size of option ${id}`);
    const data = view.sub(size, `the ${size} bytes of option ${id}`, `option ${id}`);
    if (id === OPTION.done) {
      if (!v7) return undefined;
      return data.u64('the offset of the next options section');
    }
    readOption(id, data, v7, into);
  }
}

function readOption(id: number, data: ByteView, v7: boolean, into: FileOptions): void {
  switch (id) {
    case OPTION.date: {
      // "the time difference between trace events timestamps and the Generic Time of Day", in
      // microseconds, written as "0x..." text; trace-cmd multiplies it by 1000.
      const us = cInteger(cText(data));
      if (us !== undefined) into.tsOffsetNs += us * 1000n;
      return;
    }
    case OPTION.offset: {
      const ns = cInteger(cText(data));
      if (ns !== undefined) into.tsOffsetNs += ns;
      return;
    }
    case OPTION.buffer:
    case OPTION.bufferText:
      into.buffers.push(readBuffer(id, data, v7));
      return;
    case OPTION.traceClock:
      into.traceClock = /\[([^\]]+)\]/.exec(cText(data))?.[1] ?? into.traceClock;
      return;
    case OPTION.uname:
      into.uname = cText(data);
      return;
    case OPTION.version:
      into.version = cText(data);
      return;
    case OPTION.cpuCount:
      into.cpuCount = data.u32('the CPU count');
      return;
    case OPTION.traceId:
      if (data.remaining >= 8) into.traceId = data.u64big('the trace id');
      return;
    case OPTION.timeShift:
      if (data.remaining >= 16) into.timeShift = readTimeShift(data);
      return;
    case OPTION.guest:
      into.guests.push(readGuest(data));
      return;
    case OPTION.tsc2nsec:
      if (data.remaining >= 16)
        into.tsc2nsec = { mult: data.u32('the TSC multiplier'), shift: data.u32('the TSC shift'), offset: data.u64big('the TSC offset') };
      return;
    default:
      if (v7 && SECTION_OPTIONS.includes(id) && data.remaining >= 8) into.sections.set(id, data.u64(`the offset of section ${id}`));
  }
}

/** BUFFER: offset, name; v7 adds the clock, the page size and the CPUs' data (handle_buffer_option). */
function readBuffer(id: number, data: ByteView, v7: boolean): BufferOption {
  const offset = data.u64('the offset of a buffer');
  const name = data.cstring('the name of a buffer');
  if (!v7) return { name, offset, clock: undefined, pageSize: undefined, cpus: undefined, text: false };
  const clock = data.cstring(`the clock of buffer "${name}"`);
  if (id === OPTION.bufferText) return { name, offset, clock, pageSize: undefined, cpus: undefined, text: true };
  const pageSize = data.u32(`the page size of buffer "${name}"`);
  const count = data.u32(`the CPU count of buffer "${name}"`);
  const cpus: CpuDataRef[] = [];
  for (let i = 0; i < count; i++) {
    const cpu = data.u32(`the id of CPU entry ${i} of buffer "${name}"`);
    cpus.push({ cpu, offset: data.u64(`the data offset of CPU ${cpu}`), size: data.u64(`the data size of CPU ${cpu}`) });
  }
  return { name, offset, clock, pageSize, cpus, text: false };
}

/**
 * TIME_SHIFT (tsync_cpu_offsets_load): peer id, flags, CPU count; per CPU a sample count and three
 * arrays of that length (times, offsets, scalings); then, in newer files, per CPU the fraction bits.
 */
function readTimeShift(data: ByteView): TimeShift {
  const peerTraceId = data.u64big("the peer's trace id");
  const flags = data.u32('the time-sync flags');
  const cpuCount = data.u32('the time-sync CPU count');
  const samples: TsyncSample[][] = [];
  for (let cpu = 0; cpu < cpuCount; cpu++) {
    const count = data.u32(`the time-sync sample count of CPU ${cpu}`);
    if (count * 24 > data.remaining) data.fail(`${count} time-sync samples of 24 bytes for CPU ${cpu}`);
    const list: TsyncSample[] = [];
    for (let i = 0; i < count; i++) list.push({ time: 0n, offset: 0n, scaling: 1n, fraction: 0n });
    for (const s of list) s.time = BigInt.asIntN(64, data.u64big('a sample time'));
    for (const s of list) s.offset = BigInt.asIntN(64, data.u64big('a sample offset'));
    for (const s of list) s.scaling = BigInt.asIntN(64, data.u64big('a sample scaling'));
    samples.push(list);
  }
  if (data.remaining > 0) for (const list of samples) for (const s of list) s.fraction = data.u64big('a sample fraction');
  for (const [cpu, list] of samples.entries()) {
    list.sort((a, b) => (a.time < b.time ? -1 : a.time > b.time ? 1 : 0));
    samples[cpu] = list.filter((s, i) => i === 0 || s.time !== list[i - 1]!.time);
  }
  return { peerTraceId, flags, samples };
}

/** GUEST (trace_guest_load): name, trace id, vCPU count, then (guest CPU, host pid) pairs. */
function readGuest(data: ByteView): GuestOption {
  const name = data.cstring('the guest name');
  const traceId = data.u64big('the guest trace id');
  const count = data.u32('the guest CPU count');
  const vcpuThreads = new Map<number, number>();
  for (let i = 0; i < count; i++) {
    const at = data.pos;
    const cpu = data.u32('a guest CPU');
    if (cpu >= count) data.fail(`a guest CPU below the count ${count}, not ${cpu}`, at);
    vcpuThreads.set(cpu, data.u32('the host pid of a guest CPU'));
  }
  return { name, traceId, vcpuThreads };
}

/** Option text: NUL-terminated ASCII, though a writer may omit the NUL at the very end. */
function cText(data: ByteView): string {
  const end = data.buf.indexOf(0);
  return data.buf.toString('latin1', 0, end < 0 ? data.buf.length : end).trim();
}

/** strtoll(text, NULL, 0): optional sign, then 0x hex, 0 octal or decimal; undefined if none. */
function cInteger(text: string): bigint | undefined {
  const m = /^([+-]?)(0[xX][0-9a-fA-F]+|0[0-7]*|[1-9]\d*)/.exec(text);
  if (!m) return undefined;
  const body = m[2]!;
  const v = /^0[xX]/.test(body) ? BigInt(body) : body.length > 1 && body.startsWith('0') ? BigInt('0o' + body.slice(1)) : BigInt(body);
  return m[1] === '-' ? -v : v;
}
