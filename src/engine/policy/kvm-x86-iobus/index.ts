import { z } from 'zod';
import { defineArea } from '../define.js';
import { mmioAccess, onAccess, pioAccess } from './access.js';
import { guestMsr, setMsrs, setSregs } from './apic-base.js';
import { IOBUS_EVENTS } from './events.js';
import { createIrqchip, createPit2, enableSplitIrqchip, interrupt, irqchipState, irqLine, needsLapic, pitState } from './irqchip.js';
import { linux } from './linux.js';
import type { IoBusParams } from './params.js';
import { ioeventfdIoctl, registerCoalesced, unregisterCoalesced } from './registrations.js';
import { runReturn } from './run-return.js';
import { setLapic } from './set-lapic.js';

// kvm-x86-iobus: KVM's x86 port I/O and MMIO buses. For every access ftrace's kvm_pio and kvm_mmio
// show, whether a device in the kernel takes it (PIC, PIT, IOAPIC, the vCPU's LAPIC, an ioeventfd, a
// coalesced zone) or KVM_RUN returns KVM_EXIT_IO / KVM_EXIT_MMIO with it; which exit a KVM_RUN that
// traced none returns; and the VM and vCPU ioctls that make or need those devices.

export type { IoBusParams };

export const kvmX86IobusArea = defineArea<IoBusParams>({
  area: 'kvm-x86-iobus',
  summary: 'x86 port I/O and MMIO: which accesses the in-kernel devices, ioeventfds and coalesced zones take, and which exit to userspace',
  arches: ['x86_64'],
  events: IOBUS_EVENTS,
  hostFacts: { kvm_ioapic: z.boolean().optional() },
  behaviour: () => ({
    reducers: {
      'fault:kvm_pio': (state, event, ctx) => onAccess(state, event, ctx, pioAccess(event)),
      'fault:kvm_mmio': (state, event, ctx) => {
        const access = mmioAccess(event);
        return access ? onAccess(state, event, ctx, access) : state;
      },
      'exit:kvm_msr': guestMsr,
      'ioctl:KVM_CREATE_IRQCHIP': createIrqchip,
      'ioctl:KVM_CREATE_PIT2': createPit2,
      'ioctl:KVM_IRQ_LINE': irqLine<'ioctl:KVM_IRQ_LINE'>(),
      'ioctl:KVM_IRQ_LINE_STATUS': irqLine<'ioctl:KVM_IRQ_LINE_STATUS'>(),
      'ioctl:KVM_GET_IRQCHIP': irqchipState<'ioctl:KVM_GET_IRQCHIP'>(),
      'ioctl:KVM_SET_IRQCHIP': irqchipState<'ioctl:KVM_SET_IRQCHIP'>(),
      'ioctl:KVM_GET_PIT2': pitState<'ioctl:KVM_GET_PIT2'>(),
      'ioctl:KVM_SET_PIT2': pitState<'ioctl:KVM_SET_PIT2'>(),
      // kvm_vcpu_ioctl_get_lapic() returns 0 (arch/x86/kvm/x86.c line 6221 on).
      'ioctl:KVM_GET_LAPIC': needsLapic<'ioctl:KVM_GET_LAPIC'>(() => ({ ret: 0 })),
      'ioctl:KVM_SET_LAPIC': setLapic,
      'ioctl:KVM_INTERRUPT': interrupt,
      'ioctl:KVM_SET_SREGS': setSregs<'ioctl:KVM_SET_SREGS'>(),
      'ioctl:KVM_SET_SREGS2': setSregs<'ioctl:KVM_SET_SREGS2'>(),
      'ioctl:KVM_SET_MSRS': setMsrs,
      'ioctl:KVM_IOEVENTFD': ioeventfdIoctl,
      'ioctl:KVM_REGISTER_COALESCED_MMIO': registerCoalesced,
      'ioctl:KVM_UNREGISTER_COALESCED_MMIO': unregisterCoalesced,
    },
    hooks: {
      enableCap: { KVM_CAP_SPLIT_IRQCHIP: enableSplitIrqchip },
      runReturn,
    },
  }),
  variants: [linux],
  releaseGaps: [
    {
      system: 'linux',
      to: '3.17',
      why: '3.6 traced kvm_pio before the exit in both directions, without a value (a variant not yet written); 3.7-3.17 were not read',
    },
  ],
});

declare module '../define-policy.js' {
  interface AreaParamsMap {
    'kvm-x86-iobus': IoBusParams;
  }
}
