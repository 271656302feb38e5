import { KVM_MEM_READONLY } from '../../../model/kvm-abi.js';
import { defineArea } from '../define.js';
import { memslotFlag } from './memslot-flag.js';
import type { ReadonlyParams } from './params.js';
import { protRead } from './prot-read.js';
import { guestAccess } from './rules.js';

// kvm-readonly: read-only guest memory (seed 004). The thread and 4d8b81abc47b are about x86's MMU
// (__KVM_HAVE_READONLY_MEM was x86-only then); other architectures' guest accesses are their areas'.

export type { ReadonlyParams };

export const kvmReadonlyArea = defineArea<ReadonlyParams>({
  area: 'kvm-readonly',
  summary: 'guest memory the VMM made read-only: a !PROT_WRITE mapping, or a KVM_MEM_READONLY slot',
  arches: ['x86_64'],
  behaviour: (params) => ({
    reducers: {
      'fault:guest_access': (state, event, ctx) => guestAccess(params, state, event, ctx),
    },
    hooks: {
      // KVM_CAP_READONLY_MEM (81) is 1 for default VMs on x86 (kvm_vm_ioctl_check_extension()); before
      // 3.7 it did not exist, and kvm_dev_ioctl_check_extension() returns 0 for a cap it does not know.
      capabilities: { KVM_CAP_READONLY_MEM: () => (params.readonlyFlag ? 1 : 0) },
      // Before 3.7 __kvm_set_memory_region() copied mem->flags into the slot unchecked (prot-read.ts).
      memslotFlags: params.readonlyFlag ? KVM_MEM_READONLY : 'unchecked',
      // 4d8b81abc47b: a guest write into a KVM_MEM_READONLY slot is emulated and handed to userspace as
      // MMIO (what ftrace's kvm_mmio then shows is the I/O bus area's to read); before 3.7 the bit meant nothing.
      memslotWrite: (slot) => (params.readonlyFlag && slot.flags & KVM_MEM_READONLY ? 'mmio' : 'memory'),
    },
  }),
  variants: [protRead, memslotFlag],
});

declare module '../define-policy.js' {
  interface AreaParamsMap {
    'kvm-readonly': ReadonlyParams;
  }
}
