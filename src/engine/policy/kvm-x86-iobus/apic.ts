import type { Vcpu } from '../../../model/state.js';
import type { BusOutcome } from './bus.js';
import { lapicInKernel } from './devices.js';
import type { VmIoBus } from './state.js';

// The local APIC, which vcpu_mmio_write()/vcpu_mmio_read() (arch/x86/kvm/x86.c lines 7759-7797) ask
// before the KVM_MMIO_BUS. It takes an access inside [base, base + LAPIC_MMIO_LENGTH) (apic_mmio_in_range(),
// arch/x86/kvm/lapic.c lines 1759-1763) while it is hardware-enabled in xAPIC mode; disabled or in
// x2APIC mode it declines unless KVM_X86_QUIRK_LAPIC_MMIO_HOLE is on (lines 1774-1781, 2501-2507).

/** APIC_DEFAULT_PHYS_BASE | MSR_IA32_APICBASE_ENABLE: what kvm_lapic_reset() (lapic.c line 2843) gives a new vCPU. */
const RESET_APIC_BASE = 0xfee00000 + (1 << 11);
const APICBASE_ENABLE = 1n << 11n;
/** X2APIC_ENABLE, arch/x86/include/asm/apicdef.h. */
const APICBASE_EXTD = 1n << 10n;
/** MSR_IA32_APICBASE_BASE, arch/x86/include/asm/msr-index.h. */
const APICBASE_BASE = 0xfffffn << 12n;
const LAPIC_MMIO_LENGTH = 0x1000;
export const MSR_IA32_APICBASE = 0x1b;

/** The vCPU's MSR_IA32_APICBASE as far as the trace shows it. */
export function apicBaseOf(vcpu: Vcpu): bigint | 'unknown' {
  const known = vcpu.io?.apicBase;
  if (known === 'unknown') return 'unknown';
  return known === undefined ? BigInt(RESET_APIC_BASE) : BigInt(known);
}

/** The LAPIC's answer to an MMIO access, or undefined when the access is not the LAPIC's to take. */
export function lapicOutcome(bus: VmIoBus, vcpu: Vcpu, gpa: number, len: number): BusOutcome | undefined {
  const present = lapicInKernel(bus);
  if (present === false) return undefined;
  const base = apicBaseOf(vcpu);
  const key = `lapic:${vcpu.id}`;
  const page = base === 'unknown' ? BigInt(RESET_APIC_BASE) & APICBASE_BASE : base & APICBASE_BASE;
  if (BigInt(gpa) < page || BigInt(gpa + len) > page + BigInt(LAPIC_MMIO_LENGTH)) return undefined;
  if (present === 'unknown')
    return { unknown: 'whether the VM has in-kernel LAPICs (a KVM_ENABLE_CAP traced without its capability)', key };
  if (base === 'unknown')
    return { unknown: 'MSR_IA32_APICBASE after a VMM ioctl that may have set it (strace prints its struct as an address)', key };
  if (base & APICBASE_ENABLE && !(base & APICBASE_EXTD)) return { taken: 'LAPIC' };
  return { unknown: 'a disabled or x2APIC-mode LAPIC, whose MMIO page KVM_X86_QUIRK_LAPIC_MMIO_HOLE decides', key };
}

/** What the kernel's own behaviour taught about the LAPIC: it took an access in its default page, so it is enabled there. */
export const LEARNED_APIC_BASE = `0x${RESET_APIC_BASE.toString(16)}`;
