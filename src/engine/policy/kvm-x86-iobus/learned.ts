import { hex } from '../../../model/address.js';
import type { TracedAccess } from './access.js';
import { busOutcome } from './bus.js';
import type { AfterReturn, VmIoBus } from './state.js';

// What the kernel's own behaviour shows about a registration whose arguments the trace does not show:
// a write the guest went on after was taken in the kernel; a write that ended its run, with no IN
// completed first thing in the next one, went to userspace. The kernel decides a write by the
// registrations alone (and, for a coalesced zone, by room in the ring), so what it did at one place it
// does again there until a registration comes or goes (registrations.ts forgets it all then).

export function learn(bus: VmIoBus, at: { key: string }, outcome: 'kernel' | 'userspace'): VmIoBus {
  // The LAPIC's place is the vCPU's (VcpuIo.apicBase), which access.ts sets from what the kernel took.
  if (at.key.startsWith('lapic:') || bus.learned[at.key] === outcome) return bus;
  return { ...bus, learned: { ...bus.learned, [at.key]: outcome } };
}

/** Whether the first access of a run completes what the last return left, and what that teaches. */
export function completes(after: AfterReturn, bus: VmIoBus, a: TracedAccess): { completion: boolean; bus: VmIoBus } {
  // Only a read nobody in the kernel answers can be an IN's completion (an answered one is traced on its own).
  const userspaceRead = a.bus === 'pio' && !a.write && !('taken' in busOutcome(bus, a));
  switch (after.kind) {
    case 'pio-in':
      return { completion: userspaceRead, bus };
    case 'mmio-read':
      return { completion: a.bus === 'mmio' && !a.write && !a.unsatisfied && hex(a.addr) === after.gpa, bus };
    case 'undecided':
      // The write was taken and the exit was an IN, or the write itself was the exit.
      return { completion: userspaceRead, bus: learn(bus, after.write, userspaceRead ? 'kernel' : 'userspace') };
  }
}

/** A run that ended without an access: nothing was completed, so an undecided write of the run before went to userspace. */
export function noCompletion(after: AfterReturn | undefined, bus: VmIoBus): VmIoBus {
  return after?.kind === 'undecided' ? learn(bus, after.write, 'userspace') : bus;
}
