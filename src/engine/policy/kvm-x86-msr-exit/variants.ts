import type { VariantSpec } from '../define.js';
import type { MsrExitParams } from './params.js';

const research = {
  kind: 'doc' as const,
  ref: 'docs/upstream/x86-issue16.md section 3: absent in the 5.9.1 release import, present in 5.12.9 and later',
};

/** Before 5.10: neither the capability nor the filter ioctl exists. */
export const before510: VariantSpec<MsrExitParams> = {
  variant: 'before-5.10',
  summary:
    'before 5.10: KVM_CAP_X86_USER_SPACE_MSR reads 0, enabling it is EINVAL, KVM_X86_SET_MSR_FILTER is ENOTTY; unhandled MSRs always #GP',
  releases: { linux: { to: '5.9' } },
  sources: [
    {
      kind: 'source',
      ref: 'arch/x86/kvm/x86.c (5.9.1): kvm_vm_ioctl_check_extension() `default:` 0, kvm_vm_ioctl_enable_cap() `default: r = -EINVAL`, kvm_arch_vm_ioctl() `int r = -ENOTTY;`',
    },
    research,
  ],
  params: { userSpaceMsr: false },
};

/** 5.10 and later: 1ae099540e8c "KVM: x86: Allow deflecting unknown MSR accesses to user space", 1a155254ff93 "KVM: x86: Introduce MSR filtering". */
export const linux510: VariantSpec<MsrExitParams> = {
  variant: 'linux-5.10',
  isDefault: true,
  summary: '5.10+: KVM_CAP_X86_USER_SPACE_MSR and KVM_CAP_X86_MSR_FILTER read 1; the exit reasons and the filter are checked as 6.18 does',
  releases: { linux: { from: '5.10' } },
  sources: [
    { kind: 'commit', ref: '1ae099540e8c', note: 'KVM: x86: Allow deflecting unknown MSR accesses to user space (5.10)' },
    { kind: 'commit', ref: '1a155254ff93', note: 'KVM: x86: Introduce MSR filtering (5.10)' },
    {
      kind: 'source',
      ref: 'arch/x86/kvm/x86.c (6.18.2): kvm_vm_ioctl_enable_cap() lines 6823-6829, kvm_vm_ioctl_set_msr_filter() lines 7053-7080',
    },
    { kind: 'doc', ref: 'Documentation/virt/kvm/api.rst 7.21 KVM_CAP_X86_USER_SPACE_MSR, 4.97 KVM_X86_SET_MSR_FILTER' },
    research,
  ],
  params: { userSpaceMsr: true },
};
