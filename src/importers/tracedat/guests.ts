import type { NewEvent } from '../../model/event.js';
import { openSource } from '../source.js';
import { isTraceDat } from './header.js';
import { openTraceDatSource } from './source-file.js';

// A guest's trace.dat beside its host's (trace-cmd record -A, trace-cmd agent): the guest file has
// a TIME_SHIFT option naming the host's trace id, and the reader already puts its times on the
// host's clock (time-correction.ts); the host file has a GUEST option naming the guest's trace id
// and, for each vCPU, the host thread that runs it (trace-cmd.dat.v7(5), TIME_SHIFT and GUEST;
// trace-cmd report pairs them the same way in map_vcpus, tracecmd/trace-read.c).

export interface TraceDatIds {
  path: string;
  traceId: bigint | undefined;
  /** The trace id of the file this one's times were shifted to (its host). */
  peerTraceId: bigint | undefined;
  guests: { name: string; traceId: bigint; vcpuThreads: Map<number, number> }[];
}

/** The ids a trace.dat declares, or undefined when the file is not a trace.dat. */
export async function traceDatIds(path: string): Promise<TraceDatIds | undefined> {
  let magic = false;
  for await (const chunk of openSource(path).chunks()) {
    magic = isTraceDat(chunk);
    break;
  }
  if (!magic) return undefined;
  const { dat, file } = await openTraceDatSource(openSource(path), false);
  try {
    return { path, traceId: dat.traceId, peerTraceId: dat.timeShift?.peerTraceId, guests: dat.guests };
  } finally {
    dat.close();
    file.remove();
  }
}

export interface GuestOf {
  /** The guest's name in the host's GUEST option ("" when recorded without one). */
  name: string;
  host: string;
  vcpuThreads: Map<number, number>;
}

/** For each guest file among `files`, its host among them. */
export function pairGuests(files: readonly TraceDatIds[]): Map<string, GuestOf> {
  const pairs = new Map<string, GuestOf>();
  for (const guest of files) {
    if (guest.peerTraceId === undefined) continue;
    const host = files.find((h) => h !== guest && h.traceId === guest.peerTraceId);
    if (!host) continue;
    const entry = host.guests.find((g) => g.traceId === guest.traceId);
    pairs.set(guest.path, { name: entry?.name ?? '', host: host.path, vcpuThreads: entry?.vcpuThreads ?? new Map() });
  }
  return pairs;
}

/**
 * A guest kernel's event, in a trace merged with its host's: kind "guest" (the host's reducers
 * must not read a guest's sched_switch as the host's), the guest CPU as the vCPU, the host thread
 * that runs that vCPU as the task, and the guest's own task kept in args.
 */
export function asGuestEvent(e: NewEvent, guest: GuestOf): void {
  const args = { ...e.args, guest: guest.name, guest_kind: e.kind, guest_pid: e.pid ?? null, guest_comm: e.comm ?? null };
  e.kind = 'guest';
  e.args = args;
  if (e.cpu !== undefined) {
    e.vcpu = e.cpu;
    const thread = guest.vcpuThreads.get(e.cpu);
    delete e.pid;
    delete e.tid;
    if (thread !== undefined) e.pid = e.tid = thread;
  }
  delete e.cpu;
  delete e.comm;
}
