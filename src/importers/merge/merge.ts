import type { NewEvent } from '../../model/event.js';
import type { FormatName } from '../format.js';
import { eventBatches } from '../parse-source.js';
import type { LineSource } from '../source.js';
import type { ImportStats } from '../stats.js';
import { asGuestEvent, type GuestOf } from '../tracedat/guests.js';
import { toRealtime, type ClockAlignment } from './clock.js';
import { IoctlArgs } from './ioctl-args.js';
import { keyedBatches, returnTime, type Keyed } from './keyed-stream.js';
import { Placement, type PlacementConfig, type Side } from './placement.js';
import { MERGE_STATS, StructureCheck, type StructureReport } from './structure-check.js';

// A k-way merge of several files of one run into one event stream, on one clock (CLOCK_REALTIME when
// strace is among them). Each file streams as async batches; the merge holds one batch per file.
// Events are taken in time order (ties to ftrace first: the kernel's side of a moment comes before
// the return strace reports, then to the order the files were given), and handed to the placement
// (placement.ts), which keeps a vCPU thread's kernel events inside the KVM_RUN they happened in.

export interface MergeInput {
  source: LineSource;
  format: { name: FormatName };
  /** How this file's times become the merged clock; undefined keeps them as they are. */
  alignment?: ClockAlignment;
  /** A guest's trace.dat merged with its host's: its events become guest events. */
  guest?: GuestOf;
}

interface Cursor {
  side: Side;
  stream: AsyncGenerator<Keyed[]>;
  batch: Keyed[];
  at: number;
  done: boolean;
}

const OUT_BATCH = 4096;

export interface MergeOutcome {
  structure?: StructureReport;
}

export async function* mergeSources(
  inputs: readonly MergeInput[],
  stats: ImportStats,
  placement?: PlacementConfig,
  outcome: MergeOutcome = {},
): AsyncGenerator<NewEvent[]> {
  const check = new StructureCheck(stats, placement);
  const ioctlArgs = new IoctlArgs(stats);
  let out: NewEvent[] = [];
  const emit = (event: NewEvent, fromStrace: boolean) => {
    ioctlArgs.see(event);
    check.see(event, fromStrace);
    out.push(event);
  };
  const place = new Placement(placement ?? { threads: new Set(), lagS: 0, tolS: 0, waitS: 0 }, emit, stats);
  const cursors: Cursor[] = inputs.map((input) => {
    // A trace.dat is the kernel's side as much as ftrace text is; a guest's is neither observer of the host's calls.
    const kernel = input.format.name === 'ftrace' || (input.format.name === 'tracedat' && !input.guest);
    const side: Side = input.format.name === 'strace' ? 'strace' : kernel ? 'ftrace' : 'other';
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
    const stream = keyedBatches(events, side === 'strace' ? returnTime : (e) => e.ts, outOfOrder);
    return { side, stream, batch: [], at: 0, done: false };
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
  for (;;) {
    let best: Cursor | undefined;
    let bestKey = 0;
    for (const c of cursors) {
      if (c.done) continue;
      const key = c.batch[c.at]!.key;
      if (!best || key < bestKey || (key === bestKey && best.side === 'strace' && c.side !== 'strace')) {
        best = c;
        bestKey = key;
      }
    }
    if (!best) break;
    const { event, key } = best.batch[best.at++]!;
    if (best.at >= best.batch.length) await fill(best);
    // What each side can still hand over starts at its cursors' next keys.
    let straceBound = Infinity;
    let ftraceBound = Infinity;
    for (const c of cursors) {
      if (c.done) continue;
      const next = c.batch[c.at]!.key;
      if (c.side === 'strace') straceBound = Math.min(straceBound, next);
      else if (c.side === 'ftrace') ftraceBound = Math.min(ftraceBound, next);
    }
    // The event joins its thread's queue before the bounds move past it (it is no longer in a cursor).
    place.offer(event, best.side, key);
    place.advance(straceBound, ftraceBound);
    if (out.length >= OUT_BATCH) {
      yield out;
      out = [];
    }
  }
  place.end();
  ioctlArgs.end();
  check.end();
  outcome.structure = check.report();
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
