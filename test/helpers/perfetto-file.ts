import { readFileSync } from 'node:fs';
import { perfettoTypes } from '../../src/cli/present/timeline/perfetto-schema.js';

// A written .pftrace decoded with the same vendored schema, as plain objects (uint64 as BigInt).

export interface DecodedTrack {
  uuid: number;
  parentUuid?: number;
  name?: string;
  process?: { pid: number; processName?: string };
  thread?: { pid: number; tid: number; threadName?: string };
  counter?: { unit?: number };
}

export interface DecodedEvent {
  /** Position in the file: trace_processor breaks timestamp ties by it. */
  index: number;
  ts: bigint;
  type: number;
  trackUuid: number;
  name?: string;
  counterValue?: number;
  debugAnnotations?: { name: string; stringValue?: string; intValue?: string; doubleValue?: number }[];
}

export function decodePerfetto(path: string): {
  tracks: DecodedTrack[];
  events: DecodedEvent[];
  packets: number;
  firstFlags: number | undefined;
} {
  const { Trace } = perfettoTypes();
  const trace = Trace.toObject(Trace.decode(readFileSync(path)), { longs: String }) as { packet?: Record<string, unknown>[] };
  const tracks: DecodedTrack[] = [];
  const events: DecodedEvent[] = [];
  const packets = trace.packet ?? [];
  packets.forEach((p, index) => {
    if (p.trusted_packet_sequence_id === undefined && p.trustedPacketSequenceId === undefined)
      throw new Error(`packet ${index} has no sequence`);
    const d = p.trackDescriptor as Record<string, unknown> | undefined;
    if (d)
      tracks.push({
        ...(d as unknown as DecodedTrack),
        uuid: Number(d.uuid),
        ...(d.parentUuid !== undefined ? { parentUuid: Number(d.parentUuid) } : {}),
        ...(d.thread ? { thread: { ...(d.thread as DecodedTrack['thread'])!, tid: Number((d.thread as { tid: string }).tid) } } : {}),
      });
    const e = p.trackEvent as Record<string, unknown> | undefined;
    if (e)
      events.push({
        ...(e as unknown as DecodedEvent),
        index,
        ts: BigInt(p.timestamp as string),
        trackUuid: Number(e.trackUuid),
        ...(e.counterValue !== undefined ? { counterValue: Number(e.counterValue) } : {}),
      });
  });
  return { tracks, events, packets: packets.length, firstFlags: packets[0]?.sequenceFlags as number | undefined };
}

/** Each track's slices as trace_processor builds them: events sorted by time (ties in file order), BEGIN pushes, END pops. */
export function slicesOf(events: DecodedEvent[]): { track: number; name: string; begin: bigint; end: bigint; depth: number }[] {
  const sorted = [...events].sort((a, b) => (a.ts < b.ts ? -1 : a.ts > b.ts ? 1 : a.index - b.index));
  const open = new Map<number, { name: string; begin: bigint }[]>();
  const slices: { track: number; name: string; begin: bigint; end: bigint; depth: number }[] = [];
  for (const e of sorted) {
    const stack = open.get(e.trackUuid) ?? [];
    open.set(e.trackUuid, stack);
    if (e.type === 1) stack.push({ name: e.name!, begin: e.ts });
    if (e.type === 2) {
      const top = stack.pop();
      if (!top) throw new Error(`an END without a BEGIN on track ${e.trackUuid} at ${e.ts}`);
      slices.push({ track: e.trackUuid, name: top.name, begin: top.begin, end: e.ts, depth: stack.length });
    }
  }
  for (const [track, stack] of open) if (stack.length) throw new Error(`track ${track} has ${stack.length} slices never closed`);
  return slices;
}
