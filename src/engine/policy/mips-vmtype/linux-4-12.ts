import type { VariantSpec } from '../define.js';
import type { MipsParams } from './params.js';

/** Linux 4.12 to 5.8.5, and the stable series until 15e9e35cd1de reached them: KVM_VM_MIPS_TE = 0, KVM_VM_MIPS_VZ = 1. */
export const linux412: VariantSpec<MipsParams> = {
  variant: 'linux-4.12',
  summary: '4.12-5.8.5: type 0 = KVM_VM_MIPS_TE, 1 = KVM_VM_MIPS_VZ; a T&E build takes only 0, a VZ build only 1, anything else is EINVAL',
  sources: [
    { kind: 'seed', ref: '003_68d6fb5854a5eeaa.txt', note: 'the T&E vs VZ type debate (James Hogan, Paolo Bonzini)' },
    { kind: 'doc', ref: 'Documentation/virtual/kvm/api.txt 4.2 KVM_CREATE_VM (4.12): KVM_VM_MIPS_TE / KVM_VM_MIPS_VZ' },
    {
      kind: 'source',
      ref: 'arch/mips/kvm/mips.c kvm_arch_init_vm() (4.12-5.8; 5.8.1 import: TE 0 / VZ 1)',
      note: '#ifdef CONFIG_KVM_MIPS_VZ case KVM_VM_MIPS_VZ: #else case KVM_VM_MIPS_TE: #endif; default: -EINVAL',
    },
    {
      kind: 'source',
      ref: 'arch/mips/kvm/Kconfig (4.12; 4.19.222 import)',
      note: 'choice "Virtualization mode": KVM_MIPS_TE or KVM_MIPS_VZ, one per build; KVM_MIPS_TE without `depends on CPU_MIPS32_R2`',
    },
    {
      kind: 'doc',
      ref: 'docs/upstream/releases-issue12.md section 7',
      note: 'ends where the renumbering reached each stable series: 4.14.199, 4.19.147, 5.4.67 (2020-09-23); 5.8.y took 01edc5e76ecf at 5.8.6 first',
    },
  ],
  releases: {
    linux: [
      { from: '4.12', to: '4.14.198' },
      { from: '4.15', to: '4.19.146' },
      { from: '4.20', to: '5.4.66' },
      { from: '5.5', to: '5.8.5' },
    ],
  },
  params: { types: { 0: 'te', 1: 'vz' }, teBuild: 'any' },
};
