// Numeric ABI of KVM as userspace sees it. Every value here is from include/uapi/linux/kvm.h
// (Linux 6.18) unless a comment names another source.

/** KVM_EXIT_* (struct kvm_run.exit_reason). */
export const KVM_EXIT_REASONS: readonly string[] = [
  'KVM_EXIT_UNKNOWN',
  'KVM_EXIT_EXCEPTION',
  'KVM_EXIT_IO',
  'KVM_EXIT_HYPERCALL',
  'KVM_EXIT_DEBUG',
  'KVM_EXIT_HLT',
  'KVM_EXIT_MMIO',
  'KVM_EXIT_IRQ_WINDOW_OPEN',
  'KVM_EXIT_SHUTDOWN',
  'KVM_EXIT_FAIL_ENTRY',
  'KVM_EXIT_INTR',
  'KVM_EXIT_SET_TPR',
  'KVM_EXIT_TPR_ACCESS',
  'KVM_EXIT_S390_SIEIC',
  'KVM_EXIT_S390_RESET',
  'KVM_EXIT_DCR',
  'KVM_EXIT_NMI',
  'KVM_EXIT_INTERNAL_ERROR',
  'KVM_EXIT_OSI',
  'KVM_EXIT_PAPR_HCALL',
  'KVM_EXIT_S390_UCONTROL',
  'KVM_EXIT_WATCHDOG',
  'KVM_EXIT_S390_TSCH',
  'KVM_EXIT_EPR',
  'KVM_EXIT_SYSTEM_EVENT',
  'KVM_EXIT_S390_STSI',
  'KVM_EXIT_IOAPIC_EOI',
  'KVM_EXIT_HYPERV',
  'KVM_EXIT_ARM_NISV',
  'KVM_EXIT_X86_RDMSR',
  'KVM_EXIT_X86_WRMSR',
  'KVM_EXIT_DIRTY_RING_FULL',
  'KVM_EXIT_AP_RESET_HOLD',
  'KVM_EXIT_X86_BUS_LOCK',
  'KVM_EXIT_XEN',
  'KVM_EXIT_RISCV_SBI',
  'KVM_EXIT_RISCV_CSR',
  'KVM_EXIT_NOTIFY',
  'KVM_EXIT_LOONGARCH_IOCSR',
  'KVM_EXIT_MEMORY_FAULT',
  'KVM_EXIT_TDX',
];

/** The KVM_EXIT_* name of an exit_reason number, or undefined past the end of the table. */
export function kvmExitReasonName(code: number): string | undefined {
  return KVM_EXIT_REASONS[code];
}

/** struct kvm_userspace_memory_region.flags */
export const KVM_MEM_LOG_DIRTY_PAGES = 1 << 0;
export const KVM_MEM_READONLY = 1 << 1;
export const KVM_MEM_GUEST_MEMFD = 1 << 2;
export const MEMSLOT_FLAG_NAMES: Readonly<Record<string, number>> = {
  KVM_MEM_LOG_DIRTY_PAGES,
  KVM_MEM_READONLY,
  KVM_MEM_GUEST_MEMFD,
};

/** KVM_CAP_* numbers (include/uapi/linux/kvm.h) for the capabilities the model answers or lets be enabled. */
export const KVM_CAPS: Readonly<Record<string, number>> = {
  KVM_CAP_IRQCHIP: 0,
  KVM_CAP_USER_MEMORY: 3,
  KVM_CAP_SET_TSS_ADDR: 4,
  KVM_CAP_NR_MEMSLOTS: 10,
  KVM_CAP_MP_STATE: 14,
  KVM_CAP_SYNC_MMU: 16,
  KVM_CAP_NR_VCPUS: 9,
  KVM_CAP_MAX_VCPUS: 66,
  KVM_CAP_READONLY_MEM: 81,
  KVM_CAP_MIPS_VZ: 137,
  KVM_CAP_MIPS_TE: 138,
  KVM_CAP_MULTI_ADDRESS_SPACE: 118,
  KVM_CAP_MAX_VCPU_ID: 128,
  KVM_CAP_EXCEPTION_PAYLOAD: 164,
  KVM_CAP_SPLIT_IRQCHIP: 121,
  KVM_CAP_MANUAL_DIRTY_LOG_PROTECT2: 168,
  KVM_CAP_X86_USER_SPACE_MSR: 188,
  KVM_CAP_DIRTY_LOG_RING: 192,
  KVM_CAP_EXIT_ON_EMULATION_FAILURE: 204,
  KVM_CAP_X86_TRIPLE_FAULT_EVENT: 218,
  KVM_CAP_DIRTY_LOG_RING_ACQ_REL: 223,
  KVM_CAP_DIRTY_LOG_RING_WITH_BITMAP: 225,
  KVM_CAP_USER_MEMORY2: 231,
  KVM_CAP_GUEST_MEMFD: 234,
  // Never merged: the RFC in seeds/001_280a8ef89a6d9850.txt proposed this number.
  KVM_CAP_S390_LATE_MMAP: 200,
};

export function capName(cap: string | number): string {
  if (typeof cap === 'string') return cap;
  const name = Object.keys(KVM_CAPS).find((k) => KVM_CAPS[k] === cap);
  return name ?? String(cap);
}

/** The guest page size the memslot alignment rules use (x86, s390, arm64 with 4K pages). */
export const PAGE_SIZE = 4096n;

/**
 * Highest user address + 1 on x86-64 with 4-level paging: TASK_SIZE_MAX = (1 << 47) - PAGE_SIZE
 * (arch/x86/include/asm/page_64_types.h). access_ok() in kvm_set_memory_region() checks against it.
 */
export const TASK_SIZE_MAX = (1n << 47n) - PAGE_SIZE;

/**
 * KVM_USER_MEM_SLOTS on x86: KVM_MEM_SLOTS_NUM (SHRT_MAX) - KVM_INTERNAL_MEM_SLOTS (3)
 * (include/linux/kvm_host.h, arch/x86/include/asm/kvm_host.h).
 */
export const KVM_USER_MEM_SLOTS = 32767 - 3;

/** x86 has two memslot address spaces (normal and SMM): KVM_MAX_NR_ADDRESS_SPACES. */
export const KVM_ADDRESS_SPACES = 2;
