import { KVM_ADDRESS_SPACES, KVM_MEM_LOG_DIRTY_PAGES, KVM_USER_MEM_SLOTS, TASK_SIZE_MAX } from '../../../model/kvm-abi.js';
import { defineArea } from '../define.js';
import { MEMSLOT_EVENTS, MEMSLOT_HOST_FACTS } from './events.js';
import type { MemslotParams } from './params.js';
import { setMemoryRegion } from './set-region.js';

// kvm-memslot: the checks of kvm_set_memory_region() (virt/kvm/kvm_main.c) on every architecture.
// It asks the other areas which flag bits exist (their memslotFlags hook), so KVM_MEM_READONLY
// belongs to kvm-readonly.

export type { MemslotParams };

export const kvmMemslotArea = defineArea<MemslotParams>({
  area: 'kvm-memslot',
  summary: 'KVM_SET_USER_MEMORY_REGION: which slots, flags and ranges a kernel accepts, and with which errno',
  arches: 'all',
  events: MEMSLOT_EVENTS,
  hostFacts: MEMSLOT_HOST_FACTS,
  behaviour: (params) => ({
    reducers: { 'ioctl:KVM_SET_USER_MEMORY_REGION': setMemoryRegion(params) },
    hooks: {
      capabilities: {
        KVM_CAP_NR_MEMSLOTS: () => params.userMemSlots,
        KVM_CAP_MULTI_ADDRESS_SPACE: (state) => {
          // The case exists only `#if KVM_MAX_NR_ADDRESS_SPACES > 1` (virt/kvm/kvm_main.c), and x86
          // defines KVM_MAX_NR_ADDRESS_SPACES 2 only under CONFIG_KVM_SMM
          // (arch/x86/include/asm/kvm_host.h); without it the cap falls through to the arch switch
          // and reads 0. Seen on the shared 6.18 host: KVM_CAP_X86_SMM = 0 and
          // KVM_CAP_MULTI_ADDRESS_SPACE = 0 (test/fixtures/traces/qemu-pc-64m.strace.gz:292,339).
          // A trace does not say how its kernel was configured, so only a host fact decides.
          const smm = state.host.features?.kvm_smm;
          if (smm === true) return params.addressSpaces;
          if (smm === false) return 0;
          return undefined;
        },
      },
    },
  }),
  variants: [
    {
      variant: 'linux',
      isDefault: true,
      summary: 'Upstream kvm_set_memory_region(): alignment, slot range, create/delete/move/flags-only, EEXIST on overlap',
      sources: [
        { kind: 'doc', ref: 'Documentation/virt/kvm/api.rst 4.35 KVM_SET_USER_MEMORY_REGION' },
        { kind: 'source', ref: 'virt/kvm/kvm_main.c kvm_set_memory_region(), check_memory_region_flags()' },
      ],
      params: {
        validFlags: KVM_MEM_LOG_DIRTY_PAGES,
        userMemSlots: KVM_USER_MEM_SLOTS,
        addressSpaces: KVM_ADDRESS_SPACES,
        taskSizeMax: TASK_SIZE_MAX,
      },
    },
  ],
});

declare module '../define-policy.js' {
  interface AreaParamsMap {
    'kvm-memslot': MemslotParams;
  }
}
