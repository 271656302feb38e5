// KVM_CHECK_EXTENSION answers of x86 KVM that have not changed since before the oldest release the
// policies model (3.6) and depend on no Kconfig option, CPU feature or module parameter. Answers that
// came or changed with a release are kvm-x86-caps's (by release range), answers of the host's build
// or CPU come from a host profile (capability-kinds.ts). Each name below was also seen with this value
// on the recorded Linux 6.18 host (test/fixtures/traces/qemu-pc-64m.strace.gz), which is what conform
// holds them against.

/** kvm_vm_ioctl_check_extension_generic() in virt/kvm/kvm_main.c; x86 selects HAVE_KVM_MSI, HAVE_KVM_IRQFD and KVM_MMIO. */
const GENERIC: Readonly<Record<string, number>> = {
  KVM_CAP_USER_MEMORY: 1,
  KVM_CAP_DESTROY_MEMORY_REGION_WORKS: 1,
  KVM_CAP_JOIN_MEMORY_REGIONS_WORKS: 1,
  KVM_CAP_INTERNAL_ERROR_DATA: 1,
  KVM_CAP_SIGNAL_MSI: 1,
  KVM_CAP_IRQFD: 1,
  /** KVM_COALESCED_MMIO_PAGE_OFFSET, 2 on x86 (arch/x86/include/asm/kvm_host.h, after KVM_PIO_PAGE_OFFSET 1). */
  KVM_CAP_COALESCED_MMIO: 2,
};

/** The `r = 1` list of kvm_vm_ioctl_check_extension() in arch/x86/kvm/x86.c, the members older than 3.6 and unconditional. */
const X86_ALWAYS = [
  'KVM_CAP_IRQCHIP',
  'KVM_CAP_HLT',
  'KVM_CAP_MMU_SHADOW_CACHE_CONTROL',
  'KVM_CAP_SET_TSS_ADDR',
  'KVM_CAP_EXT_CPUID',
  'KVM_CAP_CLOCKSOURCE',
  'KVM_CAP_NOP_IO_DELAY',
  'KVM_CAP_MP_STATE',
  'KVM_CAP_SYNC_MMU',
  'KVM_CAP_USER_NMI',
  'KVM_CAP_IRQ_INJECT_STATUS',
  'KVM_CAP_IOEVENTFD',
  'KVM_CAP_SET_IDENTITY_MAP_ADDR',
  'KVM_CAP_VCPU_EVENTS',
  'KVM_CAP_PCI_SEGMENT',
  'KVM_CAP_DEBUGREGS',
  'KVM_CAP_X86_ROBUST_SINGLESTEP',
  'KVM_CAP_XSAVE',
  'KVM_CAP_ASYNC_PF',
  'KVM_CAP_GET_TSC_KHZ',
  'KVM_CAP_KVMCLOCK_CTRL',
  'KVM_CAP_TSC_DEADLINE_TIMER',
  'KVM_CAP_SET_BOOT_CPU_ID',
  'KVM_CAP_SET_GUEST_DEBUG',
];

/**
 * `case KVM_CAP_MCE: r = KVM_MAX_MCE_BANKS;` (32, arch/x86/include/asm/kvm_host.h); KVM_CAP_VM_ATTRIBUTES
 * has no x86 case in any release (`int r = 0;`: it is s390's and arm64's).
 */
const X86_VALUES: Readonly<Record<string, number>> = { KVM_CAP_MCE: 32, KVM_CAP_VM_ATTRIBUTES: 0 };

export function x86Capability(cap: string): number | undefined {
  return GENERIC[cap] ?? X86_VALUES[cap] ?? (X86_ALWAYS.includes(cap) ? 1 : undefined);
}

/** Every capability the core answers on x86, so that no area claims one of them too. */
export const X86_CORE_CAPABILITIES: readonly string[] = [...Object.keys(GENERIC), ...Object.keys(X86_VALUES), ...X86_ALWAYS];
