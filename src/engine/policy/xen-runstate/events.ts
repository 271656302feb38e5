import { z } from 'zod';
import { address, int, type ArgsOfShapes, type EventShape } from '../../../model/events/index.js';
import type { RunState } from '../../../model/state.js';

// What xen-runstate adds: Xen's hypercalls and scheduler events (vm/vcpu on the event are the vCPU
// that runs or makes the call), the guest's page tables as a scenario defines them, and the state
// they leave behind.

const area = { vcpu: int.nonnegative().optional(), addr: address };

export const RUNSTATE_EVENTS = {
  /** HYPERVISOR_vm_assist. */
  'hypercall:vm_assist': { cmd: z.enum(['enable', 'disable']).default('enable'), type: int.nonnegative() },
  /** VCPUOP_register_runstate_memory_area (5). */
  'hypercall:VCPUOP_register_runstate_memory_area': area,
  /** VCPUOP_register_runstate_phys_area (14, Xen 4.18+). */
  'hypercall:VCPUOP_register_runstate_phys_area': area,
  /** The guest maps va to gpa (null: unmaps it); user: the mapping is in the user-mode page tables too (not so for the kernel under KPTI). */
  'guest:page_table_update': { va: address, gpa: address.nullable(), user: z.boolean().default(false) },
  /** Xen switches the vCPU out, into `state`. */
  'context_switch:vcpu_deschedule': { state: z.enum(['runnable', 'blocked', 'offline']).default('runnable') },
  /** Xen switches the vCPU in. */
  'context_switch:vcpu_schedule': {},
} satisfies Record<string, EventShape>;

/** What the guest is: a 64-bit or 32-bit PV guest, or HVM/PVH; Arm guests need not say. */
export const RUNSTATE_HOST_FACTS = {
  xen_guest: z.enum(['pv64', 'pv32', 'hvm'], { error: "expected 'pv64', 'pv32' or 'hvm'" }).optional(),
} satisfies EventShape;

declare module '../../../model/events/index.js' {
  // eslint-disable-next-line @typescript-eslint/no-empty-object-type -- declaration merging adds this area's events
  interface EventArgsMap extends ArgsOfShapes<typeof RUNSTATE_EVENTS> {}
}

export interface RunstateArea {
  /** The guest virtual address the guest registered. */
  addr: string;
  /** The guest physical page(s) the area was last written through (captured at registration under va-at-register). */
  pages: string[];
}

export interface RunstateCopy {
  /** Guest physical address of the copy. */
  gpa: string;
  state: RunState;
  stateEntryTime: number | null;
  time: [number, number, number, number];
  /** Seq of the event that wrote it. */
  seq: number;
}

/** One guest page-table entry as a scenario defines it. */
export interface GuestMapping {
  gpa: string;
  /** Present in the page tables the guest uses in user mode too; false for kernel addresses under KPTI. */
  user: boolean;
}

declare module '../../../model/state.js' {
  interface Vcpu {
    /** The runstate area registered by guest virtual address (VCPUOP_register_runstate_memory_area). */
    runstateArea?: RunstateArea;
    /** Xen 4.18+: the runstate area registered by guest physical address (VCPUOP_register_runstate_phys_area). */
    runstatePhysArea?: string;
    /** What the guest last found in its runstate area, i.e. the last copy the hypervisor wrote. */
    runstateCopy?: RunstateCopy;
    /** x86 PV: the last update failed in user mode and is retried at the next switch to kernel mode (v->arch.pv.need_update_runstate_area). */
    runstateRetry?: boolean;
  }
  interface HostFacts {
    xen_guest?: 'pv64' | 'pv32' | 'hvm';
  }
  interface Vm {
    /** Guest page tables by page-aligned guest virtual address, where a scenario defines them. */
    guestPageTables?: Record<string, GuestMapping>;
    /** VMASST_TYPE_* numbers the guest enabled with HYPERVISOR_vm_assist. */
    vmAssist?: number[];
  }
}
