import { KVM_MEM_LOG_DIRTY_PAGES } from '../../../model/kvm-abi.js';
import type { VariantSpec } from '../define.js';
import type { MemslotParams } from './params.js';

// Linux 4.2 to 6.3: address spaces in the upper 16 bits of the slot, access_ok() against TASK_SIZE_MAX.

export const linux42: VariantSpec<MemslotParams> = {
  variant: 'linux-4.2',
  summary: '4.2-5.11: slot = (address space << 16) | id; x86 has 2 address spaces (SMM); 509 user slots',
  sources: [
    {
      kind: 'source',
      ref: 'virt/kvm/kvm_main.c (4.2.8, 4.19.222, 5.4.214, 5.9.1 imports)',
      note: '`if ((u16)mem->slot >= KVM_USER_MEM_SLOTS) return -EINVAL;` then `if (as_id >= KVM_ADDRESS_SPACE_NUM || id >= KVM_MEM_SLOTS_NUM)` after access_ok(); KVM_CAP_MULTI_ADDRESS_SPACE returns KVM_ADDRESS_SPACE_NUM',
    },
    {
      kind: 'source',
      ref: 'arch/x86/include/asm/kvm_host.h (4.2.8 to 5.9.1): KVM_USER_MEM_SLOTS 509, KVM_ADDRESS_SPACE_NUM 2 (none in 4.1.15)',
    },
    {
      kind: 'commit',
      ref: '4fc096a99e01',
      note: 'KVM: Raise the maximum number of user memslots (posted 2021-01-27, so 5.12; 509 in the 5.9.1 import, 32764 in 5.12.9)',
    },
    {
      kind: 'doc',
      ref: 'dirty logging',
      note: 'KVM_CLEAR_DIRTY_LOG, KVM_CAP_MANUAL_DIRTY_LOG_PROTECT2 and the dirty ring came within this era (the 4.19.222 import has none, 5.12.9 all); which release brought each was not read, so they are not predicted here',
    },
  ],
  releases: { linux: { from: '4.2', to: '5.11' } },
  params: {
    validFlags: KVM_MEM_LOG_DIRTY_PAGES,
    flagsCheck: true,
    userMemSlots: 509,
    slotCheck: 'u16',
    addressSpaces: 2,
    modify: '3.9',
    accessOk: 'task-size',
    maxGfnCheck: false,
    region2: false,
    guestMemfd: false,
    dirtyLog: 'unknown',
    ringAcqRel: false,
  },
};

export const linux512: VariantSpec<MemslotParams> = {
  variant: 'linux-5.12',
  summary:
    '5.12-6.3: 32764 user slots; CONFIG_KVM_SMM and the host-MAXPHYADDR check both appeared in this era, so a second address space without SMM and a slot beyond 2^36 are not predicted',
  sources: [
    {
      kind: 'commit',
      ref: '4fc096a99e01',
      note: 'KVM_USER_MEM_SLOTS = KVM_MEM_SLOTS_NUM (SHRT_MAX) - 3 on x86 (5.12.9, 5.14, 6.1.192, 6.3.8)',
    },
    {
      kind: 'source',
      ref: 'arch/x86/kvm/x86.c kvm_arch_prepare_memory_region() (6.1.192 line 12866, 6.3.8 line 12535; absent in 5.14)',
      note: '`if ((new->base_gfn + new->npages - 1) > kvm_mmu_max_gfn()) return -EINVAL;`: the commit and its release were not identified',
    },
    {
      kind: 'source',
      ref: 'arch/x86/include/asm/kvm_host.h KVM_ADDRESS_SPACE_NUM (6.1.192: unconditional 2; 6.3.8: `# define` under CONFIG_KVM_SMM, arch/x86/kvm/Kconfig `config KVM_SMM`)',
    },
    {
      kind: 'source',
      ref: 'virt/kvm/kvm_main.c (5.12.9): the dirty ring (`if (kvm->dirty_ring_size) return -ENXIO;`), KVM_CLEAR_DIRTY_LOG, KVM_CAP_MANUAL_DIRTY_LOG_PROTECT2 = KVM_DIRTY_LOG_MANUAL_CAPS (3 on x86)',
      note: 'KVM_CAP_DIRTY_LOG_RING_ACQ_REL is unknown to 5.12.9 and answered in 6.1.192: not predicted in this era',
    },
  ],
  releases: { linux: { from: '5.12', to: '6.3' } },
  params: {
    validFlags: KVM_MEM_LOG_DIRTY_PAGES,
    flagsCheck: true,
    userMemSlots: 32764,
    slotCheck: 'u16',
    addressSpaces: 'kvm_smm-or-2',
    modify: '3.9',
    accessOk: 'task-size',
    maxGfnCheck: 'unknown',
    region2: false,
    guestMemfd: false,
    dirtyLog: 'ring',
    ringAcqRel: 'unknown',
  },
};
