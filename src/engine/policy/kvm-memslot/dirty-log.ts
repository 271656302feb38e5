import { toBig } from '../../../model/address.js';
import type { EventOf } from '../../../model/event.js';
import { KVM_MEM_LOG_DIRTY_PAGES } from '../../../model/kvm-abi.js';
import type { MachineState, Vm } from '../../../model/state.js';
import type { ReduceContext } from '../../context.js';
import { onFd } from '../../reducers/ioctl-target.js';
import type { EventReducer } from '../define.js';
import { addressSpaces } from './host-limits.js';
import type { MemslotParams } from './params.js';

// KVM_GET_DIRTY_LOG and KVM_CLEAR_DIRTY_LOG (6.18.2 virt/kvm/kvm_main.c kvm_get_dirty_log_protect(),
// kvm_clear_dirty_log_protect(); api.rst 4.8 and 4.117). A slot has a dirty bitmap while it carries
// KVM_MEM_LOG_DIRTY_PAGES and the VM logs to bitmaps (kvm_prepare_memory_region(): allocated only `if
// (kvm_use_dirty_bitmap(kvm))`, i.e. `!kvm->dirty_ring_size || kvm->dirty_ring_with_bitmap`; x86 never
// has the latter, CONFIG_NEED_KVM_DIRTY_RING_WITH_BITMAP is arm64's).

type Refusal = { errno: string; why: string } | { unmodelled: string } | undefined;

function usesRing(params: MemslotParams, vm: Vm): boolean {
  return vm.dirtyRing !== undefined && params.dirtyLog !== 'bitmap';
}

/** `if (as_id >= kvm_arch_nr_memslot_as_ids(kvm) || id >= KVM_USER_MEM_SLOTS) return -EINVAL;` (<= 4.1: `log->slot >= KVM_USER_MEM_SLOTS`). */
function slotIdCheck(params: MemslotParams, state: MachineState, slot: number | undefined): Refusal {
  if (slot === undefined) return { unmodelled: 'the slot is not known (strace prints the struct as an address)' };
  const asId = params.slotCheck === 'u16' ? slot >>> 16 : 0;
  const id = params.slotCheck === 'u16' ? slot & 0xffff : slot;
  const spaces = addressSpaces(state, params);
  if (asId > 0 && spaces === 'unknown')
    return { unmodelled: `slot ${slot} is in address space ${asId}; how many this host has is not known` };
  if ((asId > 0 && asId >= (spaces as number)) || id >= params.userMemSlots)
    return { errno: 'EINVAL', why: `slot ${slot} is out of range (address space or id beyond KVM_USER_MEM_SLOTS)` };
  return undefined;
}

/** `if (!memslot || !memslot->dirty_bitmap) return -ENOENT;` */
function bitmapCheck(vm: Vm, slot: number): Refusal {
  const memslot = vm.memslots.find((m) => m.slot === slot);
  if (!memslot || !(memslot.flags & KVM_MEM_LOG_DIRTY_PAGES))
    return { errno: 'ENOENT', why: `slot ${slot} has no dirty bitmap (no such slot, or no KVM_MEM_LOG_DIRTY_PAGES)` };
  return undefined;
}

/** `if (!kvm_use_dirty_bitmap(kvm)) return -ENXIO;` "Dirty ring tracking may be exclusive to dirty log tracking" (5.11+). */
const ENXIO: Refusal = { errno: 'ENXIO', why: 'the VM uses the dirty ring, not bitmaps' };

function getChecks(params: MemslotParams, state: MachineState, vm: Vm, slot: number | undefined): Refusal {
  if (usesRing(params, vm)) return ENXIO;
  return slotIdCheck(params, state, slot) ?? bitmapCheck(vm, slot!);
}

function answer(state: MachineState, ctx: ReduceContext, refusal: Refusal): MachineState {
  if (refusal && 'unmodelled' in refusal) ctx.effects.push({ kind: 'unmodelled', reason: refusal.unmodelled });
  else if (refusal) ctx.effects.push({ kind: 'result', errno: refusal.errno }, { kind: 'log', message: refusal.why });
  else ctx.effects.push({ kind: 'result', ret: 0 });
  return state;
}

export function getDirtyLog(params: MemslotParams): EventReducer<'ioctl:KVM_GET_DIRTY_LOG'> {
  return onFd<'ioctl:KVM_GET_DIRTY_LOG'>(['vm'], (state, event, ctx, on) =>
    answer(state, ctx, getChecks(params, state, on.vm!, event.args.slot)),
  );
}

/**
 * kvm_clear_dirty_log_protect(): ENXIO, the slot id, then `if (log->first_page & 63) return -EINVAL;`, the
 * bitmap, then `first_page > npages || num_pages > npages - first_page || (num_pages < npages - first_page
 * && (num_pages & 63))` is EINVAL.
 */
function clearChecks(params: MemslotParams, state: MachineState, vm: Vm, args: EventOf<'ioctl:KVM_CLEAR_DIRTY_LOG'>['args']): Refusal {
  if (usesRing(params, vm)) return ENXIO;
  const first = toBig(args.first_page);
  const refused =
    slotIdCheck(params, state, args.slot) ??
    (first !== undefined && first & 63n ? { errno: 'EINVAL', why: `first_page ${first} is not a multiple of 64` } : undefined) ??
    bitmapCheck(vm, args.slot!);
  if (refused) return refused;
  if (first === undefined || args.num_pages === undefined) return { unmodelled: 'first_page and num_pages are not known' };
  const npages = BigInt(vm.memslots.find((m) => m.slot === args.slot)!.memorySize) / 4096n;
  const num = BigInt(args.num_pages);
  if (first > npages || num > npages - first || (num < npages - first && num & 63n))
    return { errno: 'EINVAL', why: `pages ${first}+${num} of a ${npages}-page slot: past its end, or not a multiple of 64 short of it` };
  return undefined;
}

export function clearDirtyLog(params: MemslotParams): EventReducer<'ioctl:KVM_CLEAR_DIRTY_LOG'> {
  return onFd<'ioctl:KVM_CLEAR_DIRTY_LOG'>(['vm'], (state, event, ctx, on) => {
    // 5.0 added the ioctl (x86 CONFIG_KVM_GENERIC_DIRTYLOG_READ_PROTECT); before, kvm_arch_vm_ioctl() says -ENOTTY.
    if (params.dirtyLog === 'bitmap') return answer(state, ctx, { errno: 'ENOTTY', why: 'KVM_CLEAR_DIRTY_LOG does not exist before 5.0' });
    if (params.dirtyLog === 'unknown') return answer(state, ctx, { unmodelled: 'KVM_CLEAR_DIRTY_LOG appeared in this era (5.0)' });
    return answer(state, ctx, clearChecks(params, state, on.vm!, event.args));
  });
}
