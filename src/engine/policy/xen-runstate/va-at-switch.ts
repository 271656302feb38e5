import type { PolicySource, VariantSpec } from '../define.js';
import type { RunstateParams } from './params.js';

// Upstream Xen before the physical-address interface: the area is a guest virtual address, walked at
// every context switch. Four releases changed what surrounds the walk.

const walk: readonly PolicySource[] = [
  { kind: 'seed', ref: '002_93d8918ed274a0fd.txt', note: '"Failed to walk page-table va" when a KPTI guest is switched out in user mode' },
  {
    kind: 'source',
    ref: 'xen/arch/x86/domain.c and xen/arch/arm/domain.c update_runstate_area() (RELEASE-4.17.0)',
    note: 'the flag is a 1-byte store of the top byte of state_entry_time: `guest_handle--; ... __raw_copy_to_guest(guest_handle, (void *)(&runstate.state_entry_time + 1) - 1, 1)`',
  },
  { kind: 'commit', ref: '705ea2b54c', note: 'New VCPUOP_register_runstate_memory_area hypercall (first in 3.0.2)' },
];

const retry: PolicySource = {
  kind: 'commit',
  ref: '231d7f4098c8',
  note: "x86: don't drop guest visible state updates when 64-bit PV guest is in user mode (Xen 4.4): need_update_runstate_area, retried by toggle_guest_mode()",
};
const flag: PolicySource = {
  kind: 'commit',
  ref: '2529c850ea',
  note: 'add update indicator to vcpu_runstate_info (Xen 4.8): XEN_RUNSTATE_UPDATE, VMASST_TYPE_runstate_update_flag',
};
const armAssist: PolicySource = { kind: 'commit', ref: '72c538cca957', note: 'arm: add support for vm_assist hypercall (Xen 4.8)' };

export const vaAtSwitch30: VariantSpec<RunstateParams> = {
  variant: 'va-at-switch-3.0',
  summary: 'Xen 3.0.2-4.3: the area walked at every switch; a failed walk is dropped for every guest, 64-bit PV too; no update flag',
  sources: walk,
  releases: { xen: { from: '3.0.2', to: '4.3' } },
  params: { translateAt: 'switch', physArea: false, pvUserModeRetry: false, updateFlag: false, hvmVmAssist: false },
};

export const vaAtSwitch44: VariantSpec<RunstateParams> = {
  variant: 'va-at-switch-4.4',
  summary: 'Xen 4.4-4.7: as 3.0, but a 64-bit PV guest switched out in user mode gets its area written when it returns to kernel mode',
  sources: [...walk, retry],
  releases: { xen: { from: '4.4', to: '4.7' } },
  params: { translateAt: 'switch', physArea: false, pvUserModeRetry: true, updateFlag: false, hvmVmAssist: false },
};

export const vaAtSwitch48: VariantSpec<RunstateParams> = {
  variant: 'va-at-switch-4.8',
  summary: 'Xen 4.8-4.13: as 4.4, plus VMASST_TYPE_runstate_update_flag for PV and Arm guests (HVM guests cannot call vm_assist yet)',
  sources: [...walk, retry, flag, armAssist],
  releases: { xen: { from: '4.8', to: '4.13' } },
  params: { translateAt: 'switch', physArea: false, pvUserModeRetry: true, updateFlag: true, hvmVmAssist: false },
};

export const vaAtSwitch: VariantSpec<RunstateParams> = {
  variant: 'va-at-switch',
  summary:
    'Xen 4.14-4.17: as 4.8, and HVM guests may enable the update flag; under KPTI an HVM or Arm guest switched out in user mode keeps a stale area',
  sources: [
    ...walk,
    retry,
    flag,
    armAssist,
    {
      kind: 'commit',
      ref: 'f13404d57f',
      note: 'x86/HVM: expose VM assist hypercall (Xen 4.14): HVM_VM_ASSIST_MASK = runstate_update_flag only',
    },
    { kind: 'doc', ref: 'xen/include/public/vcpu.h struct vcpu_runstate_info, XEN_RUNSTATE_UPDATE' },
  ],
  releases: { xen: { from: '4.14', to: '4.17' } },
  params: { translateAt: 'switch', physArea: false, pvUserModeRetry: true, updateFlag: true, hvmVmAssist: true },
};
