// What a KVM_CHECK_EXTENSION answer on x86 depends on, read from kvm_vm_ioctl_check_extension() and
// kvm_vm_ioctl_check_extension_generic() (arch/x86/kvm/x86.c and virt/kvm/kvm_main.c, Linux 6.18.2):
// - version: the kernel release alone (a policy with a release range answers it);
// - config: a Kconfig option of the host kernel (CONFIG_KVM_IOAPIC, CONFIG_KVM_HYPERV, CONFIG_KVM_SMM, ...);
// - cpu: the CPU or the vendor module (kvm_caps.*, boot_cpu_has(), nested_ops);
// - host: the running machine (online CPUs).
// A host profile keeps the answers apart by this (src/query/profile/), and only the non-version ones
// stand in for a host's answers on another trace: the version ones are the policies'.

export const CAPABILITY_KINDS = ['version', 'config', 'cpu', 'host'] as const;
export type CapabilityKind = (typeof CAPABILITY_KINDS)[number];

/** The capabilities whose answer is not the kernel release's alone, with the code that decides it. */
const NOT_VERSION: Readonly<Record<string, { kind: Exclude<CapabilityKind, 'version'>; why: string }>> = {
  KVM_CAP_NR_VCPUS: { kind: 'host', why: '`min_t(unsigned int, num_online_cpus(), KVM_MAX_VCPUS)`' },
  KVM_CAP_MAX_VCPUS: { kind: 'config', why: 'KVM_MAX_VCPUS = CONFIG_KVM_MAX_NR_VCPUS (6.11+), or kvm->max_vcpus on a VM fd' },
  KVM_CAP_MAX_VCPU_ID: { kind: 'config', why: 'KVM_MAX_VCPU_IDS, from CONFIG_KVM_MAX_NR_VCPUS' },
  KVM_CAP_PIT: { kind: 'config', why: '`#ifdef CONFIG_KVM_IOAPIC` (6.18)' },
  KVM_CAP_PIT2: { kind: 'config', why: '`#ifdef CONFIG_KVM_IOAPIC` (6.18)' },
  KVM_CAP_PIT_STATE2: { kind: 'config', why: '`#ifdef CONFIG_KVM_IOAPIC` (6.18)' },
  KVM_CAP_REINJECT_CONTROL: { kind: 'config', why: '`#ifdef CONFIG_KVM_IOAPIC` (6.18)' },
  KVM_CAP_HYPERV: { kind: 'config', why: '`#ifdef CONFIG_KVM_HYPERV` (6.8+)' },
  KVM_CAP_HYPERV_VP_INDEX: { kind: 'config', why: '`#ifdef CONFIG_KVM_HYPERV` (6.8+)' },
  KVM_CAP_HYPERV_SYNIC: { kind: 'config', why: '`#ifdef CONFIG_KVM_HYPERV` (6.8+)' },
  KVM_CAP_HYPERV_TIME: { kind: 'config', why: '`#ifdef CONFIG_KVM_HYPERV` (6.8+)' },
  KVM_CAP_MULTI_ADDRESS_SPACE: { kind: 'config', why: '`#if KVM_MAX_NR_ADDRESS_SPACES > 1`, 2 on x86 only under CONFIG_KVM_SMM (6.3+)' },
  KVM_CAP_X86_SMM: {
    kind: 'config',
    why: '`if (!IS_ENABLED(CONFIG_KVM_SMM)) break;`, then the vendor: has_emulated_msr(kvm, MSR_IA32_SMBASE)',
  },
  KVM_CAP_XEN_HVM: { kind: 'config', why: '`#ifdef CONFIG_KVM_XEN`, and sched_info_on()' },
  KVM_CAP_STEAL_TIME: { kind: 'config', why: 'sched_info_on(): CONFIG_SCHED_INFO' },
  KVM_CAP_XCRS: { kind: 'cpu', why: '`boot_cpu_has(X86_FEATURE_XSAVE)`' },
  KVM_CAP_XSAVE2: { kind: 'cpu', why: 'xstate_required_size(kvm_get_filtered_xcr0()), at least sizeof(struct kvm_xsave)' },
  KVM_CAP_TSC_CONTROL: { kind: 'cpu', why: 'kvm_caps.has_tsc_control (TSC scaling)' },
  KVM_CAP_VM_TSC_CONTROL: { kind: 'cpu', why: 'kvm_caps.has_tsc_control (TSC scaling)' },
  KVM_CAP_NESTED_STATE: { kind: 'cpu', why: "the vendor module's nested_ops->get_state(NULL, NULL, 0)" },
  KVM_CAP_X86_NOTIFY_VMEXIT: { kind: 'cpu', why: 'kvm_caps.has_notify_vmexit (VMX notify VM exit)' },
  KVM_CAP_X86_BUS_LOCK_EXIT: { kind: 'cpu', why: 'kvm_caps.has_bus_lock_exit' },
  KVM_CAP_X86_DISABLE_EXITS: { kind: 'cpu', why: 'kvm_get_allowed_disable_exits(): CPU features and module parameters' },
  KVM_CAP_PMU_CAPABILITY: { kind: 'cpu', why: 'the enable_pmu module parameter' },
  KVM_CAP_PRE_FAULT_MEMORY: { kind: 'cpu', why: 'tdp_enabled (vendor module and its parameters)' },
  KVM_CAP_SMALLER_MAXPHYADDR: { kind: 'cpu', why: 'the allow_smaller_maxphyaddr module parameter' },
  KVM_CAP_HYPERV_DIRECT_TLBFLUSH: { kind: 'cpu', why: 'kvm_x86_ops.enable_l2_tlb_flush' },
  KVM_CAP_HYPERV_ENLIGHTENED_VMCS: { kind: 'cpu', why: 'nested_ops->enable_evmcs' },
  KVM_CAP_DISABLE_QUIRKS2: { kind: 'cpu', why: 'kvm_caps.supported_quirks' },
};

/** What decides a capability's answer; a capability this table does not list is the release's. */
export function capabilityKind(cap: string): CapabilityKind {
  return NOT_VERSION[cap]?.kind ?? 'version';
}

export function capabilityWhy(cap: string): string | undefined {
  return NOT_VERSION[cap]?.why;
}
