import { hex, toBig } from '../../../model/address.js';
import type { EventOf } from '../../../model/event.js';
import { KVM_MEM_READONLY } from '../../../model/kvm-abi.js';
import type { MachineState } from '../../../model/state.js';
import type { ReduceContext } from '../../context.js';
import { crashVm, guestMemoryAt, writable } from '../../kvm/guest-memory.js';
import { vcpuOf } from '../../lookup.js';
import { withProcess, withVcpu } from '../../update.js';
import { emulationFailure } from './emulation-failure.js';
import type { ReadonlyParams } from './params.js';

// The rules both kvm-readonly policies share; they differ only in the two facts of ReadonlyParams.
// Events: `fault: guest_access` {gpa, len, write, data?, emulatable?, cpl?, nested?} (scenarios); the pages
// the host reclaimed are the core's (`fault: host_reclaim`). ftrace's `kvm_mmio` is kvm-x86-iobus's, which
// asks this area (memslotWrite) whether a write into a slot goes to userspace.

export function guestAccess(
  policy: ReadonlyParams,
  state: MachineState,
  event: EventOf<'fault:guest_access'>,
  ctx: ReduceContext,
): MachineState {
  const ref = vcpuOf(state, event);
  const gpa = toBig(event.args.gpa);
  if (!ref || gpa === undefined) {
    ctx.effects.push({ kind: 'unmodelled', reason: 'guest_access names no known vCPU or no gpa' });
    return state;
  }
  const { vm, vcpu } = ref;
  if (vm.status === 'crashed') {
    ctx.effects.push({ kind: 'unmodelled', reason: `VM ${vm.id} crashed at @${vm.crash?.seq}; it runs no guest code` });
    return state;
  }
  const { write, len } = event.args;
  const hit = guestMemoryAt(state, vm, gpa);
  if (!hit) {
    // No memslot: the access is MMIO, which KVM hands to userspace (api.rst, KVM_EXIT_MMIO).
    return withVcpu(state, vm.id, {
      ...vcpu,
      pendingExit: 'KVM_EXIT_MMIO',
      pendingExitDetail: mmioDetail(gpa, len, write, event.args.data),
    });
  }
  if (write && policy.readonlyFlag && hit.slot.flags & KVM_MEM_READONLY) {
    // 4d8b81abc47b: a write to a read-only slot gets KVM_PFN_ERR_RO_FAULT, is emulated and exits as MMIO;
    // an instruction the emulator cannot decode goes to handle_emulation_failure() (seed 004, end).
    if (event.args.emulatable === false) return emulationFailure(policy, state, vm, vcpu, event, ctx);
    return withVcpu(state, vm.id, {
      ...vcpu,
      pendingExit: 'KVM_EXIT_MMIO',
      pendingExitDetail: mmioDetail(gpa, len, true, event.args.data),
    });
  }
  if (!hit.vma) {
    return die(
      state,
      ctx,
      vm.id,
      vcpu.id,
      `gpa ${hex(gpa)} is backed by hva ${hex(hit.hva)}, which no mapping covers: hva_to_pfn() gives ${faultPfn(policy)}`,
    );
  }
  if (write && !writable(hit.vma)) {
    // seed 004: "if guest try to write a readonly gfn, the vm will be crashed since it will return FAULT_PFN on the page-fault path".
    return die(
      state,
      ctx,
      vm.id,
      vcpu.id,
      `guest write to gpa ${hex(gpa)}: its host mapping ${hit.vma.start} has no PROT_WRITE, hva_to_pfn() gives ${faultPfn(policy)}`,
    );
  }
  const reclaimed = hit.process?.reclaimed ?? [];
  if (hit.process && reclaimed.includes(hit.page)) {
    if (!writable(hit.vma) && !policy.asyncFaultWithoutVmWrite) {
      // seed 004: get_user_page_nowait() fails on the swapped page and `async && (vma->vm_flags & VM_WRITE)` refuses the async fault.
      return die(
        state,
        ctx,
        vm.id,
        vcpu.id,
        `guest read of gpa ${hex(gpa)}: host page ${hit.page} is swapped out and hva_to_pfn() allows no async fault on a !VM_WRITE mapping: ${faultPfn(policy)}`,
      );
    }
    // The fault brings the page back in (async page fault, or a sleeping get_user_pages()).
    return withProcess(state, { ...hit.process, reclaimed: reclaimed.filter((p) => p !== hit.page) });
  }
  return state;
}

/** What hva_to_pfn() returns for a pfn it cannot get: `get_fault_pfn()` in 3.6, KVM_PFN_ERR_FAULT from the 3.7 series on. */
function faultPfn(policy: ReadonlyParams): string {
  return policy.readonlyFlag ? 'KVM_PFN_ERR_FAULT' : 'get_fault_pfn()';
}

function die(state: MachineState, ctx: ReduceContext, vmId: number, vcpuId: number, reason: string): MachineState {
  const vm = state.vms[vmId]!;
  ctx.effects.push({ kind: 'crash', vm: vmId, reason });
  return crashVm(state, vm, vcpuId, ctx.event.seq, reason);
}

function mmioDetail(gpa: bigint, len: number, write: boolean, data: unknown): Record<string, number | string> {
  return { gpa: hex(gpa), len, is_write: write ? 1 : 0, ...(typeof data === 'number' || typeof data === 'string' ? { data } : {}) };
}
