import type { MachineState, Memslot } from '../../../model/state.js';
import type { MemslotChange } from './rules.js';
import { maxGfn } from './host-limits.js';
import type { MemslotParams } from './params.js';

// kvm_arch_prepare_memory_region() on x86, which kvm_set_memslot() calls after the generic checks, the
// overlap test and the guest_memfd bind (6.18.2 arch/x86/kvm/x86.c line 13466): for KVM_MR_CREATE and
// KVM_MR_MOVE, `if ((new->base_gfn + new->npages - 1) > kvm_mmu_max_gfn()) return -EINVAL;`. Present in
// 6.1.192 (line 12866) and 6.3.8, absent in 5.14 (MemslotParams.maxGfnCheck).

export type PrepareOutcome = { errno: 'EINVAL'; why: string } | { unmodelled: string } | undefined;

export function prepareX86(state: MachineState, params: MemslotParams, change: MemslotChange, slot: Memslot): PrepareOutcome {
  if (state.host.arch !== 'x86_64' || params.maxGfnCheck === false) return undefined;
  if (change !== 'create' && change !== 'move') return undefined;
  const last = (BigInt(slot.guestPhysAddr) + BigInt(slot.memorySize)) / 4096n - 1n;
  const { low, high } = maxGfn(state);
  if (last <= low) return undefined;
  if (params.maxGfnCheck === 'unknown')
    return {
      unmodelled: `last gfn 0x${last.toString(16)}: the host MAXPHYADDR check appeared between 5.14 and 6.1, so whether this kernel has it is unknown`,
    };
  if (last > high) return { errno: 'EINVAL', why: `last gfn 0x${last.toString(16)} is beyond kvm_mmu_max_gfn() 0x${high.toString(16)}` };
  return {
    unmodelled: `last gfn 0x${last.toString(16)}: whether it is beyond kvm_mmu_max_gfn() depends on the host's MAXPHYADDR and EPT/NPT (host facts maxphyaddr, tdp)`,
  };
}
