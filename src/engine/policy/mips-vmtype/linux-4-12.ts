import type { VariantSpec } from '../define.js';
import type { MipsParams } from './params.js';

/** Linux 4.12 to 5.8: KVM_VM_MIPS_TE = 0, KVM_VM_MIPS_VZ = 1 (include/uapi/linux/kvm.h); a kernel takes only its build's type. */
export const linux412: VariantSpec<MipsParams> = {
  variant: 'linux-4.12',
  summary: '4.12-5.8: type 0 = KVM_VM_MIPS_TE, 1 = KVM_VM_MIPS_VZ; a T&E build takes only 0, a VZ build only 1, anything else is EINVAL',
  sources: [
    { kind: 'seed', ref: '003_68d6fb5854a5eeaa.txt', note: 'the T&E vs VZ type debate (James Hogan, Paolo Bonzini)' },
    { kind: 'doc', ref: 'Documentation/virtual/kvm/api.txt 4.2 KVM_CREATE_VM (4.12): KVM_VM_MIPS_TE / KVM_VM_MIPS_VZ' },
    {
      kind: 'source',
      ref: 'arch/mips/kvm/mips.c kvm_arch_init_vm() (4.12-5.8)',
      note: '#ifdef CONFIG_KVM_MIPS_VZ case KVM_VM_MIPS_VZ: #else case KVM_VM_MIPS_TE: #endif; default: -EINVAL',
    },
    {
      kind: 'source',
      ref: 'arch/mips/kvm/Kconfig (4.12)',
      note: 'choice "Virtualization mode": KVM_MIPS_TE or KVM_MIPS_VZ, one per build',
    },
  ],
  params: { types: { 0: 'te', 1: 'vz' } },
};
