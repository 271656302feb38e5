import { z } from 'zod';
import { address, fdArgs, int, type ArgsOfShapes, type EventShape } from '../../../model/events/index.js';

// The ioctls that put devices on x86 KVM's I/O buses or talk to the in-kernel irqchip, with the field
// names of their structs in include/uapi/linux/kvm.h. strace 6.1 prints all of these but
// KVM_CREATE_IRQCHIP as a bare address (`KVM_IOEVENTFD, 0x7ffd91c5d5c0`,
// test/fixtures/traces/qemu-pc-64m.strace.gz): from a recording only fd and raw come, and every field
// is optional. Scenarios and JSON Lines give the fields.

/** struct kvm_coalesced_mmio_zone {addr, size, pio}. */
const zone = { ...fdArgs, addr: address.optional(), size: int.nonnegative().optional(), pio: int.nonnegative().optional() };
/** struct kvm_irq_level {irq, level}. */
const irqLevel = { ...fdArgs, irq: int.nonnegative().optional(), level: int.optional() };

export const IOBUS_EVENTS = {
  'ioctl:KVM_CREATE_IRQCHIP': { ...fdArgs, arg: address.optional() },
  /** struct kvm_pit_config {flags}; KVM_PIT_SPEAKER_DUMMY = 1. */
  'ioctl:KVM_CREATE_PIT2': { ...fdArgs, flags: int.nonnegative().optional() },
  /** struct kvm_ioeventfd {datamatch, addr, len, fd, flags}; the eventfd is `eventfd` here, `fd` being the VM's. */
  'ioctl:KVM_IOEVENTFD': {
    ...fdArgs,
    datamatch: address.optional(),
    addr: address.optional(),
    len: int.nonnegative().optional(),
    eventfd: int.optional(),
    flags: int.nonnegative().optional(),
  },
  'ioctl:KVM_REGISTER_COALESCED_MMIO': zone,
  'ioctl:KVM_UNREGISTER_COALESCED_MMIO': zone,
  'ioctl:KVM_IRQ_LINE': irqLevel,
  'ioctl:KVM_IRQ_LINE_STATUS': irqLevel,
  /** struct kvm_irqchip {chip_id, ...}: 0 master PIC, 1 slave PIC, 2 IOAPIC. */
  'ioctl:KVM_GET_IRQCHIP': { ...fdArgs, chip_id: int.nonnegative().optional() },
  'ioctl:KVM_SET_IRQCHIP': { ...fdArgs, chip_id: int.nonnegative().optional() },
  'ioctl:KVM_GET_PIT2': fdArgs,
  'ioctl:KVM_SET_PIT2': fdArgs,
  'ioctl:KVM_GET_LAPIC': fdArgs,
  'ioctl:KVM_SET_LAPIC': fdArgs,
  /** struct kvm_interrupt {__u32 irq;}: the vector, shown by the ioctl probe. */
  'ioctl:KVM_INTERRUPT': { ...fdArgs, irq: int.nonnegative().optional() },
  /** struct kvm_sregs and kvm_sregs2 carry apic_base, the vCPU's MSR_IA32_APICBASE. */
  'ioctl:KVM_SET_SREGS': { ...fdArgs, apic_base: address.optional() },
  'ioctl:KVM_SET_SREGS2': { ...fdArgs, apic_base: address.optional() },
  /** struct kvm_msrs; `indices` lists the MSRs it sets, where the trace shows them. */
  'ioctl:KVM_SET_MSRS': { ...fdArgs, nmsrs: int.nonnegative().optional(), indices: z.array(address).optional() },
} satisfies Record<string, EventShape>;

declare module '../../../model/events/index.js' {
  // eslint-disable-next-line @typescript-eslint/no-empty-object-type -- declaration merging adds this area's events
  interface EventArgsMap extends ArgsOfShapes<typeof IOBUS_EVENTS> {}
}
