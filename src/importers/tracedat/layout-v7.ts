import type { ByteView } from './byte-view.js';
import { decompressorFor, inflateBlock, type Decompressor } from './compression.js';
import type { FileHeader } from './header.js';
import type { RingBuffer, TraceDatLayout } from './layout.js';
import { readEventFormats, readFtraceFormats, readHeaderInfo, readText32, readText64, type HeaderInfo } from './metadata.js';
import { emptyOptions, OPTION, readOptions } from './options.js';
import type { RandomAccess } from './random-access.js';

// Version 7 (trace-cmd.dat.v7(5)): sections anywhere in the file, found through options sections
// that chain from the offset in the header. Each section starts with a 16-byte header: id (u16),
// flags (u16, 1 = compressed), the id of its description string (u32), its size in the file (u64).
// A compressed section is one compressed block (compression.ts). read_headers, handle_section and
// init_buffer_cpu_data in lib/trace-cmd/trace-input.c read it the same way.

const SECTION_HEADER = 16;
const FLAG_COMPRESSED = 1;

const SECTION_NAMES: Record<number, string> = {
  [OPTION.done]: 'options section',
  [OPTION.headerInfo]: 'header info section',
  [OPTION.ftraceEvents]: 'ftrace event formats section',
  [OPTION.eventFormats]: 'event formats section',
  [OPTION.kallsyms]: 'kallsyms section',
  [OPTION.printk]: 'printk formats section',
  [OPTION.cmdlines]: 'saved command lines section',
  [OPTION.buffer]: 'buffer flyrecord section',
  [OPTION.bufferText]: 'buffer text section',
};

interface Section {
  flags: number;
  /** The section's contents, decompressed when the section is compressed. */
  body: ByteView;
}

function readSection(file: RandomAccess, header: FileHeader, codec: Decompressor | undefined, offset: number, id: number): Section {
  const where = `${SECTION_NAMES[id] ?? `section ${id}`} at byte ${offset}`;
  const head = file.view(offset, SECTION_HEADER, header.bigEndian, where);
  const gotId = head.u16('a section id');
  if (gotId !== id) head.fail(`section id ${id} (${SECTION_NAMES[id] ?? '?'}), not ${gotId}`, 0);
  const flags = head.u16('the section flags');
  head.u32('the section description string id');
  const size = head.u64('the section size');
  const raw = file.view(offset + SECTION_HEADER, size, header.bigEndian, where);
  if (raw.buf.length < size) raw.fail(`${size} bytes of section contents; the file ends first`);
  if (!(flags & FLAG_COMPRESSED)) return { flags, body: raw };
  if (!codec) return head.fail('an uncompressed section: the file header says "none" for compression', 2);
  return { flags, body: inflateBlock(raw, codec, where) };
}

export function readLayoutV7(file: RandomAccess, header: FileHeader): TraceDatLayout {
  const codec = header.compression ? decompressorFor(file.label, header.compression.name, header.compression.version, 10) : undefined;
  const options = emptyOptions();
  const seen = new Set<number>();
  for (let at = header.optionsOffset ?? 0; at !== 0;) {
    if (seen.has(at))
      file.view(at, 0, header.bigEndian, 'options chain').fail(`an options section not already read (the chain loops at ${at})`);
    seen.add(at);
    at = readOptions(readSection(file, header, codec, at, OPTION.done).body, true, options) ?? 0;
  }
  const section = (id: number): ByteView | undefined => {
    const at = options.sections.get(id);
    return at === undefined ? undefined : readSection(file, header, codec, at, id).body;
  };
  const headers = section(OPTION.headerInfo);
  if (!headers)
    return file
      .view(header.optionsOffset ?? 0, 0, header.bigEndian, 'options')
      .fail('a HEADER_INFO option (id 16): every trace.dat has one');
  const headerInfo: HeaderInfo = readHeaderInfo(headers);
  const ftrace = section(OPTION.ftraceEvents);
  const events = section(OPTION.eventFormats);
  const kallsyms = section(OPTION.kallsyms);
  const printk = section(OPTION.printk);
  const cmdlines = section(OPTION.cmdlines);
  const buffers: RingBuffer[] = [];
  for (const b of options.buffers) {
    if (b.text)
      file
        .view(b.offset, 0, header.bigEndian, `buffer "${b.name}"`)
        .fail(
          "flyrecord data: this buffer holds a latency tracer's text (BUFFER_TEXT), which hvreplay does not read; use trace-cmd report",
        );
    const head = file.view(b.offset, SECTION_HEADER, header.bigEndian, `buffer flyrecord section "${b.name}" at byte ${b.offset}`);
    const id = head.u16('a section id');
    if (id !== OPTION.buffer) head.fail(`section id ${OPTION.buffer} (buffer flyrecord), not ${id}`, 0);
    const compressed = (head.u16('the section flags') & FLAG_COMPRESSED) !== 0;
    if (compressed && !codec) head.fail('an uncompressed buffer: the file header says "none" for compression', 2);
    const pageSize = b.pageSize ?? header.pageSize;
    if (pageSize < 64 || pageSize > 1 << 24 || (pageSize & (pageSize - 1)) !== 0)
      head.fail(`buffer "${b.name}" to have a power-of-two page size, not ${pageSize} (in its BUFFER option)`, 0);
    const cpus = (b.cpus ?? []).filter((c) => c.size > 0).sort((x, y) => x.cpu - y.cpu);
    for (const c of cpus)
      if (c.offset + c.size + (compressed ? 4 : 0) > file.size)
        head.fail(`CPU ${c.cpu}'s ${c.size} bytes at ${c.offset} inside the file (size ${file.size}); is it truncated?`, 0);
    buffers.push({ name: b.name, clock: b.clock, pageSize, compressed, cpus });
  }
  return {
    file,
    header,
    codec,
    headerInfo,
    ftraceFormats: ftrace ? readFtraceFormats(ftrace) : [],
    eventFormats: events ? readEventFormats(events) : [],
    kallsyms: kallsyms ? readText32(kallsyms, 'kallsyms') : '',
    printk: printk ? readText32(printk, 'printk formats') : '',
    cmdlines: cmdlines ? readText64(cmdlines, 'saved command lines') : '',
    options,
    buffers,
  };
}
