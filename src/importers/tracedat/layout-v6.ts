import type { FileHeader } from './header.js';
import type { CpuData, RingBuffer, TraceDatLayout } from './layout.js';
import { FileCursor, readEventFormats, readFtraceFormats, readHeaderInfo, readText32, readText64 } from './metadata.js';
import { emptyOptions, readOptions, type FileOptions } from './options.js';
import type { RandomAccess } from './random-access.js';
import { ByteView } from './byte-view.js';

// Version 6 (trace-cmd.dat.v6(5)): everything in a fixed order after the initial format; then
// the CPU count, "options  \0" and options, and "flyrecord\0" with each CPU's data offset and size;
// then, when a TRACECLOCK option was written, the trace_clock file (read_headers_v6,
// read_options_type, read_cpu_data and init_data_v6 in lib/trace-cmd/trace-input.c).
// Buffer instances each point to their own "flyrecord\0" and CPU table
// (tracecmd_buffer_instance_handle).

export function readLayoutV6(file: RandomAccess, header: FileHeader): TraceDatLayout {
  const r = new FileCursor(file, header.bigEndian, header.end, 'v6 metadata');
  const headerInfo = readHeaderInfo(r);
  const ftraceFormats = readFtraceFormats(r);
  const eventFormats = readEventFormats(r);
  const kallsyms = readText32(r, 'kallsyms');
  const printk = readText32(r, 'printk formats');
  const cmdlines = readText64(r, 'saved command lines');
  let cpuCount = r.u32('the number of CPUs');
  const options = emptyOptions();
  let kind = r.text(10, 'the data kind ("options  ", "latency  " or "flyrecord")');
  if (kind.startsWith('options')) {
    readOptionsAt(file, header, r, options);
    kind = r.text(10, 'the data kind ("latency  " or "flyrecord")');
  }
  cpuCount = options.cpuCount ?? cpuCount;
  // Linux's NR_CPUS is at most 8192; a larger count is a corrupt field, not a machine.
  if (cpuCount > 1 << 16) r.fail(`a CPU count of at most 65536, not ${cpuCount}`);
  if (kind.startsWith('latency'))
    r.fail('flyrecord data: this file holds a latency tracer\'s text ("latency"), which hvreplay does not read; use trace-cmd report');
  if (!kind.startsWith('flyrecord')) r.fail(`"flyrecord\\0" before the CPU table, not ${JSON.stringify(kind)}`);
  const cpus = cpuTable(file, r, cpuCount);
  let clock = options.traceClock;
  if (options.traceClock !== undefined) {
    // trace-cmd tolerates a broken trace_clock block here (it falls back to "local"); so do we.
    try {
      clock = /\[([^\]]+)\]/.exec(readText64(r, 'trace_clock'))?.[1] ?? clock;
    } catch {
      clock = 'local';
    }
  }
  const buffers: RingBuffer[] = [{ name: '', clock, pageSize: header.pageSize, compressed: false, cpus }];
  for (const b of options.buffers) {
    const at = new FileCursor(file, header.bigEndian, b.offset, `buffer "${b.name}"`);
    const tag = at.text(10, `the data kind of buffer "${b.name}"`);
    if (!tag.startsWith('flyrecord')) at.fail(`"flyrecord\\0" for buffer "${b.name}", not ${JSON.stringify(tag)}`);
    buffers.push({ name: b.name, clock, pageSize: header.pageSize, compressed: false, cpus: cpuTable(file, at, cpuCount) });
  }
  options.buffers = [];
  return { file, header, codec: undefined, headerInfo, ftraceFormats, eventFormats, kallsyms, printk, cmdlines, options, buffers };
}

function readOptionsAt(file: RandomAccess, header: FileHeader, r: FileCursor, options: FileOptions): void {
  // Options have no overall size in v6; read a window and parse until the 0 id.
  for (let window = 1 << 16; ; window *= 4) {
    const view: ByteView = file.view(r.offset, window, header.bigEndian, 'v6 options');
    try {
      readOptions(view, false, options);
      r.offset += view.pos;
      return;
    } catch (error) {
      if (view.buf.length < window) throw error;
      Object.assign(options, emptyOptions());
    }
  }
}

function cpuTable(file: RandomAccess, r: FileCursor, count: number): CpuData[] {
  const cpus: CpuData[] = [];
  for (let cpu = 0; cpu < count; cpu++) {
    const offset = r.u64(`the data offset of CPU ${cpu}`);
    const size = r.u64(`the data size of CPU ${cpu}`);
    if (size === 0) continue;
    if (offset + size > file.size) r.fail(`CPU ${cpu}'s ${size} bytes at ${offset} inside the file (size ${file.size}); is it truncated?`);
    cpus.push({ cpu, offset, size });
  }
  return cpus;
}
