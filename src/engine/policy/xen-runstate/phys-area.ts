import type { VariantSpec } from '../define.js';
import type { RunstateParams } from './params.js';

export const physArea: VariantSpec<RunstateParams> = {
  variant: 'phys-area',
  isDefault: true,
  summary:
    'Xen 4.18+: VCPUOP_register_runstate_phys_area (14) by guest physical address, one page at most, always the update-flag protocol',
  sources: [
    { kind: 'source', ref: 'xen/common/domain.c VCPUOP_register_runstate_phys_area, map_guest_area() (Xen 4.18)' },
    {
      kind: 'doc',
      ref: 'xen/include/public/vcpu.h VCPUOP_register_runstate_phys_area = 14; xen/include/public/features.h XENFEAT_runstate_phys_area = 18',
    },
  ],
  params: { translateAt: 'switch', physArea: true },
};
