import { z } from 'zod';
import { address, fdArgs, int, type ArgsOfShapes, type EventShape } from '../../../model/events/index.js';

// VM and vCPU setup ioctls (include/uapi/linux/kvm.h), with what strace 6.1 prints of them: the scalar
// argument of KVM_SET_TSS_ADDR, KVM_SET_TSC_KHZ and KVM_SET_BOOT_CPU_ID, kvm_cpuid2's nent, and only
// an address for the rest (`raw`). The other fields are what `hvreplay record`'s ioctl probe reads of
// the struct as the call is made (importers/merge/ioctl-args.ts): inputs only, never what the kernel
// writes back.

/** A count the host decides, as far as its answers bound it: E2BIG below atLeast, success from atMost on. */
const countBounds = z.strictObject({ atLeast: int.nonnegative(), atMost: int.nonnegative().optional() });
const deviceAttr = { ...fdArgs, flags: int.nonnegative().optional(), group: int.nonnegative().optional(), attr: address.optional() };

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
  /** struct kvm_device_attr {flags, group, attr, addr}, on /dev/kvm. */
  'ioctl:KVM_GET_DEVICE_ATTR': deviceAttr,
  'ioctl:KVM_HAS_DEVICE_ATTR': deviceAttr,
  /** struct kvm_msr_list {nmsrs, indices[]}: the count userspace made room for. */
  'ioctl:KVM_GET_MSR_INDEX_LIST': { ...fdArgs, nmsrs: int.nonnegative().optional() },
  'ioctl:KVM_GET_MSR_FEATURE_INDEX_LIST': { ...fdArgs, nmsrs: int.nonnegative().optional() },
  /** struct kvm_msrs {nmsrs, pad, entries[] {index, reserved, data}}; indices only where all nmsrs were read. */
  'ioctl:KVM_GET_MSRS': { ...fdArgs, nmsrs: int.nonnegative().optional(), indices: z.array(address).optional() },
  /** struct kvm_cpuid2: strace prints the kernel's count after a success (nent); nentIn is the room userspace gave. */
  'ioctl:KVM_GET_SUPPORTED_CPUID': { ...fdArgs, nent: int.nonnegative().optional(), nentIn: int.nonnegative().optional() },
  /** A pointer to the u64 mcg_cap: strace prints the pointer. */
  'ioctl:KVM_X86_SETUP_MCE': { ...fdArgs, mcg_cap: address.optional() },
} satisfies Record<string, EventShape>;

/**
 * tsc_khz: what a new vCPU's TSC runs at on this host (kvm->arch.default_tsc_khz); tsc_control:
 * KVM_CAP_TSC_CONTROL; tsc_tolerance_ppm: kvm.ko's module parameter (default 250). The list sizes the
 * host's CPU and vendor module decide at load (kvm_init_msr_lists(), kvm_set_cpu_caps()):
 * supported_cpuid_entries, KVM_GET_SUPPORTED_CPUID's count; msr_index_count, num_msrs_to_save +
 * num_emulated_msrs; msr_feature_count, num_msr_based_features.
 */
export const SETUP_HOST_FACTS = {
  tsc_khz: int.positive().optional(),
  tsc_control: z.boolean().optional(),
  tsc_tolerance_ppm: int.nonnegative().optional(),
  supported_cpuid_entries: int.positive().optional(),
  msr_index_count: countBounds.optional(),
  msr_feature_count: countBounds.optional(),
} satisfies EventShape;

export type CountBounds = z.infer<typeof countBounds>;

declare module '../../../model/events/index.js' {
  // eslint-disable-next-line @typescript-eslint/no-empty-object-type -- declaration merging adds this area's events
  interface EventArgsMap extends ArgsOfShapes<typeof SETUP_EVENTS> {}
}

declare module '../../../model/state.js' {
  interface HostFacts {
    tsc_khz?: number;
    tsc_control?: boolean;
    tsc_tolerance_ppm?: number;
    supported_cpuid_entries?: number;
    msr_index_count?: CountBounds;
    msr_feature_count?: CountBounds;
  }
  interface Vm {
    /** KVM_ENABLE_CAP(KVM_CAP_EXCEPTION_PAYLOAD) args[0]: kvm->arch.exception_payload_enabled. */
    exceptionPayload?: boolean;
    /** KVM_ENABLE_CAP(KVM_CAP_X86_TRIPLE_FAULT_EVENT) args[0]: kvm->arch.triple_fault_event. */
    tripleFaultEvent?: boolean;
    /** KVM_ENABLE_CAP(KVM_CAP_MAX_VCPU_ID) args[0]: kvm->arch.max_vcpu_ids (0: not set). */
    maxVcpuIds?: number;
    /** KVM_SET_BOOT_CPU_ID's id (kvm->arch.bsp_vcpu_id, 0 until set); null when the trace did not show it. */
    bootCpuId?: number | null;
  }
  interface Vcpu {
    /** vcpu->arch.virtual_tsc_khz after a KVM_SET_TSC_KHZ; the host's default before. */
    tscKhz?: number;
  }
}
