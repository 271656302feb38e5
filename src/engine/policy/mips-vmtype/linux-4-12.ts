import type { MipsVmTypePolicy } from './policy.js';
import { mipsCapability, mipsVmCreate, reduceMips } from './rules.js';

/** Linux 4.12 to 5.8: KVM_VM_MIPS_TE = 0, KVM_VM_MIPS_VZ = 1 (include/uapi/linux/kvm.h). */
export const linux412: MipsVmTypePolicy = {
  id: 'mips-vmtype/linux-4.12',
  area: 'mips-vmtype',
  variant: 'linux-4.12',
  isDefault: false,
  summary: '4.12-5.8: type 0 = KVM_VM_MIPS_TE, 1 = KVM_VM_MIPS_VZ; KVM_CAP_MIPS_VZ on a VM fd says which one it is',
  sources: [
    { kind: 'seed', ref: '003_68d6fb5854a5eeaa.txt', note: 'the T&E vs VZ type debate (James Hogan, Paolo Bonzini)' },
    { kind: 'doc', ref: 'Documentation/virtual/kvm/api.txt 4.2 KVM_CREATE_VM (4.12): KVM_VM_MIPS_TE / KVM_VM_MIPS_VZ' },
  ],
  types: { 0: 'te', 1: 'vz' },
  capability: (cap, state, vm) => mipsCapability(cap, state, vm),
  vmCreate: (type, state) => mipsVmCreate(linux412, type, state),
  reduce: reduceMips,
};
