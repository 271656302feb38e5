import { KVM_MEM_LOG_DIRTY_PAGES } from '../../../model/kvm-abi.js';
import type { VariantSpec } from '../define.js';
import type { MemslotParams } from './params.js';

// Linux 6.4 on: CONFIG_KVM_SMM and the MAXPHYADDR check in place; access_ok() and guest_memfd change.

const era6 = {
  validFlags: KVM_MEM_LOG_DIRTY_PAGES,
  flagsCheck: true,
  userMemSlots: 32764,
  slotCheck: 'u16',
  addressSpaces: 'kvm_smm',
  modify: '3.9',
  maxGfnCheck: true,
  dirtyLog: 'ring',
  ringAcqRel: true,
} as const;

const order618 = {
  kind: 'source',
  ref: 'virt/kvm/kvm_main.c kvm_vm_ioctl() (line 5169), kvm_vm_ioctl_set_memory_region() (2147), kvm_set_memory_region() (2001) (6.18.2)',
  note: 'the v1 flags mask (5198), `(u16)mem->slot >= KVM_USER_MEM_SLOTS` (2150), check_memory_region_flags() (2014), alignment and access_ok() (2019-2031), the guest_memfd offset (2033), as_id (2037), the GPA wrap (2039), KVM_MEM_MAX_NR_PAGES (2049), then delete/create/modify, EEXIST (2100), kvm_gmem_bind() (2115), kvm_arch_prepare_memory_region()',
} as const;

const signBit = {
  kind: 'source',
  ref: 'arch/x86/include/asm/uaccess_64.h __access_ok() (6.4.6, 6.6.87 line 57, 85-91)',
  note: '`#define valid_user_address(x) ((long)(x) >= 0)`; for a non-constant size `sum = addr + size; return valid_user_address(sum) && sum >= addr;` (the "positive addresses" rule, 798dec3304f6); 6.3.8 still compares with TASK_SIZE_MAX',
} as const;

export const linux64: VariantSpec<MemslotParams> = {
  variant: 'linux-6.4',
  summary:
    '6.4-6.7: access_ok() only needs addr + size below 2^63, so a range ending in the non-canonical hole is accepted; address spaces follow CONFIG_KVM_SMM',
  sources: [
    signBit,
    { kind: 'source', ref: 'virt/kvm/kvm_main.c (6.4.6, 6.6.87): no KVM_SET_USER_MEMORY_REGION2' },
    { kind: 'doc', ref: 'docs/upstream/releases-issue12.md section 5', note: '6.6.y read up to 6.6.87, which still has the sign-bit rule' },
  ],
  releases: { linux: { from: '6.4', to: '6.7' } },
  params: { ...era6, accessOk: 'sign-bit', region2: false, guestMemfd: false },
};

const region2 = {
  kind: 'doc',
  ref: 'Documentation/virt/kvm/api.rst 4.140 KVM_SET_USER_MEMORY_REGION2 (Capability: KVM_CAP_USER_MEMORY2), 4.142 KVM_CREATE_GUEST_MEMFD',
  note: '6.8 per the issue; absent in the 6.6.87 import, present in 6.11.11 (6.7-6.10 not read)',
} as const;

const privateOnly = {
  kind: 'source',
  ref: 'virt/kvm/kvm_main.c check_memory_region_flags() (6.11.11, 6.12.19, 6.13.7, 6.14.0, 6.17.0)',
  note: '`if (kvm_arch_has_private_mem(kvm)) valid_flags |= KVM_MEM_GUEST_MEMFD;`: not for a default (type 0) VM; KVM_CAP_GUEST_MEMFD `return !kvm || kvm_arch_has_private_mem(kvm);` under CONFIG_KVM_PRIVATE_MEM',
} as const;

export const linux68: VariantSpec<MemslotParams> = {
  variant: 'linux-6.8',
  summary: '6.8-6.11.0: as 6.4, plus KVM_SET_USER_MEMORY_REGION2 and guest_memfd slots for private-memory VMs only',
  sources: [signBit, region2, privateOnly],
  releases: { linux: { from: '6.8', to: '6.11.0' } },
  params: { ...era6, accessOk: 'sign-bit', region2: true, guestMemfd: 'private-vms' },
};

const userPtrMax = {
  kind: 'source',
  ref: 'arch/x86/include/asm/uaccess_64.h __access_ok(), arch/x86/kernel/cpu/common.c (6.11.11, 6.18.2 lines 56-57, 98-106; 2586)',
  note: '`valid_user_address(x) ((unsigned long)(x) <= runtime_const_ptr(USER_PTR_MAX))`, `USER_PTR_MAX = TASK_SIZE_MAX;` the fix that brought it was not identified by id; it reached 6.11.y by 6.11.11',
} as const;

export const linux612: VariantSpec<MemslotParams> = {
  variant: 'linux-6.12',
  summary:
    '6.11.11, 6.12-6.17: access_ok() against USER_PTR_MAX (= TASK_SIZE_MAX) again; guest_memfd slots still for private-memory VMs only',
  sources: [userPtrMax, region2, privateOnly, order618],
  releases: {
    linux: [
      { from: '6.11.11', to: '6.11' },
      { from: '6.12', to: '6.17' },
    ],
  },
  params: { ...era6, accessOk: 'user-ptr-max', region2: true, guestMemfd: 'private-vms' },
};

export const linux: VariantSpec<MemslotParams> = {
  variant: 'linux',
  isDefault: true,
  summary:
    '6.18+: kvm_set_memory_region() in full: v1 flags mask, slot, flags, alignment, access_ok(), guest_memfd (any x86-64 VM), address space, wrap, size, EEXIST, the bind, MAXPHYADDR',
  sources: [
    { kind: 'doc', ref: 'Documentation/virt/kvm/api.rst 4.35 KVM_SET_USER_MEMORY_REGION, 4.140 KVM_SET_USER_MEMORY_REGION2' },
    order618,
    {
      kind: 'source',
      ref: 'virt/kvm/kvm_main.c check_memory_region_flags(); arch/x86/kvm/Kconfig `select KVM_GUEST_MEMFD if X86_64` (6.18.2)',
      note: '`if (IS_ENABLED(CONFIG_KVM_GUEST_MEMFD)) valid_flags |= KVM_MEM_GUEST_MEMFD;` with LOG_DIRTY_PAGES and READONLY dropped from the valid set for such a slot; 6.17.0 still asks kvm_arch_has_private_mem()',
    },
    {
      kind: 'source',
      ref: 'virt/kvm/guest_memfd.c kvm_gmem_bind() (6.18.2 line 562)',
      note: 'EBADF for no file; EINVAL for another file, another VM, offset + size beyond i_size, pages already bound',
    },
    {
      kind: 'source',
      ref: 'arch/x86/kvm/x86.c kvm_arch_prepare_memory_region() (6.18.2 line 13479), arch/x86/kvm/mmu.h kvm_mmu_max_gfn()',
      note: '`max_gpa_bits = likely(tdp_enabled) ? kvm_host.maxphyaddr : 52`',
    },
    userPtrMax,
  ],
  releases: { linux: { from: '6.18' } },
  params: { ...era6, accessOk: 'user-ptr-max', region2: true, guestMemfd: 'all-vms' },
};
