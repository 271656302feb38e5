import type { VariantSpec } from '../define.js';
import type { MipsParams } from './params.js';

/** Linux 5.9 to 5.12, and 5.8.y from 5.8.11: 15e9e35cd1de (AUTO = 0, VZ = 1, TE = 2) with T&E for MIPS32R2 only. */
export const linux59: VariantSpec<MipsParams> = {
  variant: 'linux-5.9',
  summary:
    "5.8.11+, 5.9-5.12: type 0 = KVM_VM_MIPS_AUTO (the build's mode), 1 = VZ, 2 = TE: type 0 on a VZ build now makes a VZ VM instead of failing; no T&E build for mips64",
  sources: [
    {
      kind: 'commit',
      ref: '15e9e35cd1de KVM: MIPS: Change the definition of kvm type (v5.9-rc6; 5.8.11)',
      note: 'KVM_VM_MIPS_AUTO 0, KVM_VM_MIPS_VZ 1, KVM_VM_MIPS_TE 2; `case KVM_VM_MIPS_AUTO: break;`; "VZ and TE cannot co-exists"',
    },
    {
      kind: 'commit',
      ref: '01edc5e76ecf MIPS: KVM: Limit Trap-and-Emulate to MIPS32R2 only',
      note: '5.9.1 import arch/mips/kvm/Kconfig line 41 `depends on CPU_MIPS32_R2`',
    },
    { kind: 'seed', ref: '003_68d6fb5854a5eeaa.txt', note: 'Paolo: "easy to get KVM_VM_MIPS_DEFAULT wrong"' },
    { kind: 'source', ref: 'arch/mips/kvm/mips.c (5.12.9 import)', note: 'config KVM_MIPS_TE and trap_emul.o still there' },
  ],
  releases: {
    linux: [
      { from: '5.8.11', to: '5.8' },
      { from: '5.9', to: '5.12' },
    ],
  },
  params: { types: { 0: 'auto', 1: 'vz', 2: 'te' }, teBuild: 'mips32r2' },
};
