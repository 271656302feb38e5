import { z } from 'zod';
import { address, fdArgs, int, type ArgsOfShapes, type EventShape } from '../../../model/events/index.js';

// VM and vCPU setup ioctls (include/uapi/linux/kvm.h), with what strace 6.1 prints of them: the scalar
// argument of KVM_SET_TSS_ADDR, KVM_SET_TSC_KHZ and KVM_SET_BOOT_CPU_ID, kvm_cpuid2's nent, and only
// an address for the rest (`raw`).

export const SETUP_EVENTS = {
  'ioctl:KVM_SET_TSS_ADDR': { ...fdArgs, addr: address.optional() },
  /** A pointer to the u64 address: strace prints the pointer. */
  'ioctl:KVM_SET_IDENTITY_MAP_ADDR': { ...fdArgs, addr: address.optional() },
  'ioctl:KVM_SET_BOOT_CPU_ID': { ...fdArgs, id: int.nonnegative().optional() },
  'ioctl:KVM_GET_CLOCK': fdArgs,
  'ioctl:KVM_X86_GET_MCE_CAP_SUPPORTED': fdArgs,
  'ioctl:KVM_GET_REGS': fdArgs,
  'ioctl:KVM_SET_REGS': fdArgs,
  'ioctl:KVM_GET_SREGS': fdArgs,
  'ioctl:KVM_GET_SREGS2': fdArgs,
  'ioctl:KVM_GET_FPU': fdArgs,
  'ioctl:KVM_GET_XSAVE2': fdArgs,
  'ioctl:KVM_GET_XCRS': fdArgs,
  'ioctl:KVM_GET_VCPU_EVENTS': fdArgs,
  'ioctl:KVM_GET_DEBUGREGS': fdArgs,
  'ioctl:KVM_GET_MP_STATE': fdArgs,
  /** struct kvm_cpuid2 {nent, entries[]}. */
  'ioctl:KVM_SET_CPUID2': { ...fdArgs, nent: int.nonnegative().optional() },
  'ioctl:KVM_GET_TSC_KHZ': { ...fdArgs, arg: address.optional() },
  'ioctl:KVM_SET_TSC_KHZ': { ...fdArgs, khz: address.optional() },
} satisfies Record<string, EventShape>;

/**
 * tsc_khz: what a new vCPU's TSC runs at on this host (kvm->arch.default_tsc_khz); tsc_control:
 * KVM_CAP_TSC_CONTROL; tsc_tolerance_ppm: kvm.ko's module parameter (default 250).
 */
export const SETUP_HOST_FACTS = {
  tsc_khz: int.positive().optional(),
  tsc_control: z.boolean().optional(),
  tsc_tolerance_ppm: int.nonnegative().optional(),
} satisfies EventShape;

declare module '../../../model/events/index.js' {
  // eslint-disable-next-line @typescript-eslint/no-empty-object-type -- declaration merging adds this area's events
  interface EventArgsMap extends ArgsOfShapes<typeof SETUP_EVENTS> {}
}

declare module '../../../model/state.js' {
  interface HostFacts {
    tsc_khz?: number;
    tsc_control?: boolean;
    tsc_tolerance_ppm?: number;
  }
  interface Vcpu {
    /** vcpu->arch.virtual_tsc_khz after a KVM_SET_TSC_KHZ; the host's default before. */
    tscKhz?: number;
  }
}
