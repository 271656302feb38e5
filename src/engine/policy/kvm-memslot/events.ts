import { z } from 'zod';
import { address, fdArgs, int, memslotFlags, type ArgsOfShapes, type EventShape } from '../../../model/events/index.js';

// struct kvm_userspace_memory_region and _region2 (include/uapi/linux/kvm.h), with the field names
// strace prints; struct kvm_create_guest_memfd. strace 6.1 decodes only the first: it prints the other
// two as _IOC(...) with an address, so they come from scenarios.

const region = {
  ...fdArgs,
  slot: int.nonnegative(),
  flags: memslotFlags.default(0),
  guest_phys_addr: address,
  memory_size: address,
  userspace_addr: address,
};

export const MEMSLOT_EVENTS = {
  'ioctl:KVM_SET_USER_MEMORY_REGION': region,
  /** 6.8+: the same fields, plus where in a guest_memfd the slot's private memory lies. */
  'ioctl:KVM_SET_USER_MEMORY_REGION2': { ...region, guest_memfd_offset: address.default(0), guest_memfd: int.nonnegative().default(0) },
  /** Returns the new guest_memfd's fd. */
  'ioctl:KVM_CREATE_GUEST_MEMFD': { ...fdArgs, size: address, flags: address.default(0) },
  /** struct kvm_dirty_log {slot, dirty_bitmap}: strace 6.1 prints only its address, so from a recording the slot is unknown. */
  'ioctl:KVM_GET_DIRTY_LOG': { ...fdArgs, slot: int.nonnegative().optional() },
  /** struct kvm_clear_dirty_log {slot, num_pages, first_page, dirty_bitmap}; likewise only an address from strace 6.1. */
  'ioctl:KVM_CLEAR_DIRTY_LOG': {
    ...fdArgs,
    slot: int.nonnegative().optional(),
    first_page: address.optional(),
    num_pages: int.nonnegative().optional(),
  },
  /** Returns how many ring entries it reset. */
  'ioctl:KVM_RESET_DIRTY_RINGS': fdArgs,
  /**
   * ftrace kvm_dirty_ring_push (include/trace/events/kvm.h): "ring %d: dirty 0x%x reset 0x%x slot %u
   * offset 0x%llx (used %u)", dirty and reset after the push; the vCPU is the thread's.
   */
  'fault:kvm_dirty_ring_push': {
    ring: int.nonnegative().optional(),
    dirty: int.nonnegative().optional(),
    reset: int.nonnegative().optional(),
    slot: int.nonnegative(),
    offset: address,
  },
  /** ftrace kvm_dirty_ring_reset: "ring %d: dirty 0x%x reset 0x%x (used %u)", at the end of one vCPU's reset in KVM_RESET_DIRTY_RINGS. */
  'fault:kvm_dirty_ring_reset': { ring: int.nonnegative(), dirty: int.nonnegative(), reset: int.nonnegative() },
} satisfies Record<string, EventShape>;

/** Host facts about the kernel's configuration and the CPU, which no trace shows. */
export const MEMSLOT_HOST_FACTS = {
  /** CONFIG_KVM_SMM: x86 gets a second memslot address space. */
  kvm_smm: z.boolean().optional(),
  /** The host runs with 5-level paging, so TASK_SIZE_MAX is 2^56 - 4096 instead of 2^47 - 4096. */
  la57: z.boolean().optional(),
  /** The host CPU's MAXPHYADDR (CPUID 0x80000008 EAX[7:0]): with EPT/NPT, the widest guest physical address KVM maps. */
  maxphyaddr: int
    .min(36, { error: 'x86-64 CPUs have MAXPHYADDR 36 to 52' })
    .max(52, { error: 'x86-64 CPUs have MAXPHYADDR 36 to 52' })
    .optional(),
  /** KVM uses two-dimensional paging (EPT/NPT, kvm_intel.ept / kvm_amd.npt); without it, shadow paging allows 52 bits. */
  tdp: z.boolean().optional(),
  /** Intel PML is on (kvm_intel.pml): a dirty ring reserves 512 more entries (kvm_cpu_dirty_log_size()). */
  pml: z.boolean().optional(),
} satisfies EventShape;

declare module '../../../model/events/index.js' {
  // eslint-disable-next-line @typescript-eslint/no-empty-object-type -- declaration merging adds this area's events
  interface EventArgsMap extends ArgsOfShapes<typeof MEMSLOT_EVENTS> {}
}

/** A guest_memfd file (KVM_CREATE_GUEST_MEMFD) and the page ranges memslots have bound (kvm_gmem_bind()). */
export interface GuestMemfd {
  size: string;
  bindings: { first: string; last: string; slot: number }[];
}

declare module '../../../model/state.js' {
  interface HostFacts {
    kvm_smm?: boolean;
    la57?: boolean;
    maxphyaddr?: number;
    tdp?: boolean;
    pml?: boolean;
  }
  interface Vm {
    /** guest_memfd files of this VM by fd. */
    guestMemfds?: Record<string, GuestMemfd>;
    /** The dirty ring is in use: its size in bytes where KVM_ENABLE_CAP showed it, {} where only its entries did. */
    dirtyRing?: { bytes?: number };
    /** KVM_ENABLE_CAP(KVM_CAP_MANUAL_DIRTY_LOG_PROTECT2) args[0]: kvm->manual_dirty_log_protect. */
    manualDirtyLogProtect?: number;
    /** Entries the kvm_dirty_ring_reset events of a KVM_RESET_DIRTY_RINGS in progress reset, to be its return value. */
    ringEntriesReset?: number | 'unknown';
  }
  interface Vcpu {
    /** The vCPU's dirty ring indices, as kvm_dirty_ring_push/reset last showed them. */
    dirtyRing?: { dirty: number; reset: number };
  }
  interface Memslot {
    /** KVM_MEM_GUEST_MEMFD: the guest_memfd fd and the offset of the slot's first page in it. */
    guestMemfd?: { fd: number; offset: string };
  }
}
