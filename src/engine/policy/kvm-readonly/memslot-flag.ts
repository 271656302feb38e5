import type { VariantSpec } from '../define.js';
import type { ReadonlyParams } from './params.js';

/** Linux 3.7+: commit 4d8b81abc47b, "KVM: introduce readonly memslot". */
export const memslotFlag: VariantSpec<ReadonlyParams> = {
  variant: 'memslot-flag',
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
  params: { readonlyFlag: true, asyncFaultWithoutVmWrite: true },
};
