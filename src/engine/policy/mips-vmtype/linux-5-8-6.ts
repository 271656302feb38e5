import type { VariantSpec } from '../define.js';
import type { MipsParams } from './params.js';

/** 5.8.6 to 5.8.10: the old type numbers, but T&E limited to MIPS32R2 already. */
export const linux586: VariantSpec<MipsParams> = {
  variant: 'linux-5.8.6',
  summary: '5.8.6-5.8.10: TE = 0, VZ = 1 as in 4.12, but T&E builds only for MIPS32R2, so a mips64 host has VZ or no KVM',
  sources: [
    {
      kind: 'commit',
      ref: '01edc5e76ecf MIPS: KVM: Limit Trap-and-Emulate to MIPS32R2 only',
      note: '`config KVM_MIPS_TE ... depends on CPU_MIPS32_R2`; in 5.8.y from 5.8.6 ("[PATCH 5.8 038/255]", 5.8.6-rc2 review, 2020-09-01)',
    },
    {
      kind: 'doc',
      ref: 'docs/upstream/releases-issue12.md section 7',
      note: 'the renumbering (15e9e35cd1de) reached 5.8.y only at 5.8.11',
    },
  ],
  releases: { linux: { from: '5.8.6', to: '5.8.10' } },
  params: { types: { 0: 'te', 1: 'vz' }, teBuild: 'mips32r2' },
};
