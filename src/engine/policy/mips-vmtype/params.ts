/** What a KVM_CREATE_VM type number asks for on MIPS (seed 003_68d6fb5854a5eeaa.txt). */
export type MipsTypeMeaning = 'te' | 'vz' | 'auto';

export interface MipsParams {
  /** include/uapi/linux/kvm.h KVM_VM_MIPS_* as kvm_arch_init_vm() (arch/mips/kvm/mips.c) takes them. */
  types: Readonly<Record<number, MipsTypeMeaning>>;
  /**
   * Whether a trap-and-emulate build exists for a mips64 host: 'any' (4.12 to 5.8.5, and the 4.14.y,
   * 4.19.y and 5.4.y stable series); 'mips32r2' when arch/mips/kvm/Kconfig has `config KVM_MIPS_TE ...
   * depends on CPU_MIPS32_R2` (01edc5e76ecf, 5.8.6 and 5.9), which a 64-bit kernel cannot select;
   * 'none' once T&E was removed (45c7e8af4a5e, 5.13).
   */
  teBuild: 'any' | 'mips32r2' | 'none';
}
