import { MinHeap } from '../merge/heap.js';
import type { CpuPages, Page } from './cpu-pages.js';
import { PageError, PageRecords } from './page-records.js';
import type { RingLayout } from './ring-layout.js';
import type { TimeCorrection } from './time-correction.js';

// The records of every CPU of every buffer, in time order: a k-way merge that holds one page
// per CPU. Order as trace-cmd report prints it (tracecmd_iterate_events_multi,
// lib/trace-cmd/trace-input.c): the smallest corrected time first, ties to the earlier buffer,
// then to the lower CPU.

export interface CpuStream {
  buffer: number;
  cpu: number;
  pages: CpuPages;
}

export class CpuCursor {
  /** The current record's corrected time, nanoseconds. */
  ts = 0;
  done = false;
  page: Page | undefined;
  readonly records: PageRecords;

  constructor(
    readonly stream: CpuStream,
    readonly order: number,
    layout: RingLayout,
    bigEndian: boolean,
  ) {
    this.records = new PageRecords(layout, bigEndian);
  }
}

/** A page that could not be read: reported, and its remaining records skipped. */
export type OnBadPage = (cursor: CpuCursor, error: PageError) => void;
/** A page whose header says events were lost before it (-1: an unknown number). */
export type OnLost = (cursor: CpuCursor, lost: number) => void;

export class RecordMerge {
  private readonly heap = new MinHeap<CpuCursor>((a, b) => a.ts < b.ts || (a.ts === b.ts && a.order < b.order));
  private pending: CpuCursor | undefined;

  constructor(
    streams: readonly CpuStream[],
    layout: RingLayout,
    bigEndian: boolean,
    private readonly correction: TimeCorrection,
    private readonly onBadPage: OnBadPage,
    private readonly onLost: OnLost,
  ) {
    this.all = streams.map((s, i) => new CpuCursor(s, i, layout, bigEndian));
    for (const c of this.all) if (this.advance(c)) this.heap.push(c);
  }

  /** The cursor holding the next record in time order, or undefined at the end. */
  next(): CpuCursor | undefined {
    if (this.pending && this.advance(this.pending)) this.heap.push(this.pending);
    this.pending = this.heap.pop();
    return this.pending;
  }

  /** Bytes of the file read so far, over all CPUs. */
  consumed(): number {
    let n = 0;
    for (const c of this.all) n += c.stream.pages.consumed;
    return n;
  }

  private readonly all: CpuCursor[];

  private advance(c: CpuCursor): boolean {
    for (;;) {
      if (c.page) {
        try {
          if (c.records.next()) {
            c.ts = this.correction.ns(c.records.ts, c.stream.cpu);
            return true;
          }
        } catch (error) {
          if (!(error instanceof PageError)) throw error;
          this.onBadPage(c, error);
        }
      }
      c.page = c.stream.pages.next();
      if (!c.page) {
        c.done = true;
        return false;
      }
      try {
        c.records.load(c.page.buf, c.page.at, c.page.size);
        if (c.records.lost !== 0) this.onLost(c, c.records.lost);
      } catch (error) {
        if (!(error instanceof PageError)) throw error;
        this.onBadPage(c, error);
        c.page = undefined;
      }
    }
  }
}
