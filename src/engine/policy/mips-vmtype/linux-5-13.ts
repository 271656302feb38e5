import type { VariantSpec } from '../define.js';
import type { MipsParams } from './params.js';

/** Linux 5.13 on: T&E removed (45c7e8af4a5e), only VZ is left. */
export const linux513: VariantSpec<MipsParams> = {
  variant: 'linux-5.13',
  isDefault: true,
  summary: '5.13+: T&E removed; kvm_arch_init_vm() takes AUTO (0) and VZ (1), type 2 (TE) is EINVAL; only VZ builds exist',
  sources: [
    {
      kind: 'commit',
      ref: '45c7e8af4a5e MIPS: Remove KVM_TE support',
      note: 'named by the issue for 5.13; the 5.13 tree itself was not read',
    },
    {
      kind: 'source',
      ref: 'arch/mips/kvm/mips.c kvm_arch_init_vm() (5.14 import)',
      note: '`case KVM_VM_MIPS_AUTO: break; case KVM_VM_MIPS_VZ: break; default: return -EINVAL;`; arch/mips/kvm/Makefile builds only vz.o',
    },
    {
      kind: 'doc',
      ref: 'docs/upstream/releases-issue12.md section 7',
      note: 'release bound: T&E present in the 5.12.9 import, absent in 5.14; KVM_VM_MIPS_TE 2 stays in the uapi header (6.1)',
    },
  ],
  releases: { linux: { from: '5.13' } },
  params: { types: { 0: 'auto', 1: 'vz' }, teBuild: 'none' },
};
