import { z } from 'zod';
import { address, fdArgs, int, type ArgsOfShapes, type EventShape } from '../../../model/events/index.js';

// KVM_X86_SET_MSR_FILTER (struct kvm_msr_filter {flags, ranges[16] {flags, nmsrs, base, bitmap}},
// arch/x86/include/uapi/asm/kvm.h). strace 6.1 prints it as an address (`KVM_X86_SET_MSR_FILTER,
// 0x7ffd91c5d260`, test/fixtures/traces/qemu-pc-64m.strace.gz).

const range = z.object({ flags: int.nonnegative(), nmsrs: int.nonnegative(), base: address });

export const MSR_EXIT_EVENTS = {
  'ioctl:KVM_X86_SET_MSR_FILTER': {
    ...fdArgs,
    flags: int.nonnegative().optional(),
    ranges: z.array(range).max(16, { error: 'struct kvm_msr_filter has 16 ranges' }).optional(),
  },
} satisfies Record<string, EventShape>;

declare module '../../../model/events/index.js' {
  // eslint-disable-next-line @typescript-eslint/no-empty-object-type -- declaration merging adds this area's events
  interface EventArgsMap extends ArgsOfShapes<typeof MSR_EXIT_EVENTS> {}
}

declare module '../../../model/state.js' {
  interface Vm {
    /** kvm->arch.user_space_msr_mask: the KVM_MSR_EXIT_REASON_* for which a failed guest RDMSR/WRMSR exits to userspace. */
    userSpaceMsrMask?: number;
  }
}
