import { KVM_MEM_LOG_DIRTY_PAGES } from '../../../model/kvm-abi.js';
import type { VariantSpec } from '../define.js';
import type { MemslotParams } from './params.js';

// Linux 3.x: __kvm_set_memory_region() before and after the 3.9 rework of slot changes.

const era3 = {
  validFlags: KVM_MEM_LOG_DIRTY_PAGES,
  slotCheck: 'u32',
  addressSpaces: 1,
  accessOk: 'task-size',
  maxGfnCheck: false,
  region2: false,
  guestMemfd: false,
  dirtyLog: 'bitmap',
  ringAcqRel: false,
} as const;

export const linux36: VariantSpec<MemslotParams> = {
  variant: 'linux-3.6',
  summary:
    '3.6: slot >= 32 first; no flags check (any bits stored); a changed userspace_addr is ignored (0, old hva kept); deleting an empty slot is 0; a delete inside another slot is EEXIST',
  sources: [
    {
      kind: 'source',
      ref: 'virt/kvm/kvm_main.c kvm_vm_ioctl_set_memory_region(), __kvm_set_memory_region() (3.6; blob d617f691 in the 3.6.0 and 3.6.5 imports)',
      note: '`if (mem->slot >= KVM_MEMORY_SLOTS) return -EINVAL;` (line 885) before anything else; `new.flags = mem->flags;` (743) with no check; `new.userspace_addr = mem->userspace_addr` only `if (npages && !old.npages)` (769); the overlap loop (751-759) runs for deletes too',
    },
    {
      kind: 'source',
      ref: 'arch/x86/include/asm/kvm_host.h (3.6): KVM_MEMORY_SLOTS 32; arch/x86/kvm/x86.c: KVM_CAP_NR_MEMSLOTS answers it',
    },
    { kind: 'doc', ref: 'docs/upstream/releases-issue12.md section 4', note: 'releases before 3.6 were not read (an explained gap)' },
  ],
  releases: { linux: { from: '3.6', to: '3.6' } },
  params: { ...era3, flagsCheck: false, userMemSlots: 32, modify: '3.6' },
};

export const linux37: VariantSpec<MemslotParams> = {
  variant: 'linux-3.7',
  summary: '3.7-3.8: as 3.6 plus check_memory_region_flags(): unknown flag bits are EINVAL; KVM_MEM_READONLY may still be toggled',
  sources: [
    {
      kind: 'source',
      ref: 'virt/kvm/kvm_main.c check_memory_region_flags(), __kvm_set_memory_region() (3.7.2 and 3.8.0 imports)',
      note: '`valid_flags = KVM_MEM_LOG_DIRTY_PAGES; #ifdef KVM_CAP_READONLY_MEM valid_flags |= KVM_MEM_READONLY;` first in __kvm_set_memory_region(); the rest as 3.6 (3.8 walks kvm_for_each_memslot instead of the array)',
    },
    {
      kind: 'doc',
      ref: 'docs/upstream/releases-issue12.md section 4d',
      note: 'came with the 3.7 readonly-memslot series (4d8b81abc47b); which commit of it added the check is not known',
    },
  ],
  releases: { linux: { from: '3.7', to: '3.8' } },
  params: { ...era3, flagsCheck: true, userMemSlots: 32, modify: '3.6' },
};

const rework39 = {
  kind: 'source',
  ref: 'virt/kvm/kvm_main.c __kvm_set_memory_region() (3.9.6 lines 801-821)',
  note: 'KVM_MR_CREATE/DELETE/MOVE/FLAGS_ONLY: another userspace_addr, size or KVM_MEM_READONLY is EINVAL ("Modify an existing slot"), "Modify a non-existent slot: disallowed" (EINVAL); the overlap check only for CREATE and MOVE. 75d61fbcf563 (READONLY toggle) is absent in 3.8.0',
} as const;

export const linux39: VariantSpec<MemslotParams> = {
  variant: 'linux-3.9',
  summary: "3.9-3.18: today's rules for changing a slot; 125 user slots, the whole u32 slot checked first",
  sources: [
    rework39,
    {
      kind: 'source',
      ref: 'arch/x86/include/asm/kvm_host.h KVM_USER_MEM_SLOTS 125 (3.9.6, 3.11.0, 3.13.11, 3.14.1, 3.16.0, 3.17.0, 3.18.63 imports)',
      note: '`if (mem->slot >= KVM_USER_MEM_SLOTS) return -EINVAL;` in kvm_vm_ioctl_set_memory_region()',
    },
  ],
  releases: { linux: { from: '3.9', to: '3.18' } },
  params: { ...era3, flagsCheck: true, userMemSlots: 125, modify: '3.9' },
};

export const linux319: VariantSpec<MemslotParams> = {
  variant: 'linux-3.19',
  summary: '3.19-4.1: as 3.9 with 509 user slots',
  sources: [
    rework39,
    { kind: 'source', ref: 'arch/x86/include/asm/kvm_host.h KVM_USER_MEM_SLOTS 509 (3.19.8, 4.1.15 imports; 125 in 3.18.63)' },
  ],
  releases: { linux: { from: '3.19', to: '4.1' } },
  params: { ...era3, flagsCheck: true, userMemSlots: 509, modify: '3.9' },
};
