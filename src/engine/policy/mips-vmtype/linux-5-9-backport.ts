import type { VariantSpec } from '../define.js';
import type { MipsParams } from './params.js';

/** The 5.9 type numbers in the 4.14.y, 4.19.y and 5.4.y stable series, which never took 01edc5e76ecf. */
export const linux59Backport: VariantSpec<MipsParams> = {
  variant: 'linux-5.9-backport',
  summary: "4.14.199+, 4.19.147+, 5.4.67+: 15e9e35cd1de's AUTO = 0, VZ = 1, TE = 2 backported, while T&E still builds for 64-bit hosts",
  sources: [
    {
      kind: 'commit',
      ref: '15e9e35cd1de KVM: MIPS: Change the definition of kvm type',
      note: 'in the shortlogs of Linux 4.14.199, 4.19.147 and 5.4.67 (all 2020-09-23; "[PATCH 4.19 25/49] KVM: MIPS: Change the definition of kvm type")',
    },
    {
      kind: 'source',
      ref: 'arch/mips/kvm/mips.c kvm_arch_init_vm() (4.19.222 and 5.4.214 imports)',
      note: '`KVM_VM_MIPS_AUTO 0 / VZ 1 / TE 2` and `case KVM_VM_MIPS_AUTO: break;`; arch/mips/kvm/Kconfig without `depends on CPU_MIPS32_R2`',
    },
    {
      kind: 'doc',
      ref: 'docs/upstream/releases-issue12.md section 7',
      note: 'no 4.14/4.19/5.4 stable mail for 01edc5e76ecf was found, and 4.19.222 lacks it',
    },
  ],
  releases: {
    linux: [
      { from: '4.14.199', to: '4.14' },
      { from: '4.19.147', to: '4.19' },
      { from: '5.4.67', to: '5.4' },
    ],
  },
  params: { types: { 0: 'auto', 1: 'vz', 2: 'te' }, teBuild: 'any' },
};
