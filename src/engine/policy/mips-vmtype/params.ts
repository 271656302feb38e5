/** What a KVM_CREATE_VM type number asks for on MIPS (seed 003_68d6fb5854a5eeaa.txt). */
export type MipsTypeMeaning = 'te' | 'vz' | 'auto';

export interface MipsParams {
  /** include/uapi/linux/kvm.h KVM_VM_MIPS_* of this kernel. */
  types: Readonly<Record<number, MipsTypeMeaning>>;
}
