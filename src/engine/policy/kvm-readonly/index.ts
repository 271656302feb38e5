import { KVM_MEM_READONLY } from '../../../model/kvm-abi.js';
import { defineArea, type EnableCapDecision, type EnableCapRequest } from '../define.js';
import { memslotFlag, memslotFlag318, memslotFlag37 } from './memslot-flag.js';
import type { ReadonlyParams } from './params.js';
import { protRead } from './prot-read.js';
import { guestAccess } from './rules.js';
import './state.js';

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
      // KVM_CAP_EXIT_ON_EMULATION_FAILURE (204) is in the `r = 1` list from 5.14; before, the cap is unknown (0).
      capabilities: {
        KVM_CAP_READONLY_MEM: () => (params.readonlyFlag ? 1 : 0),
        KVM_CAP_EXIT_ON_EMULATION_FAILURE: () => (params.emulationFailure === 'cpl0-or-cap' ? 1 : 0),
      },
      enableCap: { KVM_CAP_EXIT_ON_EMULATION_FAILURE: (request) => enableExitOnEmulationFailure(params, request) },
      // Whether a kernel checked the flags at all is kvm-memslot's (3.6 did not); this says whether the bit exists.
      memslotFlags: params.readonlyFlag ? KVM_MEM_READONLY : 0,
      // 4d8b81abc47b: a guest write into a KVM_MEM_READONLY slot is emulated and handed to userspace as
      // MMIO (what ftrace's kvm_mmio then shows is the I/O bus area's to read); before 3.7 the bit meant nothing.
      memslotWrite: (slot) => (params.readonlyFlag && slot.flags & KVM_MEM_READONLY ? 'mmio' : 'memory'),
    },
  }),
  variants: [protRead, memslotFlag37, memslotFlag318, memslotFlag],
  releaseGaps: [
    {
      system: 'linux',
      to: '3.5',
      why: 'only 3.6 was read before the readonly series; async page faults (hva_to_pfn()) are older than 3.6 but were not followed back',
    },
  ],
});

declare module '../define-policy.js' {
  interface AreaParamsMap {
    'kvm-readonly': ReadonlyParams;
  }
}

/** x86 kvm_vm_ioctl_enable_cap(): `if (cap->flags) return -EINVAL;`, then `case KVM_CAP_EXIT_ON_EMULATION_FAILURE: if (cap->args[0] & ~1) break;` (5.14+); unknown before. */
function enableExitOnEmulationFailure(params: ReadonlyParams, request: EnableCapRequest): EnableCapDecision {
  if (params.emulationFailure !== 'cpl0-or-cap')
    return { errno: 'EINVAL', why: 'this kernel has no KVM_CAP_EXIT_ON_EMULATION_FAILURE (kvm_vm_ioctl_enable_cap default)' };
  if (request.flags) return { errno: 'EINVAL', why: 'flags must be 0' };
  const on = request.args[0] ?? 0n;
  if (on & ~1n) return { errno: 'EINVAL', why: 'args[0] must be 0 or 1' };
  return { accept: true, vm: { exitOnEmulationError: on === 1n } };
}
