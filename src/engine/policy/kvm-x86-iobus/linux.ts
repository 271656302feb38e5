import type { VariantSpec } from '../define.js';
import type { IoBusParams } from './params.js';

/**
 * Upstream since 3.18 at the latest: an IN that userspace serves is traced by its completion in the next
 * KVM_RUN, with the value (3.18.63 and 4.2.8 have the `data_avail:` path; 6.1 split it into
 * emulator_pio_in()/complete_emulator_pio_in() with the same order). 3.6 traced both directions in
 * emulator_pio_in_out() before any exit and without a value; where between 3.7 and 3.18 that changed was
 * not read, so those releases have no variant.
 */
export const linux: VariantSpec<IoBusParams> = {
  variant: 'linux',
  isDefault: true,
  summary:
    'PIC/ELCR/PIT/speaker/IOAPIC/LAPIC, ioeventfds and coalesced zones on kvm_io_bus; an IN served by userspace traced at its completion',
  releases: { linux: { from: '3.18' } },
  sources: [
    {
      kind: 'source',
      ref: 'arch/x86/kvm/x86.c (6.18.2): emulator_pio_in_out(), emulator_pio_in()/complete_emulator_pio_in(), emulator_pio_out(), vcpu_mmio_write()/vcpu_mmio_read(), write_mmio(), read_exit_mmio(), __kvm_emulate_halt(), dm_request_for_irq_injection(), kvm_arch_vm_ioctl()',
    },
    {
      kind: 'source',
      ref: 'virt/kvm/kvm_main.c (6.18.2): kvm_io_bus_cmp(), kvm_io_bus_get_first_dev(), __kvm_io_bus_write()/read(), kvm_io_bus_register_dev()',
    },
    {
      kind: 'source',
      ref: 'virt/kvm/eventfd.c (6.18.2): ioeventfd_in_range(), ioeventfd_check_collision(), kvm_assign_ioeventfd(), kvm_deassign_ioeventfd_idx()',
    },
    {
      kind: 'source',
      ref: 'virt/kvm/coalesced_mmio.c (6.18.2): coalesced_mmio_in_range(), coalesced_mmio_write(), kvm_vm_ioctl_(un)register_coalesced_mmio()',
    },
    {
      kind: 'source',
      ref: 'arch/x86/kvm/i8259.c kvm_pic_init(), i8254.c kvm_create_pit(), ioapic.c kvm_ioapic_init(), lapic.c apic_mmio_in_range()/apic_mmio_write(), irq.c kvm_vm_ioctl_irq_line() (6.18.2)',
    },
    {
      kind: 'doc',
      ref: 'Documentation/virt/kvm/api.rst 4.59 KVM_IOEVENTFD, 4.116 KVM_(UN)REGISTER_COALESCED_MMIO, 7.8 KVM_CAP_SPLIT_IRQCHIP',
    },
  ],
  params: {},
};
