import type { VariantSpec } from '../define.js';
import type { RunstateParams } from './params.js';

export const vaAtSwitch: VariantSpec<RunstateParams> = {
  variant: 'va-at-switch',
  summary:
    'Xen <= 4.17: the area is a guest virtual address, walked at every context switch; under KPTI in user mode the walk fails and the area goes stale',
  sources: [
    {
      kind: 'seed',
      ref: '002_93d8918ed274a0fd.txt',
      note: '"Failed to walk page-table va" when a KPTI guest is switched out in user mode',
    },
    { kind: 'source', ref: 'xen/common/domain.c VCPUOP_register_runstate_memory_area; update_runstate_area()' },
    { kind: 'doc', ref: 'xen/include/public/vcpu.h struct vcpu_runstate_info, XEN_RUNSTATE_UPDATE' },
  ],
  params: { translateAt: 'switch', physArea: false },
};
