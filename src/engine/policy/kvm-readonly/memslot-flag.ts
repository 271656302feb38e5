import { KVM_MEM_READONLY } from '../../../model/kvm-abi.js';
import type { ReadonlyPolicy } from './policy.js';
import { reduceReadonly } from './rules.js';
import { policyName } from '../types.js';

/** Linux 3.7+: commit 4d8b81abc47b, "KVM: introduce readonly memslot". */
export const memslotFlag: ReadonlyPolicy = {
  ...policyName('kvm-readonly', 'memslot-flag'),
  isDefault: true,
  summary:
    '3.7+: KVM_MEM_READONLY slots; reads work (swapped pages too), writes exit as KVM_EXIT_MMIO, unemulatable ones as KVM_EXIT_INTERNAL_ERROR',
  sources: [
    {
      kind: 'commit',
      ref: '4d8b81abc47b',
      note: 'KVM: introduce readonly memslot (KVM_MEM_READONLY = 1<<1, KVM_CAP_READONLY_MEM = 81; vma_is_valid() lets async faults in on read)',
    },
    { kind: 'doc', ref: 'Documentation/virt/kvm/api.rst 4.35 KVM_SET_USER_MEMORY_REGION: writes are posted to userspace as KVM_EXIT_MMIO' },
    { kind: 'seed', ref: '004_2ea3dcaaa5e2dea3.txt', note: 'KVM_EXIT_INTERNAL_ERROR for writes the emulator cannot handle' },
  ],
  readonlyFlag: true,
  asyncFaultWithoutVmWrite: true,
  capability(cap) {
    // x86 kvm_vm_ioctl_check_extension() (arch/x86/kvm/x86.c): KVM_CAP_READONLY_MEM is 1 for default VMs.
    return cap === 'KVM_CAP_READONLY_MEM' ? 1 : undefined;
  },
  memslotFlags: () => KVM_MEM_READONLY,
  reduce: (state, ctx) => reduceReadonly(memslotFlag, state, ctx),
};
