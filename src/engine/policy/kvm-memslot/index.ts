import type { MachineState, Vm } from '../../../model/state.js';
import { defineArea } from '../define.js';
import { MEMSLOT_EVENTS, MEMSLOT_HOST_FACTS } from './events.js';
import { dirtyLogHooks } from './dirty-caps.js';
import { clearDirtyLog, getDirtyLog } from './dirty-log.js';
import { resetDirtyRings, ringPush, ringReset } from './dirty-ring.js';
import { createGuestMemfd } from './guest-memfd.js';
import { addressSpaces } from './host-limits.js';
import { linux36, linux37, linux39, linux319 } from './linux-3.js';
import { linux42, linux512 } from './linux-4-5.js';
import { linux, linux612, linux64, linux68 } from './linux-6.js';
import type { MemslotParams } from './params.js';
import { setMemoryRegion } from './set-region.js';

// kvm-memslot: the checks of kvm_set_memory_region() (virt/kvm/kvm_main.c), era by era. It asks the
// other areas which flag bits exist (their memslotFlags hook), so KVM_MEM_READONLY belongs to
// kvm-readonly. Dirty logging (bitmaps and the dirty ring) is part of the memslot API: dirty-log.ts,
// dirty-ring.ts, dirty-caps.ts.

export type { MemslotParams };

/**
 * KVM_CAP_MULTI_ADDRESS_SPACE (118, 4.2+): the case exists only `#if KVM_MAX_NR_ADDRESS_SPACES > 1`
 * (virt/kvm/kvm_main.c), and from 6.3 x86 defines 2 only under CONFIG_KVM_SMM (arch/x86/include/asm/kvm_host.h);
 * without it the cap falls through to the arch switch and reads 0. Seen on the shared 6.18 host:
 * KVM_CAP_X86_SMM = 0 and KVM_CAP_MULTI_ADDRESS_SPACE = 0 (test/fixtures/traces/qemu-pc-64m.strace.gz:292,339).
 */
function multiAddressSpace(params: MemslotParams, state: MachineState): number | undefined {
  if (state.host.arch !== 'x86_64') return undefined;
  if (params.slotCheck === 'u32') return 0; // before 4.2 the capability did not exist
  const spaces = addressSpaces(state, params);
  return spaces === 'unknown' ? undefined : spaces > 1 ? spaces : 0;
}

/** KVM_CAP_GUEST_MEMFD (234): 1 where every VM may have one (6.18); 6.8-6.17 `!kvm || kvm_arch_has_private_mem(kvm)` under CONFIG_KVM_PRIVATE_MEM. */
function guestMemfdCap(params: MemslotParams, vm: Vm | undefined): number | undefined {
  if (params.guestMemfd === false) return 0;
  if (params.guestMemfd === 'all-vms') return 1;
  return vm?.type === 0 ? 0 : undefined;
}

export const kvmMemslotArea = defineArea<MemslotParams>({
  area: 'kvm-memslot',
  summary:
    'KVM_SET_USER_MEMORY_REGION(2), guest_memfd and dirty logging: which slots, flags and ranges a kernel accepts, with which errno, and when the dirty ring fills',
  arches: 'all',
  events: MEMSLOT_EVENTS,
  hostFacts: MEMSLOT_HOST_FACTS,
  behaviour: (params) => ({
    reducers: {
      'ioctl:KVM_SET_USER_MEMORY_REGION': setMemoryRegion(params),
      'ioctl:KVM_SET_USER_MEMORY_REGION2': setMemoryRegion(params),
      'ioctl:KVM_CREATE_GUEST_MEMFD': createGuestMemfd(params),
      'ioctl:KVM_GET_DIRTY_LOG': getDirtyLog(params),
      'ioctl:KVM_CLEAR_DIRTY_LOG': clearDirtyLog(params),
      'ioctl:KVM_RESET_DIRTY_RINGS': resetDirtyRings(params),
      'fault:kvm_dirty_ring_push': ringPush,
      'fault:kvm_dirty_ring_reset': ringReset,
    },
    hooks: {
      enableCap: dirtyLogHooks(params).enableCap,
      capabilities: {
        ...dirtyLogHooks(params).capabilities,
        KVM_CAP_NR_MEMSLOTS: (state) => (state.host.arch === 'x86_64' ? params.userMemSlots : undefined),
        KVM_CAP_MULTI_ADDRESS_SPACE: (state) => multiAddressSpace(params, state),
        // kvm_vm_ioctl_check_extension_generic(): `case KVM_CAP_USER_MEMORY2:` returns 1 (6.8+); unknown before.
        KVM_CAP_USER_MEMORY2: () => (params.region2 ? 1 : 0),
        KVM_CAP_GUEST_MEMFD: (_state, vm) => guestMemfdCap(params, vm),
      },
    },
  }),
  variants: [linux36, linux37, linux39, linux319, linux42, linux512, linux64, linux68, linux612, linux],
  releaseGaps: [
    { system: 'linux', to: '3.5', why: 'kvm_main.c before 3.6 was not read' },
    {
      system: 'linux',
      from: '6.11.1',
      to: '6.11.10',
      why: '6.11.11 has access_ok() against USER_PTR_MAX by a stable backport of the 6.12 change, 6.11.0 the sign-bit rule; which 6.11.y took the backport was not found',
    },
  ],
});

declare module '../define-policy.js' {
  interface AreaParamsMap {
    'kvm-memslot': MemslotParams;
  }
}
