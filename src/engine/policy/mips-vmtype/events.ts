import { z } from 'zod';
import { address, type ArgsOfShapes, type EventShape } from '../../../model/events/index.js';

// What mips-vmtype adds: the event of a VMM loading a guest kernel, what a VM and the host carry.

export const MIPS_EVENTS = {
  /** The VMM loads a guest kernel linked at link_address (vm on the event, else the process's last VM). */
  'guest:load_kernel': { link_address: address, path: z.string().optional() },
} satisfies Record<string, EventShape>;

/** How the host kernel was built (a `choice` in arch/mips/kvm/Kconfig), and whether its CPU has VZ. */
export const MIPS_HOST_FACTS = {
  kvm_mips_mode: z.enum(['vz', 'te'], { error: "expected 'vz' or 'te'" }).optional(),
  vz: z.boolean().optional(),
} satisfies EventShape;

declare module '../../../model/events/index.js' {
  // eslint-disable-next-line @typescript-eslint/no-empty-object-type -- declaration merging adds this area's events
  interface EventArgsMap extends ArgsOfShapes<typeof MIPS_EVENTS> {}
}

declare module '../../../model/state.js' {
  interface Vm {
    /** What the type number selected: a T&E or a VZ VM. */
    flavor?: 'te' | 'vz';
    /** The guest kernel the VMM loaded: whether its link address fits the VM's segment layout. */
    guestKernel?: { linkAddress: string; runs: boolean; why: string };
  }
  interface HostFacts {
    kvm_mips_mode?: 'vz' | 'te';
    vz?: boolean;
  }
}
