import { hex } from '../../model/address.js';
import type { MachineState, Memslot, Process, Vma, Vm } from '../../model/state.js';
import { findVma } from '../host/vmas.js';
import { withVcpu, withVm } from '../update.js';

// Where a guest physical address lands: which memslot, which host address, which host mapping.
// Shared by the areas whose rules depend on the memory behind a guest access.

export interface GuestMemoryHit {
  slot: Memslot;
  hva: bigint;
  /** The host page holding hva, as state keeps page addresses. */
  page: string;
  process: Process | undefined;
  vma: Vma | undefined;
}

export function memslotAt(vm: Vm, gpa: bigint): Memslot | undefined {
  return vm.memslots.find((m) => {
    const start = BigInt(m.guestPhysAddr);
    return m.slot >>> 16 === 0 && start <= gpa && gpa < start + BigInt(m.memorySize);
  });
}

export function guestMemoryAt(state: MachineState, vm: Vm, gpa: bigint): GuestMemoryHit | undefined {
  const slot = memslotAt(vm, gpa);
  if (!slot) return undefined;
  const hva = BigInt(slot.userspaceAddr) + (gpa - BigInt(slot.guestPhysAddr));
  const process = state.host.processes[vm.pid];
  return { slot, hva, page: hex(hva & ~0xfffn), process, vma: process ? findVma(process.vmas, hva) : undefined };
}

export function writable(vma: Vma): boolean {
  return vma.prot.includes('PROT_WRITE');
}

/**
 * The VM can no longer run: its status says so from this event on (what `bisect` looks for), and
 * the vCPU's current KVM_RUN returns the errno the kernel gave (kvm_handle_bad_page()'s -EFAULT).
 */
export function crashVm(state: MachineState, vm: Vm, vcpuId: number, seq: number, reason: string, errno = 'EFAULT'): MachineState {
  const crashed = withVm(state, { ...vm, status: 'crashed', crash: { seq, reason } });
  const vcpu = crashed.vms[vm.id]?.vcpus.find((v) => v.id === vcpuId);
  return vcpu ? withVcpu(crashed, vm.id, { ...vcpu, pendingErrno: errno }) : crashed;
}
