import type { NewEvent } from '../../model/event.js';
import type { ImportStats } from '../stats.js';
import { badTraceDat } from './byte-view.js';
import { CpuPages } from './cpu-pages.js';
import { RecordMerge, type CpuStream } from './cpu-merge.js';
import { EventBuilder, TRACEDAT_STATS, type RawRecord } from './event-builder.js';
import { FormatError } from './event-format.js';
import { readFileHeader } from './header.js';
import type { TraceDatLayout } from './layout.js';
import { readLayoutV6 } from './layout-v6.js';
import { readLayoutV7 } from './layout-v7.js';
import { loadZstd } from './compression.js';
import type { GuestOption, TimeShift } from './options.js';
import { RandomAccess } from './random-access.js';
import { parseRingLayout, type RingLayout } from './ring-layout.js';
import { TimeCorrection } from './time-correction.js';

// A trace.dat as a stream of event batches: the metadata first (header, options, sections,
// formats), then every CPU's pages merged in time order, a page per CPU in memory at a time.

/** What the file says about itself, kept in the trace's metadata. */
export interface TraceDatInfo {
  version: number;
  compression: string;
  bigEndian: boolean;
  longSize: number;
  pageSize: number;
  clock: string | undefined;
  traceId: string | undefined;
  uname: string | undefined;
  recordedBy: string | undefined;
  buffers: { name: string; clock: string | undefined; cpus: number[] }[];
  /** A guest file: the host's trace id its times were shifted to, and how. */
  timeShift: { peerTraceId: string; interpolated: boolean; cpus: number } | undefined;
  /** A host file: the guests recorded beside it, and which host thread runs each vCPU. */
  guests: { name: string; traceId: string; vcpuThreads: Record<string, number> }[];
  tsc2nsec: boolean;
}

export interface TraceDat {
  info: TraceDatInfo;
  /** The raw TIME_SHIFT and GUEST options, for merging a guest with its host. */
  timeShift: TimeShift | undefined;
  guests: GuestOption[];
  traceId: bigint | undefined;
  /** Bytes of ring-buffer data in the file, over all CPUs (the total for progress). */
  dataBytes: number;
  events(stats: ImportStats, onProgress?: (bytes: number) => void): AsyncGenerator<NewEvent[]>;
  /** The records with their decoded fields, before mapping, and the builder that names their tasks. */
  records(stats: ImportStats): Generator<RawRecord>;
  builder(stats: ImportStats): EventBuilder;
  close(): void;
}

const BATCH = 4096;
const hexId = (id: bigint): string => '0x' + id.toString(16).padStart(16, '0');

/** Opens `path` (a plain file), naming it `label` in messages. */
export async function openTraceDat(path: string, label: string): Promise<TraceDat> {
  const file = new RandomAccess(path, label);
  try {
    const header = readFileHeader(file);
    if (header.compression?.name === 'zstd') await loadZstd();
    const layout = header.version === 6 ? readLayoutV6(file, header) : readLayoutV7(file, header);
    let ring: RingLayout;
    try {
      ring = parseRingLayout(layout.headerInfo.headerPage, layout.headerInfo.headerEvent);
    } catch (error) {
      if (error instanceof FormatError) badTraceDat(label, header.end, 'header info', error.message);
      throw error;
    }
    return traceDat(file, layout, ring);
  } catch (error) {
    file.close();
    throw error;
  }
}

function traceDat(file: RandomAccess, layout: TraceDatLayout, ring: RingLayout): TraceDat {
  const { header, options } = layout;
  const info: TraceDatInfo = {
    version: header.version,
    compression: header.compression ? `${header.compression.name} ${header.compression.version}` : 'none',
    bigEndian: header.bigEndian,
    longSize: ring.commitSize,
    pageSize: header.pageSize,
    clock: layout.buffers[0]?.clock ?? options.traceClock,
    traceId: options.traceId === undefined ? undefined : hexId(options.traceId),
    uname: options.uname,
    recordedBy: options.version,
    buffers: layout.buffers.map((b) => ({ name: b.name, clock: b.clock, cpus: b.cpus.map((c) => c.cpu) })),
    timeShift: options.timeShift && {
      peerTraceId: hexId(options.timeShift.peerTraceId),
      interpolated: (options.timeShift.flags & 1) !== 0,
      cpus: options.timeShift.samples.length,
    },
    guests: options.guests.map((g) => ({ name: g.name, traceId: hexId(g.traceId), vcpuThreads: Object.fromEntries(g.vcpuThreads) })),
    tsc2nsec: options.tsc2nsec !== undefined,
  };
  return {
    info,
    timeShift: options.timeShift,
    guests: options.guests,
    traceId: options.traceId,
    dataBytes: layout.buffers.reduce((n, b) => n + b.cpus.reduce((m, c) => m + c.size, 0), 0),
    events: (stats, onProgress) => events(file, layout, ring, stats, onProgress),
    records: (stats) => {
      const builder = new EventBuilder(layout, ring.commitSize, file.label, stats);
      return records(file, layout, ring, stats, (...r) => builder.decode(...r));
    },
    builder: (stats) => new EventBuilder(layout, ring.commitSize, file.label, stats),
    close: () => file.close(),
  };
}

async function* events(
  file: RandomAccess,
  layout: TraceDatLayout,
  ring: RingLayout,
  stats: ImportStats,
  onProgress?: (bytes: number) => void,
): AsyncGenerator<NewEvent[]> {
  const builder = new EventBuilder(layout, ring.commitSize, file.label, stats);
  let out: NewEvent[] = [];
  const all = records(
    file,
    layout,
    ring,
    stats,
    (...r) => builder.event(...r),
    (bytes) => onProgress?.(bytes),
  );
  for (const event of all) {
    out.push(event);
    if (out.length >= BATCH) {
      yield out;
      out = [];
      // The reads are synchronous: give timers, signal handlers and I/O a turn between batches.
      await new Promise((resolve) => setImmediate(resolve));
    }
  }
  if (out.length > 0) yield out;
}

/** What is made of each record: its payload is buf[start .. start + length), `line` its number. */
type Make<T> = (buf: Buffer, start: number, length: number, ts: number, cpu: number, line: number) => T;

/** Every record of every CPU of every buffer, in time order, as `make` makes it. */
function* records<T>(
  file: RandomAccess,
  layout: TraceDatLayout,
  ring: RingLayout,
  stats: ImportStats,
  make: Make<T>,
  onProgress?: (bytes: number) => void,
): Generator<T> {
  const { header } = layout;
  const streams: CpuStream[] = [];
  layout.buffers.forEach((b, i) => {
    for (const c of b.cpus)
      streams.push({
        buffer: i,
        cpu: c.cpu,
        pages: new CpuPages(file, c, b.pageSize, header.bigEndian, b.compressed ? layout.codec : undefined),
      });
  });
  let line = 1; // trace-cmd report prints "cpus=N" first, so an event's number is its line there
  const merge = new RecordMerge(
    streams,
    ring,
    header.bigEndian,
    new TimeCorrection(layout.options),
    (c, error) =>
      stats.problem(
        TRACEDAT_STATS.badPage,
        file.label,
        line,
        `CPU ${c.stream.cpu} page at ${c.page?.where ?? '?'}: expected ${error.message}; the rest of the page is skipped`,
        '',
      ),
    (c, lost) =>
      stats.finding(
        TRACEDAT_STATS.lostEvents,
        file.label,
        line,
        `CPU ${c.stream.cpu}: ${lost > 0 ? lost : 'some'} events lost before the page at ${c.page?.where ?? '?'} (the ring buffer overran)`,
        '',
      ),
  );
  for (let c = merge.next(); c; c = merge.next()) {
    const r = c.records;
    yield make(r.buf, r.start, r.length, c.ts, c.stream.cpu, ++line);
    if ((line & 4095) === 0) onProgress?.(merge.consumed());
  }
  onProgress?.(merge.consumed());
}
