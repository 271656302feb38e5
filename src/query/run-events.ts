import type { TraceEvent } from '../model/event.js';

// What of a recording is the run's, for comparing two recordings: what the VMM's threads did. tracefs
// records sched_switch and the mm notifiers system-wide, so a recording also holds whatever else the
// host did (a shell, a compiler, kdamond ageing pages), and the scheduler decides differently in every
// run who runs when; a diff that kept those would show them first. The VMM's threads are those with a
// call (strace) or a KVM event the model reads (exits, faults, hypercalls, guest events). Context
// switches are the host scheduler's and are left out like the other tasks' events; hvsync markers are
// kept (the signature leaves out their payload).

/** Kinds of event that only the VMM's own threads have. */
export const RUN_KINDS = ['ioctl', 'syscall', 'exit', 'fault', 'hypercall', 'guest'] as const;

export interface Filtered {
  /** Events left out as the host's: its other tasks' and its scheduler's. */
  hostEvents: number;
}

export function* runEvents(events: Iterable<TraceEvent>, threads: ReadonlySet<number>, counts: Filtered): Generator<TraceEvent> {
  for (const e of events) {
    const mine = e.kind === 'marker' || (e.kind !== 'context_switch' && e.tid !== undefined && threads.has(e.tid));
    if (mine) yield e;
    else counts.hostEvents++;
  }
}
