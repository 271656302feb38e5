import type { VariantSpec } from '../define.js';
import type { CapsParams } from './index.js';

/**
 * Linux 6.1 and later, as kvm_vm_ioctl_check_extension() and kvm_vm_ioctl_check_extension_generic()
 * answer in 6.18.2 (arch/x86/kvm/x86.c lines 4816-4920, virt/kvm/kvm_main.c lines 4867-4923). Every
 * answer below is also in the 6.1 release import (docs/upstream/x86-issue16.md, section 4: X86_TRIPLE_FAULT_EVENT
 * and SYS_ATTRIBUTES present in 6.1 and absent in 5.14, KVM_GUESTDBG_BLOCKIRQ in 6.1's
 * KVM_GUESTDBG_VALID_MASK, KVM_CLOCK_VALID_FLAGS 14 from 6.1).
 */
export const linux61: VariantSpec<CapsParams> = {
  variant: 'linux-6.1',
  isDefault: true,
  summary: "6.1+: the x86 `r = 1` list's later members, KVM_MAX_IRQ_ROUTES, KVM_GUESTDBG_VALID_MASK, KVM_CLOCK_VALID_FLAGS",
  releases: { linux: { from: '6.1' } },
  sources: [
    { kind: 'source', ref: 'arch/x86/kvm/x86.c kvm_vm_ioctl_check_extension() (6.18.2 lines 4816-4920)' },
    { kind: 'source', ref: 'virt/kvm/kvm_main.c kvm_vm_ioctl_check_extension_generic() (6.18.2 lines 4867-4923)' },
    { kind: 'doc', ref: 'docs/upstream/x86-issue16.md section 4 (release imports 4.2.8 ... 6.18.2): when each answer first appears' },
  ],
  params: {
    answers: {
      KVM_CAP_IMMEDIATE_EXIT: 1,
      KVM_CAP_EXT_EMUL_CPUID: 1,
      KVM_CAP_IOEVENTFD_NO_LENGTH: 1,
      KVM_CAP_IOAPIC_POLARITY_IGNORED: 1,
      KVM_CAP_DISABLE_QUIRKS: 1,
      KVM_CAP_SPLIT_IRQCHIP: 1,
      KVM_CAP_GET_MSR_FEATURES: 1,
      KVM_CAP_MSR_PLATFORM_INFO: 1,
      KVM_CAP_EXCEPTION_PAYLOAD: 1,
      KVM_CAP_X86_TRIPLE_FAULT_EVENT: 1,
      KVM_CAP_SREGS2: 1,
      KVM_CAP_SYS_ATTRIBUTES: 1,
      KVM_CAP_ASYNC_PF_INT: 1,
      KVM_CAP_LAST_CPU: 1,
      KVM_CAP_IRQFD_RESAMPLE: 1,
      KVM_CAP_IOEVENTFD_ANY_LENGTH: 1,
      KVM_CAP_CHECK_EXTENSION_VM: 1,
      KVM_CAP_ENABLE_CAP_VM: 1,
      KVM_CAP_HALT_POLL: 1,
      KVM_CAP_BINARY_STATS_FD: 1,
      KVM_CAP_COALESCED_PIO: 1,
      /** KVM_MAX_IRQ_ROUTES (include/linux/kvm_host.h). */
      KVM_CAP_IRQ_ROUTING: 4096,
      /** KVM_GUESTDBG_VALID_MASK: ENABLE | SINGLESTEP | USE_SW_BP | USE_HW_BP | INJECT_DB | INJECT_BP | BLOCKIRQ. */
      KVM_CAP_SET_GUEST_DEBUG2: 0x1f0003,
      /** KVM_CLOCK_VALID_FLAGS: KVM_CLOCK_TSC_STABLE | KVM_CLOCK_REALTIME | KVM_CLOCK_HOST_TSC. */
      KVM_CAP_ADJUST_CLOCK: 14,
      /** Device assignment (KVM_ASSIGN_*) is gone; the capability has no case and reads 0. */
      KVM_CAP_PCI_2_3: 0,
    },
  },
};
