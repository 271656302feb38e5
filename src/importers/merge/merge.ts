import type { NewEvent } from '../../model/event.js';
import type { FormatName } from '../format.js';
import { eventBatches } from '../parse-source.js';
import type { LineSource } from '../source.js';
import type { ImportStats } from '../stats.js';
import { asGuestEvent, type GuestOf } from '../tracedat/guests.js';
import { toRealtime, type ClockAlignment } from './clock.js';
import { keyedBatches, returnTime, type Keyed } from './keyed-stream.js';
import { MERGE_STATS, StructureCheck } from './structure-check.js';

// A k-way merge of several files of one run into one event stream, in time order on one clock
// (CLOCK_REALTIME when strace is among them). Each file streams as async batches; the merge holds
// one batch per file. Ties go to ftrace first (the kernel's side of a moment before the call's
// return strace reports), then to the order the files were given.

export interface MergeInput {
  source: LineSource;
  format: { name: FormatName };
  /** How this file's times become the merged clock; undefined keeps them as they are. */
  alignment?: ClockAlignment;
  /** A guest's trace.dat merged with its host's: its events become guest events. */
  guest?: GuestOf;
}

interface Cursor {
  index: number;
  isStrace: boolean;
  stream: AsyncGenerator<Keyed[]>;
  batch: Keyed[];
  at: number;
  done: boolean;
}

const OUT_BATCH = 4096;

export async function* mergeSources(inputs: readonly MergeInput[], stats: ImportStats): AsyncGenerator<NewEvent[]> {
  const check = new StructureCheck(stats);
  const cursors: Cursor[] = inputs.map((input, index) => {
    const isStrace = input.format.name === 'strace';
    const alignment = input.alignment;
    const guest = input.guest;
    const parsed = eventBatches(input.source, stats, input.format.name);
    const labelled = guest ? relabelled(parsed, (e) => asGuestEvent(e, guest)) : parsed;
    const events = alignment ? realigned(labelled, alignment) : labelled;
    const outOfOrder = (e: NewEvent) =>
      stats.finding(
        MERGE_STATS.outOfOrder,
        e.src?.file ?? input.source.info.path,
        e.src?.line ?? 0,
        `${e.name} at ${e.ts} is earlier than an event before it in the same file; merged at the later time`,
        '',
      );
    const stream = keyedBatches(events, isStrace ? returnTime : (e) => e.ts, outOfOrder);
    return { index, isStrace, stream, batch: [], at: 0, done: false };
  });
  async function fill(c: Cursor): Promise<void> {
    while (!c.done && c.at >= c.batch.length) {
      const next = await c.stream.next();
      if (next.done) c.done = true;
      else {
        c.batch = next.value;
        c.at = 0;
      }
    }
  }
  await Promise.all(cursors.map(fill));
  let out: NewEvent[] = [];
  for (;;) {
    let best: Cursor | undefined;
    let bestKey = 0;
    for (const c of cursors) {
      if (c.done) continue;
      const key = c.batch[c.at]!.key;
      if (!best || key < bestKey || (key === bestKey && best.isStrace && !c.isStrace)) {
        best = c;
        bestKey = key;
      }
    }
    if (!best) break;
    const { event } = best.batch[best.at++]!;
    check.see(event, best.isStrace);
    out.push(event);
    if (out.length >= OUT_BATCH) {
      yield out;
      out = [];
    }
    if (best.at >= best.batch.length) await fill(best);
  }
  check.end();
  if (out.length > 0) yield out;
}

/** Each event changed in place (the events are fresh from the parser). */
async function* relabelled(batches: AsyncIterable<NewEvent[]>, change: (e: NewEvent) => void): AsyncGenerator<NewEvent[]> {
  for await (const batch of batches) {
    for (const event of batch) change(event);
    yield batch;
  }
}

/** ftrace times to the merged clock, in place (the events are fresh from the parser). */
async function* realigned(batches: AsyncIterable<NewEvent[]>, alignment: ClockAlignment): AsyncGenerator<NewEvent[]> {
  for await (const batch of batches) {
    for (const event of batch) if (event.ts !== undefined) event.ts = toRealtime(alignment, event.ts);
    yield batch;
  }
}
