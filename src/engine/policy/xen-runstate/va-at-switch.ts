import type { RunstatePolicy } from './policy.js';
import { reduceRunstate } from './rules.js';
import { policyName } from '../types.js';

export const vaAtSwitch: RunstatePolicy = {
  ...policyName('xen-runstate', 'va-at-switch'),
  isDefault: false,
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
  translateAt: 'switch',
  physArea: false,
  reduce: (state, ctx) => reduceRunstate(vaAtSwitch, state, ctx),
};
