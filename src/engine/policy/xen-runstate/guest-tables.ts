import { hex, toBig } from '../../../model/address.js';
import type { EventOf } from '../../../model/event.js';
import type { MachineState, Vcpu, Vm } from '../../../model/state.js';
import { vcpuForTraceEvent } from '../../reducers/vcpu-thread.js';
import { withVm } from '../../update.js';
import { PAGE, type XenGuest } from './abi.js';

// The guest's page tables as a scenario defines them (`guest: page_table_update`), and the walk Xen
// makes through the ones the vCPU uses now: __copy_to_guest() goes through the guest's current page
// tables for PV (__copy_to_guest_pv) and HVM (copy_to_user_hvm) alike, and Arm walks them too.

export function pageTableUpdate(state: MachineState, event: EventOf<'guest:page_table_update'>): MachineState {
  const { state: next, ref } = vcpuForTraceEvent(state, event);
  const va = toBig(event.args.va)!;
  const key = hex(va & ~(PAGE - 1n));
  const tables = { ...(ref.vm.guestPageTables ?? {}) };
  const gpa = event.args.gpa;
  if (gpa === null) delete tables[key];
  else tables[key] = { gpa: hex(toBig(gpa)! & ~(PAGE - 1n)), user: event.args.user };
  return withVm(next, { ...ref.vm, guestPageTables: tables });
}

/**
 * The walk for one address in the vCPU's current mode: the gpa, or undefined. In user mode only `user`
 * entries are there (KPTI, and 64-bit PV's separate user page tables), except for a 32-bit PV guest,
 * whose kernel runs in ring 1 on the same page tables as its programs.
 */
export function translate(vm: Vm, vcpu: Vcpu, va: bigint, guest?: XenGuest): bigint | undefined {
  const entry = vm.guestPageTables?.[hex(va & ~(PAGE - 1n))];
  if (!entry) return undefined;
  if (vcpu.guestMode === 'user' && !entry.user && guest !== 'pv32') return undefined;
  return BigInt(entry.gpa) + (va & (PAGE - 1n));
}

/** The guest pages an area of `size` bytes at `va` covers, walked now; failedAt where a page is not mapped. */
export function walkArea(vm: Vm, vcpu: Vcpu, va: bigint, size: bigint, guest?: XenGuest): { pages: string[]; failedAt?: bigint } {
  const first = translate(vm, vcpu, va, guest);
  if (first === undefined) return { pages: [], failedAt: va };
  const pages = [hex(first & ~(PAGE - 1n))];
  const last = va + size - 1n;
  if ((last & ~(PAGE - 1n)) !== (va & ~(PAGE - 1n))) {
    const second = translate(vm, vcpu, last & ~(PAGE - 1n), guest);
    if (second === undefined) return { pages: [], failedAt: last & ~(PAGE - 1n) };
    pages.push(hex(second));
  }
  return { pages };
}
