import type { VmIoBus } from './state.js';

// The devices x86 KVM itself puts on the buses (Linux 6.18.2 line numbers). The local APIC is not on a
// bus: vcpu_mmio_write()/vcpu_mmio_read() (arch/x86/kvm/x86.c lines 7759-7797) try the vCPU's own APIC
// first and the KVM_MMIO_BUS after it (apic.ts).

export interface KernelDevice {
  name: string;
  bus: 'pio' | 'mmio';
  addr: number;
  /** The range kvm_io_bus_register_dev() is given; an access must lie wholly inside it (bus.ts). */
  len: number;
  /** The device's own check: the PC speaker registers 4 ports but answers only its own. */
  answers?(addr: number): boolean;
  source: string;
}

/** KVM_CREATE_IRQCHIP: kvm_pic_init() (i8259.c lines 607-616), kvm_ioapic_init() (ioapic.c line 742). */
const IRQCHIP: readonly KernelDevice[] = [
  { name: 'PIC master', bus: 'pio', addr: 0x20, len: 2, source: 'arch/x86/kvm/i8259.c kvm_pic_init(): KVM_PIO_BUS, 0x20, 2' },
  { name: 'PIC slave', bus: 'pio', addr: 0xa0, len: 2, source: 'arch/x86/kvm/i8259.c kvm_pic_init(): KVM_PIO_BUS, 0xa0, 2' },
  { name: 'ELCR', bus: 'pio', addr: 0x4d0, len: 2, source: 'arch/x86/kvm/i8259.c kvm_pic_init(): KVM_PIO_BUS, 0x4d0, 2' },
  {
    name: 'IOAPIC',
    bus: 'mmio',
    addr: 0xfec00000,
    len: 0x100,
    source: 'arch/x86/kvm/ioapic.c kvm_ioapic_init(): IOAPIC_DEFAULT_BASE_ADDRESS, IOAPIC_MEM_LENGTH (ioapic.h)',
  },
];

/** KVM_CREATE_PIT2: kvm_create_pit() (i8254.c lines 774-784). */
const PIT: KernelDevice = {
  name: 'PIT',
  bus: 'pio',
  addr: 0x40,
  len: 4,
  source: 'arch/x86/kvm/i8254.c kvm_create_pit(): KVM_PIT_BASE_ADDRESS, KVM_PIT_MEM_LENGTH',
};

/** Registered with length 4 but `if (addr != KVM_SPEAKER_BASE_ADDRESS) return -EOPNOTSUPP;` (i8254.c lines 590-591, 611-612). */
const SPEAKER: KernelDevice = {
  name: 'PC speaker',
  bus: 'pio',
  addr: 0x61,
  len: 4,
  answers: (addr) => addr === 0x61,
  source: 'arch/x86/kvm/i8254.c kvm_create_pit(): only `if (flags & KVM_PIT_SPEAKER_DUMMY)`, KVM_SPEAKER_BASE_ADDRESS, 4',
};

/** The port the speaker would answer when the PIT's flags were not traced: the one place its presence matters. */
export const SPEAKER_PORT = 0x61;

/** KVM's own devices on a VM's buses; the speaker only where the trace showed KVM_PIT_SPEAKER_DUMMY. */
export function kernelDevices(bus: VmIoBus): KernelDevice[] {
  const devices: KernelDevice[] = bus.irqchip === 'full' ? [...IRQCHIP] : [];
  if (bus.pit) devices.push(PIT);
  if (bus.pit?.speaker === true) devices.push(SPEAKER);
  return devices;
}

/** Whether the vCPUs have local APICs in the kernel (lapic_in_kernel()): with either irqchip, or not known. */
export function lapicInKernel(bus: VmIoBus): boolean | 'unknown' {
  const mode = bus.irqchip;
  return mode === 'full' || mode === 'split' ? true : mode === 'none' ? false : 'unknown';
}

/** Whether the PIC is in the kernel (pic_in_kernel()): only with KVM_CREATE_IRQCHIP. */
export function picInKernel(bus: VmIoBus): boolean {
  return bus.irqchip === 'full';
}

export function emptyBus(): VmIoBus {
  return { irqchip: 'none', devices: [], hidden: 0, learned: {}, ringWrites: 0 };
}
