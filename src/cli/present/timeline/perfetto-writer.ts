import type { Fields } from '../../../query/timeline/items.js';
import { FileSink } from './file-sink.js';
import {
  CHILDREN_EXPLICIT,
  COUNTER,
  INSTANT,
  perfettoTypes,
  SEQ_INCREMENTAL_STATE_CLEARED,
  SLICE_BEGIN,
  SLICE_END,
  UNIT_COUNT,
} from './perfetto-schema.js';
import { shownValue, type TraceFileWriter, type TrackSpec } from './trace-file.js';

// Perfetto's protobuf trace (TrackEvent), as ui.perfetto.dev and trace_processor read it. A Trace is
// `repeated TracePacket packet = 1`, and concatenated Trace messages are one Trace, so packets are
// encoded in batches and appended to the file as they come: nothing but a batch is held in memory.
// Packets need not be in time order (trace_processor sorts them; ties keep file order), but each
// track's slices are written in order and never overlap, so every BEGIN meets its own END.

const SEQUENCE = 1;
const BATCH = 1024;

type Packet = Record<string, unknown>;

function annotations(args: Fields): Packet[] {
  return Object.entries(args).map(([name, raw]) => {
    const value = shownValue(name, raw);
    if (typeof value === 'string') return { name, stringValue: value };
    return Number.isSafeInteger(value) ? { name, intValue: value } : { name, doubleValue: value };
  });
}

export class PerfettoWriter implements TraceFileWriter {
  private readonly types = perfettoTypes();
  private readonly file: FileSink;
  private batch: Packet[] = [];
  private first = true;
  private rank = 0;

  constructor(
    path: string,
    /** Absolute nanoseconds of timeline time 0. */
    private readonly originNs: bigint,
  ) {
    this.file = new FileSink(path);
  }

  track(spec: TrackSpec): void {
    const descriptor: Packet = { uuid: spec.uuid, name: spec.name, siblingOrderRank: this.rank++, childOrdering: CHILDREN_EXPLICIT };
    if (spec.parent !== undefined) descriptor.parentUuid = spec.parent;
    if (spec.description) descriptor.description = spec.description;
    if (spec.kind === 'process') descriptor.process = { pid: spec.pid, processName: spec.name };
    if (spec.kind === 'thread') descriptor.thread = { pid: spec.pid, tid: spec.tid, threadName: spec.name };
    if (spec.kind === 'counter') descriptor.counter = { unit: UNIT_COUNT };
    this.packet({ trackDescriptor: descriptor });
  }

  slice(track: number, name: string, category: string, start: number, end: number, args: Fields): void {
    this.packet({
      timestamp: this.ts(start),
      trackEvent: { type: SLICE_BEGIN, trackUuid: track, name, categories: [category], debugAnnotations: annotations(args) },
    });
    this.packet({ timestamp: this.ts(end), trackEvent: { type: SLICE_END, trackUuid: track } });
  }

  instant(track: number, name: string, category: string, at: number, args: Fields): void {
    this.packet({
      timestamp: this.ts(at),
      trackEvent: { type: INSTANT, trackUuid: track, name, categories: [category], debugAnnotations: annotations(args) },
    });
  }

  counter(track: number, at: number, value: number): void {
    this.packet({ timestamp: this.ts(at), trackEvent: { type: COUNTER, trackUuid: track, counterValue: value } });
  }

  close(): { bytes: number } {
    this.flush();
    return { bytes: this.file.close() };
  }

  abandon(): void {
    this.file.abandon();
  }

  /** uint64 nanoseconds as a decimal string: protobufjs encodes it exactly (CLOCK_REALTIME ns exceed 2^53). */
  private ts(ns: number): string {
    return (this.originNs + BigInt(ns)).toString();
  }

  private packet(packet: Packet): void {
    packet.trustedPacketSequenceId = SEQUENCE;
    if (this.first) {
      packet.sequenceFlags = SEQ_INCREMENTAL_STATE_CLEARED;
      this.first = false;
    }
    this.batch.push(packet);
    if (this.batch.length >= BATCH) this.flush();
  }

  private flush(): void {
    if (this.batch.length === 0) return;
    this.file.write(this.types.Trace.encode(this.types.Trace.fromObject({ packet: this.batch })).finish());
    this.batch = [];
  }
}
