import type { VariantSpec } from '../define.js';
import type { RunstateParams } from './params.js';

export const vaAtRegister: VariantSpec<RunstateParams> = {
  variant: 'va-at-register',
  summary:
    '2020 Arm patch (v3, never merged): translate once at the hypercall (64-bit aligned, mapped, may span 2 pages), keep writing those pages',
  sources: [
    {
      kind: 'seed',
      ref: '002_93d8918ed274a0fd.txt',
      note: '[PATCH v3] xen/arm: Convert runstate address during hypcall (Bertrand Marquis, 2020)',
    },
  ],
  // Posted against Xen 4.14's development tree; its flag stores are 8-byte write_atomic()s (seed 002 lines 301-303, 323-325).
  params: { translateAt: 'register', physArea: false, pvUserModeRetry: true, updateFlag: true, hvmVmAssist: true },
};
