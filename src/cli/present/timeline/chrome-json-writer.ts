import type { Fields } from '../../../query/timeline/items.js';
import { FileSink } from './file-sink.js';
import { shownValue, type TraceFileWriter, type TrackSpec } from './trace-file.js';

// The legacy Chrome JSON trace-event format, for tools that read only that (chrome://tracing,
// speedscope, older viewers). It has processes and threads but no nested tracks, so every track that is
// not a real thread gets a thread id of its own (SYNTHETIC_TID + its uuid), named like the track and
// sorted in the order the tracks were declared. Timestamps are microseconds, printed with their three
// nanosecond digits, so nothing is lost in the text. Written as a stream, one event a line.

/** Above any Linux tid (PID_MAX_LIMIT is 2^22). */
const SYNTHETIC_TID = 1 << 30;

interface Lane {
  pid: number;
  tid: number;
}

export class ChromeJsonWriter implements TraceFileWriter {
  private readonly file: FileSink;
  private readonly lanes = new Map<number, Lane>();
  private readonly counterNames = new Map<number, string>();
  private events = 0;
  private sortIndex = 0;

  constructor(
    path: string,
    private readonly originNs: bigint,
    otherData: Record<string, string>,
  ) {
    this.file = new FileSink(path);
    this.file.write(`{"displayTimeUnit":"ns","otherData":${JSON.stringify(otherData)},"traceEvents":[\n`);
  }

  track(spec: TrackSpec): void {
    const parent = spec.parent === undefined ? undefined : this.lanes.get(spec.parent);
    const pid = spec.pid ?? parent?.pid ?? 0;
    if (spec.kind === 'counter') {
      this.counterNames.set(spec.uuid, spec.name);
      this.lanes.set(spec.uuid, { pid, tid: 0 });
      return;
    }
    const tid = spec.kind === 'thread' && spec.tid !== undefined ? spec.tid : spec.kind === 'process' ? pid : SYNTHETIC_TID + spec.uuid;
    this.lanes.set(spec.uuid, { pid, tid });
    if (spec.kind === 'process') this.event({ ph: 'M', name: 'process_name', pid, tid, args: { name: spec.name } });
    else {
      this.event({ ph: 'M', name: 'thread_name', pid, tid, args: { name: spec.name } });
      this.event({ ph: 'M', name: 'thread_sort_index', pid, tid, args: { sort_index: this.sortIndex++ } });
    }
  }

  slice(track: number, name: string, category: string, start: number, end: number, args: Fields): void {
    const lane = this.lane(track);
    this.event({ ph: 'X', name, cat: category, ...lane, ts: this.ts(start), dur: this.us(end - start), args: this.args(args) });
  }

  instant(track: number, name: string, category: string, at: number, args: Fields): void {
    this.event({ ph: 'i', s: 't', name, cat: category, ...this.lane(track), ts: this.ts(at), args: this.args(args) });
  }

  counter(track: number, at: number, value: number): void {
    const { pid } = this.lane(track);
    this.event({ ph: 'C', name: this.counterNames.get(track) ?? String(track), pid, ts: this.ts(at), args: { value } });
  }

  close(): { bytes: number } {
    this.file.write('\n]}\n');
    return { bytes: this.file.close() };
  }

  abandon(): void {
    this.file.abandon();
  }

  private lane(track: number): Lane {
    const lane = this.lanes.get(track);
    if (!lane) throw new Error(`chrome-json: track ${track} was not declared`);
    return lane;
  }

  private args(fields: Fields): Record<string, number | string> {
    const out: Record<string, number | string> = {};
    for (const [k, v] of Object.entries(fields)) out[k] = shownValue(k, v);
    return out;
  }

  /** Exact decimal microseconds of a timeline time, as JSON number text. */
  private ts(ns: number): RawNumber {
    return new RawNumber(this.originNs + BigInt(ns));
  }

  private us(ns: number): RawNumber {
    return new RawNumber(BigInt(ns));
  }

  private event(e: Record<string, unknown>): void {
    this.file.write(
      (this.events++ === 0 ? '' : ',\n') + JSON.stringify(e, (_, v: unknown) => (v instanceof RawNumber ? v.marker : v)).replace(RAW, '$1'),
    );
  }
}

/** A number JSON.stringify cannot print exactly: written as a marked string, then unquoted. */
class RawNumber {
  readonly marker: string;
  constructor(ns: bigint) {
    const sign = ns < 0n ? '-' : '';
    const abs = ns < 0n ? -ns : ns;
    this.marker = `\u0000${sign}${abs / 1000n}.${(abs % 1000n).toString().padStart(3, '0')}`;
  }
}

const RAW = /"\\u0000(-?\d+\.\d{3})"/g;
