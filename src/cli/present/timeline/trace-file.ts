import type { Fields } from '../../../query/timeline/items.js';

// What a timeline file format is asked to write (perfetto-writer.ts, chrome-json-writer.ts): tracks,
// then slices, instants and counter values on them. Times are timeline nanoseconds (relative to the
// clock's origin, src/query/timeline/clock.ts); every slice arrives whole, so none is left open.

export type TrackKind = 'process' | 'thread' | 'slices' | 'counter';

export interface TrackSpec {
  uuid: number;
  parent?: number;
  name: string;
  kind: TrackKind;
  pid?: number;
  tid?: number;
  /** Shown in the UI's track details. */
  description?: string;
}

export interface TraceFileWriter {
  track(spec: TrackSpec): void;
  slice(track: number, name: string, category: string, start: number, end: number, args: Fields): void;
  instant(track: number, name: string, category: string, at: number, args: Fields): void;
  counter(track: number, at: number, value: number): void;
  /** Finishes the file (written under a temporary name, renamed into place here); returns its size. */
  close(): { bytes: number };
  /** Removes what was written, after a failure. */
  abandon(): void;
}

/** Fields that hold addresses or raw register values, shown in hex as ftrace and perf print them. */
const HEX_FIELDS = new Set([
  'rip',
  'info1',
  'info2',
  'intr_info',
  'error_code',
  'gpa',
  'port',
  'val',
  'addr',
  'guest_phys_addr',
  'userspace_addr',
  'hva',
]);

/** A field's value as a timeline shows it. */
export function shownValue(name: string, value: number | string): number | string {
  return typeof value === 'number' && HEX_FIELDS.has(name) && Number.isInteger(value) && value >= 0 ? `0x${value.toString(16)}` : value;
}
