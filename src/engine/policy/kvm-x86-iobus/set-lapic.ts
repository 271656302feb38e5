import { needsLapic } from './irqchip.js';
import { apicBaseOf } from './apic.js';

/**
 * KVM_SET_LAPIC: with an in-kernel LAPIC, kvm_apic_set_state() fails only through kvm_apic_state_fixup(),
 * which in x2APIC mode refuses an APIC ID that is not the vCPU's (arch/x86/kvm/lapic.c lines 3122-3148, 3197): in
 * xAPIC mode it returns 0.
 */
export const setLapic = needsLapic<'ioctl:KVM_SET_LAPIC'>((vm, _event, vcpuId) => {
  const vcpu = vm.vcpus.find((v) => v.id === vcpuId);
  const base = vcpu ? apicBaseOf(vcpu) : 'unknown';
  if (base === 'unknown') return { unmodelled: 'whether the LAPIC is in x2APIC mode (MSR_IA32_APICBASE not shown)' };
  return base & (1n << 10n) ? { unmodelled: "an x2APIC-mode LAPIC checks the state's APIC ID, which the trace does not show" } : { ret: 0 };
});
