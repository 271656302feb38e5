import type { VariantSpec } from '../define.js';
import type { MipsParams } from './params.js';

/** Linux 5.9+: 15e9e35cd1de "KVM: MIPS: Change the definition of kvm type" (5.9-rc6): AUTO = 0, VZ = 1, TE = 2. */
export const linux59: VariantSpec<MipsParams> = {
  variant: 'linux-5.9',
  isDefault: true,
  summary: "5.9+: type 0 = KVM_VM_MIPS_AUTO (the build's mode), 1 = VZ, 2 = TE: type 0 on a VZ build now makes a VZ VM instead of failing",
  sources: [
    {
      kind: 'commit',
      ref: '15e9e35cd1de KVM: MIPS: Change the definition of kvm type (v5.9-rc6)',
      note: 'KVM_VM_MIPS_AUTO 0, KVM_VM_MIPS_VZ 1, KVM_VM_MIPS_TE 2; `case KVM_VM_MIPS_AUTO: break;`; "VZ and TE cannot co-exists"',
    },
    { kind: 'seed', ref: '003_68d6fb5854a5eeaa.txt', note: 'Paolo: "easy to get KVM_VM_MIPS_DEFAULT wrong"' },
  ],
  params: { types: { 0: 'auto', 1: 'vz', 2: 'te' } },
};
