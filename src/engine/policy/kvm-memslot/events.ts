import { z } from 'zod';
import { address, fdArgs, int, memslotFlags, type ArgsOfShapes, type EventShape } from '../../../model/events/index.js';

// KVM_SET_USER_MEMORY_REGION (struct kvm_userspace_memory_region, include/uapi/linux/kvm.h), with the
// field names strace prints.

export const MEMSLOT_EVENTS = {
  'ioctl:KVM_SET_USER_MEMORY_REGION': {
    ...fdArgs,
    slot: int.nonnegative(),
    flags: memslotFlags.default(0),
    guest_phys_addr: address,
    memory_size: address,
    userspace_addr: address,
  },
} satisfies Record<string, EventShape>;

/** kvm_smm: whether the host kernel has CONFIG_KVM_SMM, which gives x86 a second memslot address space. */
export const MEMSLOT_HOST_FACTS = { kvm_smm: z.boolean().optional() } satisfies EventShape;

declare module '../../../model/events/index.js' {
  // eslint-disable-next-line @typescript-eslint/no-empty-object-type -- declaration merging adds this area's events
  interface EventArgsMap extends ArgsOfShapes<typeof MEMSLOT_EVENTS> {}
}

declare module '../../../model/state.js' {
  interface HostFacts {
    kvm_smm?: boolean;
  }
}
