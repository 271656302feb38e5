import type { VariantSpec } from '../define.js';
import type { RunstateParams } from './params.js';

export const physArea: VariantSpec<RunstateParams> = {
  variant: 'phys-area',
  isDefault: true,
  summary:
    'Xen 4.18+: VCPUOP_register_runstate_phys_area (14) on x86 by guest physical address, one page at most, always the update flag (8-byte stores); on Arm the op is EINVAL and the virtual area stays as in 4.17',
  sources: [
    { kind: 'source', ref: 'xen/common/domain.c VCPUOP_register_runstate_phys_area, map_guest_area() (Xen 4.18)' },
    { kind: 'commit', ref: 'd5df44275e7a', note: 'domain: introduce GADDR based runstate area registration alternative (RELEASE-4.18.0)' },
    { kind: 'commit', ref: 'eadc288cbb0d', note: 'domain: map/unmap GADDR based shared guest areas: map_guest_area() with both -ENXIO' },
    {
      kind: 'commit',
      ref: 'e1ddb822ca2e',
      note: 'domain: update GADDR based runstate guest area: `write_atomic(pset, runstate.state_entry_time)` around the copy, no VM_ASSIST check; the virtual area keeps its 1-byte stores (4.18 lines 1729, 1752, same in staging)',
    },
    {
      kind: 'source',
      ref: 'xen/arch/arm/domain.c do_vcpu_op() (RELEASE-4.17.0 1094-1110, RELEASE-4.18.0 1144-1160, staging c447b7308b13 1169-1185)',
      note: 'only VCPUOP_register_vcpu_info and VCPUOP_register_runstate_memory_area; `default: return -EINVAL;`. XENFEAT_runstate_phys_area is set on Arm anyway (48a3fd14327f, xen/common/kernel.c)',
    },
    {
      kind: 'doc',
      ref: 'xen/include/public/vcpu.h VCPUOP_register_runstate_phys_area = 14; xen/include/public/features.h XENFEAT_runstate_phys_area = 18',
    },
  ],
  releases: { xen: { from: '4.18' } },
  params: { translateAt: 'switch', physArea: true, pvUserModeRetry: true, updateFlag: true, hvmVmAssist: true },
};
