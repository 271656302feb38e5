// KVM_CHECK_EXTENSION answers of current upstream x86 KVM that depend on no Kconfig option, no CPU
// feature and no module parameter. Everything else (KVM_CAP_HYPERV under CONFIG_KVM_HYPERV, KVM_CAP_X86_SMM,
// KVM_CAP_ADJUST_CLOCK's flag set, KVM_CAP_NR_VCPUS from the online CPUs, ...) is left unpredicted.
// Each name below was also seen with this value on the recorded Linux 6.18 host
// (test/fixtures/traces/qemu-pc-64m.strace.gz), which is what conform holds them against.

/** kvm_vm_ioctl_check_extension_generic() in virt/kvm/kvm_main.c; x86 selects HAVE_KVM_MSI, HAVE_KVM_IRQFD, HAVE_KVM_IRQ_ROUTING and KVM_MMIO. */
const GENERIC: Readonly<Record<string, number>> = {
  KVM_CAP_USER_MEMORY: 1,
  KVM_CAP_DESTROY_MEMORY_REGION_WORKS: 1,
  KVM_CAP_JOIN_MEMORY_REGIONS_WORKS: 1,
  KVM_CAP_INTERNAL_ERROR_DATA: 1,
  KVM_CAP_SIGNAL_MSI: 1,
  KVM_CAP_IRQFD: 1,
  KVM_CAP_IRQFD_RESAMPLE: 1,
  KVM_CAP_IOEVENTFD_ANY_LENGTH: 1,
  KVM_CAP_CHECK_EXTENSION_VM: 1,
  KVM_CAP_ENABLE_CAP_VM: 1,
  KVM_CAP_HALT_POLL: 1,
  KVM_CAP_BINARY_STATS_FD: 1,
  KVM_CAP_COALESCED_PIO: 1,
  /** KVM_COALESCED_MMIO_PAGE_OFFSET, 2 on x86 (arch/x86/include/asm/kvm_host.h, after KVM_PIO_PAGE_OFFSET 1). */
  KVM_CAP_COALESCED_MMIO: 2,
  /** KVM_MAX_IRQ_ROUTES (include/linux/kvm_host.h). */
  KVM_CAP_IRQ_ROUTING: 4096,
};

/** The `r = 1` list of kvm_vm_ioctl_check_extension() in arch/x86/kvm/x86.c, without its #ifdef'd and later-conditional members. */
const X86_ALWAYS = [
  'KVM_CAP_IRQCHIP',
  'KVM_CAP_HLT',
  'KVM_CAP_MMU_SHADOW_CACHE_CONTROL',
  'KVM_CAP_SET_TSS_ADDR',
  'KVM_CAP_EXT_CPUID',
  'KVM_CAP_EXT_EMUL_CPUID',
  'KVM_CAP_CLOCKSOURCE',
  'KVM_CAP_PIT',
  'KVM_CAP_NOP_IO_DELAY',
  'KVM_CAP_MP_STATE',
  'KVM_CAP_SYNC_MMU',
  'KVM_CAP_USER_NMI',
  'KVM_CAP_REINJECT_CONTROL',
  'KVM_CAP_IRQ_INJECT_STATUS',
  'KVM_CAP_IOEVENTFD',
  'KVM_CAP_IOEVENTFD_NO_LENGTH',
  'KVM_CAP_PIT2',
  'KVM_CAP_PIT_STATE2',
  'KVM_CAP_SET_IDENTITY_MAP_ADDR',
  'KVM_CAP_VCPU_EVENTS',
  'KVM_CAP_PCI_SEGMENT',
  'KVM_CAP_DEBUGREGS',
  'KVM_CAP_X86_ROBUST_SINGLESTEP',
  'KVM_CAP_XSAVE',
  'KVM_CAP_ASYNC_PF',
  'KVM_CAP_GET_TSC_KHZ',
  'KVM_CAP_KVMCLOCK_CTRL',
  'KVM_CAP_IOAPIC_POLARITY_IGNORED',
  'KVM_CAP_TSC_DEADLINE_TIMER',
  'KVM_CAP_DISABLE_QUIRKS',
  'KVM_CAP_SET_BOOT_CPU_ID',
  'KVM_CAP_SPLIT_IRQCHIP',
];

export function x86Capability(cap: string): number | undefined {
  return GENERIC[cap] ?? (X86_ALWAYS.includes(cap) ? 1 : undefined);
}

/** Every capability the core answers on x86, so that no area claims one of them too. */
export const X86_CORE_CAPABILITIES: readonly string[] = [...Object.keys(GENERIC), ...X86_ALWAYS];
